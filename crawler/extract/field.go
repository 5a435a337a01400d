// Package extract turns parsed pages into posts and links: CSS-selector
// fields for HTML pages (one post per page, or many posts per page such as
// the floors of a forum thread), dotted field paths for JSON endpoints, and
// link rules that say which links lead to list pages and which to posts.
package extract

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"
)

// Field says where one value sits on a page: a CSS selector, optionally the
// attribute to read instead of the text, and optionally a regular expression
// whose first group (or whole match) is kept. In YAML a plain string is a
// selector: `title: "h1.subject"`.
type Field struct {
	Selector string `yaml:"selector"`
	Attr     string `yaml:"attr"`
	Regexp   string `yaml:"regexp"`
	// Layout is a Go time layout for the published field; empty means the
	// usual Chinese and ISO forms are recognised (see ParseTime).
	Layout string `yaml:"layout"`

	sel cascadia.Selector
	re  *regexp.Regexp
}

// UnmarshalYAML accepts a plain selector string or a mapping.
func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Selector = n.Value
		return nil
	}
	type plain Field
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*f = Field(p)
	return nil
}

// IsZero reports whether the field is not configured.
func (f *Field) IsZero() bool { return f.Selector == "" && f.Attr == "" && f.Regexp == "" }

// Error is a configuration error located at a dotted field path such as
// "extract.title", so that callers can name the field in their message.
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string { return fmt.Sprintf("field %q: %s", e.Field, e.Msg) }

func errorf(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// compile checks and prepares the field; path names it in errors. A field
// with only an attribute reads that attribute of the item itself.
func (f *Field) compile(path string, required bool) error {
	if f.IsZero() {
		if required {
			return errorf(path, "empty selector")
		}
		return nil
	}
	if f.Selector == "" && f.Attr == "" {
		return errorf(path, "empty selector")
	}
	if f.Selector != "" {
		s, err := compileSelector(f.Selector)
		if err != nil {
			return errorf(path, "bad CSS selector %q: %v", f.Selector, err)
		}
		f.sel = s
	}
	if f.Regexp != "" {
		re, err := regexp.Compile(f.Regexp)
		if err != nil {
			return errorf(path+".regexp", "bad regular expression: %v", err)
		}
		f.re = re
	}
	return nil
}

func compileSelector(s string) (cascadia.Selector, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty selector")
	}
	return cascadia.Compile(s)
}

// value reads the field inside sel (the document or one item).
func (f *Field) value(sel *goquery.Selection) string {
	if f.IsZero() {
		return ""
	}
	target := sel
	if f.sel != nil {
		target = sel.FindMatcher(f.sel)
	}
	var v string
	if f.Attr != "" {
		v, _ = target.First().Attr(f.Attr)
		v = strings.TrimSpace(v)
	} else {
		parts := make([]string, 0, target.Length())
		target.Each(func(_ int, s *goquery.Selection) {
			if t := NodesText(s.Nodes); t != "" {
				parts = append(parts, t)
			}
		})
		v = strings.Join(parts, "\n")
	}
	return f.cut(v)
}

func (f *Field) cut(v string) string {
	if f.re == nil || v == "" {
		return v
	}
	m := f.re.FindStringSubmatch(v)
	switch {
	case m == nil:
		return ""
	case len(m) > 1:
		return strings.TrimSpace(m[1])
	default:
		return strings.TrimSpace(m[0])
	}
}

// blockTags end a line in extracted text.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "tr": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "dd": true, "dt": true, "blockquote": true, "pre": true,
	"section": true, "article": true, "table": true, "ul": true, "ol": true, "hr": true,
}

// skipTags carry no visible text.
var skipTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "head": true}

// NodesText returns the visible text of nodes: scripts and styles skipped,
// a line break at block elements and <br>, runs of spaces collapsed, lines
// trimmed and empty lines dropped.
func NodesText(nodes []*html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if skipTags[n.Data] {
				return
			}
			if blockTags[n.Data] {
				b.WriteByte('\n')
				defer b.WriteByte('\n')
			}
		case html.CommentNode:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return tidy(b.String())
}

// tidy collapses spaces inside lines, trims lines and drops empty ones.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, isSpace), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\f', '\v', '\u00a0', '\u3000':
		return true
	}
	return false
}
