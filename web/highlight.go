package web

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
)

// mark is a span of a post's original text with why it is highlighted.
type mark struct {
	guazheng.Span
	Label string
}

// segment is a piece of text, highlighted or not. Templates escape Text.
type segment struct {
	Text  string
	Mark  bool
	Title string // the labels of the spans covering it
}

// highlight splits text (the original title or text of a post) at the
// boundaries of the marks of field. Marks out of range or not on character
// boundaries are ignored. The pieces are plain strings: the template escapes
// each of them, so hostile text stays text.
func highlight(text, field string, marks []mark) []segment {
	var ms []mark
	cuts := map[int]bool{0: true, len(text): true}
	for _, m := range marks {
		if m.Field != field || m.Start < 0 || m.End > len(text) || m.Start >= m.End {
			continue
		}
		if !utf8.RuneStart(text[m.Start]) || (m.End < len(text) && !utf8.RuneStart(text[m.End])) {
			continue
		}
		ms = append(ms, m)
		cuts[m.Start], cuts[m.End] = true, true
	}
	points := make([]int, 0, len(cuts))
	for p := range cuts {
		points = append(points, p)
	}
	sort.Ints(points)
	var out []segment
	for i := 0; i+1 < len(points); i++ {
		a, b := points[i], points[i+1]
		var labels []string
		for _, m := range ms {
			if m.Start <= a && m.End >= b && m.Label != "" && !contains(labels, m.Label) {
				labels = append(labels, m.Label)
			}
		}
		covered := false
		for _, m := range ms {
			if m.Start <= a && m.End >= b {
				covered = true
				break
			}
		}
		seg := segment{Text: text[a:b], Mark: covered, Title: strings.Join(labels, "；")}
		if n := len(out); n > 0 && !covered && !out[n-1].Mark {
			out[n-1].Text += seg.Text
			continue
		}
		out = append(out, seg)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// verdictMarks collects the spans of a verdict: fired rules, contacts,
// certificates, prices and quantities.
func verdictMarks(v *guazheng.Verdict) []mark {
	if v == nil {
		return nil
	}
	var out []mark
	for _, r := range v.Rules {
		label := r.Rule
		if r.Description != "" {
			label += "：" + r.Description
		}
		for _, sp := range r.Spans {
			out = append(out, mark{Span: sp, Label: label})
		}
	}
	for _, c := range v.Contacts {
		out = append(out, mark{Span: c.Span, Label: kindLabels[string(c.Kind)] + " " + c.Value})
	}
	for _, c := range v.Certs {
		out = append(out, mark{Span: c.Span, Label: "证书 " + c.Label()})
	}
	for _, p := range v.Prices {
		out = append(out, mark{Span: p.Span, Label: "价格 " + p.Text})
	}
	for _, q := range v.Quantities {
		out = append(out, mark{Span: q.Span, Label: "数量"})
	}
	return out
}
