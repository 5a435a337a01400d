package extract

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/guazheng/guazheng"
)

// HTMLSpec says how to read posts from an HTML page. Without Item the page
// is one post (a detail page); with Item every matching element is one post
// (a floor of a forum thread) whose fields are searched inside the element,
// except Title, which is the thread's title searched in the whole page.
type HTMLSpec struct {
	Item      string `yaml:"item"`
	Title     Field  `yaml:"title"`
	Text      Field  `yaml:"text"`
	Author    Field  `yaml:"author"`
	Published Field  `yaml:"published"`
	Contact   Field  `yaml:"contact"`
	// FloorID is the floor's number or id inside an item ("5楼", "#5",
	// data-pid="991"); digits are kept when the value has any. Required when
	// the thread spans pages, since a position on one page is not stable.
	FloorID Field `yaml:"floor_id"`
	// Thread makes the floors of a thread that spans pages share one key base.
	Thread Thread `yaml:"thread"`

	item cascadia.Selector
}

// Thread describes a forum thread spread over several pages.
type Thread struct {
	// Next selects the link to the thread's next page.
	Next string `yaml:"next"`
	// PageParam is the query parameter that numbers the thread's pages; it is
	// removed to get the thread's first-page URL, which keys its floors.
	PageParam string `yaml:"page_param"`
	// PageRegexp and PageReplace rewrite a page URL into the thread's
	// first-page URL when the page number is in the path
	// (e.g. "-(\d+)\.html$" → "-1.html").
	PageRegexp  string `yaml:"page_regexp"`
	PageReplace string `yaml:"page_replace"`

	next cascadia.Selector
	re   *regexp.Regexp
}

// Paged reports whether the thread is configured to span several pages.
func (t *Thread) Paged() bool { return t.Next != "" }

// Compile checks the spec and prepares its selectors; errors name the field
// under prefix (e.g. "extract").
func (s *HTMLSpec) Compile(prefix string) error {
	if s.Item != "" {
		sel, err := compileSelector(s.Item)
		if err != nil {
			return errorf(prefix+".item", "bad CSS selector %q: %v", s.Item, err)
		}
		s.item = sel
	}
	// A floor-per-post thread may leave the title empty (many forums show
	// only the thread title, once); a single-post page needs one.
	if err := s.Title.compile(prefix+".title", s.Item == ""); err != nil {
		return err
	}
	if err := s.Text.compile(prefix+".text", true); err != nil {
		return err
	}
	for _, f := range []struct {
		f    *Field
		name string
	}{{&s.Author, "author"}, {&s.Published, "published"}, {&s.Contact, "contact"}, {&s.FloorID, "floor_id"}} {
		if err := f.f.compile(prefix+"."+f.name, false); err != nil {
			return err
		}
	}
	if s.Published.Layout != "" && strings.Count(s.Published.Layout, "2006")+strings.Count(s.Published.Layout, "06") == 0 {
		return errorf(prefix+".published.layout", "Go time layout %q has no year (use 2006)", s.Published.Layout)
	}
	t := &s.Thread
	if t.Next != "" {
		sel, err := compileSelector(t.Next)
		if err != nil {
			return errorf(prefix+".thread.next", "bad CSS selector %q: %v", t.Next, err)
		}
		t.next = sel
		if s.Item == "" {
			return errorf(prefix+".thread.next", "thread pagination needs extract.item (one element per floor)")
		}
		if s.FloorID.IsZero() {
			return errorf(prefix+".floor_id", "empty selector: a thread that spans pages needs a stable floor id")
		}
		if t.PageParam == "" && t.PageRegexp == "" {
			return errorf(prefix+".thread.page_param", "empty: say how a page URL maps to the thread's first page (page_param or page_regexp)")
		}
	}
	if t.PageRegexp != "" {
		re, err := regexp.Compile(t.PageRegexp)
		if err != nil {
			return errorf(prefix+".thread.page_regexp", "bad regular expression: %v", err)
		}
		t.re = re
	}
	return nil
}

// ThreadURL returns the thread's first-page URL for the canonical URL of
// any of its pages.
func (t *Thread) ThreadURL(pageURL string) string {
	if t.re != nil {
		return t.re.ReplaceAllString(pageURL, t.PageReplace)
	}
	if t.PageParam == "" {
		return pageURL
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return pageURL
	}
	q := u.Query()
	if !q.Has(t.PageParam) {
		return pageURL
	}
	q.Del(t.PageParam)
	u.RawQuery = q.Encode()
	return u.String()
}

// Page is what extraction needs to know about the page at hand.
type Page struct {
	Site string
	// URL is the page's canonical URL (tracking parameters stripped): the
	// key of a detail page, and the base of a thread's floor keys.
	URL string
	// Loc is the time zone of dates without one (default UTC+8).
	Loc *time.Location
	// Now resolves relative dates such as 3天前.
	Now time.Time
}

// Posts reads the posts of doc. A detail page yields at most one post, keyed
// by its URL; a thread page yields one post per floor keyed by the thread's
// first-page URL + "#floor-" + floor id. Posts with neither title nor text are
// dropped.
func (s *HTMLSpec) Posts(doc *goquery.Document, p Page) []guazheng.Post {
	root := doc.Selection
	if s.item == nil {
		post := s.read(root, root, p)
		post.Key = p.URL
		if post.Title == "" && post.Text == "" {
			return nil
		}
		return []guazheng.Post{post}
	}
	thread := s.Thread.ThreadURL(p.URL)
	items := root.FindMatcher(s.item)
	posts := make([]guazheng.Post, 0, items.Length())
	items.Each(func(i int, item *goquery.Selection) {
		post := s.read(root, item, p)
		if post.Text == "" {
			return
		}
		id := floorID(s.FloorID.value(item))
		if id == "" {
			id = strconv.Itoa(i + 1)
		}
		post.Key = thread + "#floor-" + id
		posts = append(posts, post)
	})
	return posts
}

func (s *HTMLSpec) read(doc, item *goquery.Selection, p Page) guazheng.Post {
	post := guazheng.Post{
		Site:   p.Site,
		URL:    p.URL,
		Title:  oneLine(s.Title.value(doc)),
		Text:   s.Text.value(item),
		Author: oneLine(s.Author.value(item)),
	}
	if v := s.Published.value(item); v != "" {
		post.Published, _ = ParseTime(v, s.Published.Layout, p.Loc, p.Now)
	}
	post.Text = WithContact(post.Text, s.Contact.value(item))
	return post
}

// WithContact appends a contact block to text unless text already holds it.
func WithContact(text, contact string) string {
	switch {
	case contact == "" || strings.Contains(text, contact):
		return text
	case text == "":
		return contact
	default:
		return text + "\n" + contact
	}
}

var digits = regexp.MustCompile(`\d+`)

// floorID keeps the digits of a floor label ("5楼", "#5") or the trimmed
// label when it has none.
func floorID(v string) string {
	if d := digits.FindString(v); d != "" {
		return strings.TrimLeft(d, "0")
	}
	return strings.Join(strings.Fields(v), "-")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ThreadNext returns the raw href of the link to the thread's next page, or "".
func (s *HTMLSpec) ThreadNext(doc *goquery.Document) string {
	if s.Thread.next == nil {
		return ""
	}
	href, _ := doc.Selection.FindMatcher(s.Thread.next).First().Attr("href")
	return strings.TrimSpace(href)
}
