package web

import (
	"reflect"
	"testing"

	"github.com/guazheng/guazheng"
)

func TestHighlight(t *testing.T) {
	text := "高价收一建<script>alert(1)</script>"
	sp := func(s, e int, label string) mark {
		return mark{Span: guazheng.Span{Field: "text", Start: s, End: e}, Label: label}
	}
	for _, tc := range []struct {
		name  string
		marks []mark
		want  []segment
	}{
		{"none", nil, []segment{{Text: text}}},
		{"one", []mark{sp(0, 6, "a")}, []segment{{Text: "高价", Mark: true, Title: "a"}, {Text: "收一建<script>alert(1)</script>"}}},
		{"overlap", []mark{sp(0, 9, "a"), sp(6, 15, "b")}, []segment{
			{Text: "高价", Mark: true, Title: "a"}, {Text: "收", Mark: true, Title: "a；b"}, {Text: "一建", Mark: true, Title: "b"},
			{Text: "<script>alert(1)</script>"}}},
		{"out of range and mid-rune ignored", []mark{sp(-1, 3, "x"), sp(0, 100, "y"), sp(1, 3, "z"), sp(5, 5, "e")}, []segment{{Text: text}}},
		{"other field ignored", []mark{{Span: guazheng.Span{Field: "title", Start: 0, End: 3}}}, []segment{{Text: text}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := highlight(text, "text", tc.marks)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}
