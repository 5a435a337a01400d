package csvsafe

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"挂证", "挂证"},
		{"=HYPERLINK(\"http://evil\",\"点我\")", "'=HYPERLINK(\"http://evil\",\"点我\")"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{"13800138000", "13800138000"},
		{"'already", "'already"},
	}
	for _, tc := range tests {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	rows := [][]string{{"编号", "标题"}, {"1", "=1+1"}, {"2", "含,逗号\n和换行\"引号\""}}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, BOM+"编号,标题\r\n") {
		t.Errorf("no BOM or CRLF: %q", out[:20])
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got[1][1] != "'=1+1" || got[2][1] != "含,逗号\n和换行\"引号\"" {
		t.Errorf("round trip = %q", got)
	}
	var empty bytes.Buffer
	NewWriter(&empty).Flush()
	if empty.String() != BOM {
		t.Errorf("empty output = %q", empty.String())
	}
}

func TestLongCells(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cut  bool
	}{
		{"short", "挂证", false},
		{"exactly the limit in CJK", strings.Repeat("证", MaxCell), false},
		{"one over", strings.Repeat("证", MaxCell+1), true},
		{"ASCII far over", strings.Repeat("a", 100000), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cut(tc.in)
			if (got != tc.in) != tc.cut {
				t.Fatalf("cut = %v, want %v", got != tc.in, tc.cut)
			}
			if utf16Len(got) > MaxCell {
				t.Errorf("%d units", utf16Len(got))
			}
			if tc.cut && !strings.HasSuffix(got, Truncated) {
				t.Error("no truncation mark")
			}
		})
	}
}
