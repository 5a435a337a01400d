package extract

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/gocolly/colly/v2"
)

// LinkRule selects links: anchors matching Selector (default "a[href]")
// whose absolute URL matches Pattern (default: any).
type LinkRule struct {
	Selector string `yaml:"selector"`
	Pattern  string `yaml:"pattern"`

	sel cascadia.Selector
	re  *regexp.Regexp
}

// Compile checks and prepares the rule; path names it in errors.
func (r *LinkRule) Compile(path string) error {
	if r.Selector == "" && r.Pattern == "" {
		return errorf(path, "empty rule: give a selector, a pattern or both")
	}
	sel := r.Selector
	if sel == "" {
		sel = "a[href]"
	}
	s, err := compileSelector(sel)
	if err != nil {
		return errorf(path+".selector", "bad CSS selector %q: %v", r.Selector, err)
	}
	r.sel = s
	if r.Pattern != "" {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return errorf(path+".pattern", "bad regular expression: %v", err)
		}
		r.re = re
	}
	return nil
}

// Matches reports whether an absolute URL satisfies the rule's pattern.
func (r *LinkRule) Matches(u string) bool { return r.re == nil || r.re.MatchString(u) }

// BaseURL returns the URL that relative links of doc resolve against: the
// page URL, or the document's <base href> resolved against it.
func BaseURL(doc *goquery.Document, page *url.URL) *url.URL {
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if abs := Resolve(page, href); abs != "" {
			if b, err := url.Parse(abs); err == nil {
				return b
			}
		}
	}
	return page
}

// Resolve makes href absolute against base the way a browser does (colly's
// WHATWG URL parser). It returns "" for fragments, non-HTTP schemes and
// unparsable links.
func Resolve(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" {
		return ""
	}
	abs := (&colly.Request{URL: base}).AbsoluteURL(href)
	if !strings.HasPrefix(abs, "http://") && !strings.HasPrefix(abs, "https://") {
		return ""
	}
	return abs
}

// Links returns, in document order and without duplicates, the absolute
// URLs of the anchors of doc that match any of the rules, resolved exactly
// as colly resolves them. canon, if not nil, rewrites each URL (session and
// tracking parameters stripped) before it is matched against patterns.
func Links(doc *goquery.Document, base *url.URL, rules []LinkRule, canon func(string) string) []string {
	if len(rules) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for i := range rules {
		r := &rules[i]
		doc.Selection.FindMatcher(r.sel).Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			abs := Resolve(base, href)
			if abs != "" && canon != nil {
				abs = canon(abs)
			}
			if abs == "" || seen[abs] || !r.Matches(abs) {
				return
			}
			seen[abs] = true
			out = append(out, abs)
		})
	}
	return out
}
