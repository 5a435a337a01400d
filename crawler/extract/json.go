package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/guazheng/guazheng"
)

// JSONSpec says how to read posts from a JSON endpoint (a board whose HTML
// is an empty shell filled by script).
type JSONSpec struct {
	// Match is a regular expression on the URL: matching pages are read as
	// JSON endpoints. Empty: every list page of the site (start URLs and
	// their pagination).
	Match string `yaml:"match"`
	// List is the dotted path to the array of items, e.g. "data.list".
	List string `yaml:"list"`
	// URL is the item's page URL, a template with {path} placeholders filled
	// from the item, e.g. "/job/{id}.html"; relative templates resolve
	// against the endpoint URL. It keys the item's post.
	URL string `yaml:"url"`
	// Fields are dotted paths inside one item.
	Fields JSONFields `yaml:"fields"`
	// Pagination walks the endpoint's pages by a query parameter.
	Pagination JSONPagination `yaml:"pagination"`
	// Check fetches each item's page (URL) when the item is found and then
	// every post_recheck, to record its takedown (404, 410 or a deleted
	// marker) like a post page's. Off: items are known only from the list.
	Check bool `yaml:"check"`

	match *regexp.Regexp
	holes []string
}

// JSONFields are the dotted paths of a post's fields inside one item.
type JSONFields struct {
	Title     string `yaml:"title"`
	Text      string `yaml:"text"`
	Author    string `yaml:"author"`
	Published string `yaml:"published"`
	Contact   string `yaml:"contact"`
}

// JSONPagination walks an endpoint's pages: Param is the page-number query
// parameter, Start the first page's number (default 1), Max the most pages
// per walk (0: no limit but the site's budget). The walk stops at a page
// with no items or nothing new.
type JSONPagination struct {
	Param string `yaml:"param"`
	Start int    `yaml:"start"`
	Max   int    `yaml:"max"`
}

var placeholder = regexp.MustCompile(`\{([^{}]+)\}`)

// Compile checks the spec; errors name the field under prefix (e.g. "json").
func (s *JSONSpec) Compile(prefix string) error {
	if s.Match != "" {
		re, err := regexp.Compile(s.Match)
		if err != nil {
			return errorf(prefix+".match", "bad regular expression: %v", err)
		}
		s.match = re
	}
	if s.List == "" {
		return errorf(prefix+".list", "empty path to the item array")
	}
	if s.URL == "" {
		return errorf(prefix+".url", "empty item URL template")
	}
	s.holes = nil
	for _, m := range placeholder.FindAllStringSubmatch(s.URL, -1) {
		s.holes = append(s.holes, m[1])
	}
	if len(s.holes) == 0 {
		return errorf(prefix+".url", "template %q has no {field} placeholder, so every item would get the same key", s.URL)
	}
	if s.Fields.Title == "" && s.Fields.Text == "" {
		return errorf(prefix+".fields.text", "empty: give the path of the text (or title) of an item")
	}
	if s.Pagination.Start == 0 {
		s.Pagination.Start = 1
	}
	if s.Pagination.Max < 0 {
		return errorf(prefix+".pagination.max", "negative")
	}
	return nil
}

// Handles reports whether the page at u (of the given kind) is read as JSON.
func (s *JSONSpec) Handles(u string, list bool) bool {
	if s.match != nil {
		return s.match.MatchString(u)
	}
	return list
}

// Posts reads the items of one endpoint page. The returned count is the
// number of items in the list, posts or not.
func (s *JSONSpec) Posts(body []byte, endpoint *url.URL, p Page, canon func(string) string) ([]guazheng.Post, int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, 0, fmt.Errorf("decode JSON: %w", err)
	}
	listV, ok := Path(doc, s.List)
	if !ok {
		return nil, 0, fmt.Errorf("JSON has no %q", s.List)
	}
	items, ok := listV.([]any)
	if !ok {
		if listV == nil {
			return nil, 0, nil
		}
		return nil, 0, fmt.Errorf("JSON %q is not an array", s.List)
	}
	posts := make([]guazheng.Post, 0, len(items))
	for _, it := range items {
		raw := placeholder.ReplaceAllStringFunc(s.URL, func(h string) string {
			v, _ := Path(it, h[1:len(h)-1])
			return url.PathEscape(scalar(v))
		})
		abs := Resolve(endpoint, raw)
		if abs == "" {
			continue
		}
		if canon != nil {
			abs = canon(abs)
		}
		post := guazheng.Post{Site: p.Site, Key: abs, URL: abs}
		post.Title = oneLine(s.str(it, s.Fields.Title))
		post.Text = strings.TrimSpace(s.str(it, s.Fields.Text))
		post.Author = oneLine(s.str(it, s.Fields.Author))
		if v := s.str(it, s.Fields.Published); v != "" {
			post.Published, _ = ParseTime(v, "", p.Loc, p.Now)
		}
		post.Text = WithContact(post.Text, strings.TrimSpace(s.str(it, s.Fields.Contact)))
		if post.Title == "" && post.Text == "" {
			continue
		}
		posts = append(posts, post)
	}
	return posts, len(items), nil
}

func (s *JSONSpec) str(item any, path string) string {
	if path == "" {
		return ""
	}
	v, _ := Path(item, path)
	return scalar(v)
}

// NextPage returns the URL of the endpoint page after u, or "" when the
// spec has no pagination or the walk reached Max pages.
func (s *JSONSpec) NextPage(u *url.URL) string {
	pg := s.Pagination
	if pg.Param == "" {
		return ""
	}
	q := u.Query()
	cur := pg.Start
	if v := q.Get(pg.Param); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return ""
		}
		cur = n
	}
	if pg.Max > 0 && cur-pg.Start+1 >= pg.Max {
		return ""
	}
	q.Set(pg.Param, strconv.Itoa(cur+1))
	next := *u
	next.RawQuery = q.Encode()
	return next.String()
}

// Path follows a dotted path ("data.list", "user.name", "items.0.id")
// through decoded JSON.
func Path(v any, path string) (any, bool) {
	if path == "" || path == "." {
		return v, true
	}
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s := scalar(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "\n")
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
