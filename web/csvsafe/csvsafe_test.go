package csvsafe

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"挂证", "挂证"},
		{"=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"},
		{"+86 138", "'+86 138"},
		{"-1+2", "'-1+2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=b", "a=b"},
	} {
		if got := Cell(tc.in); got != tc.want {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	if err := w.Write([]string{"标题", "=1+1"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"收证,\"引号\"", "@x"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, BOM) || strings.Count(out, BOM) != 1 {
		t.Fatalf("BOM missing or repeated: %q", out)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"标题", "'=1+1"}, {"收证,\"引号\"", "'@x"}}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("cell %d,%d = %q, want %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
}
