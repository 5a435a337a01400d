package extract

import (
	"testing"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
)

var fuzzSeeds = []string{
	"", "电话：１３８ ００１３ ８０００（微信同号）", "微信:zhang_gz2023 QQ:12345678 a#qq.com",
	"幺三八零零幺三八零零零", "➕V：hrjz8866", "郑州华建人力资源服务有限公司", "一建 市政+公路 各两本",
	"两年7万 3年12个 1.2-1.5万/年 8-15K/月", "安全员ABC证、C1C2C3", "收一建3本若干名",
	"1 3 8 0 0 1 3 8 0 0 0", "(0371)65432100", "\xff\xfe1380013800\u200b0", "市政一建",
}

// checkFound verifies spans: within bounds, on rune boundaries of the
// original, equal to the text they claim, and in order of appearance.
func checkFound(t *testing.T, orig string, spans []guazheng.Span, ordered bool) {
	t.Helper()
	prev := -1
	for _, s := range spans {
		if s.Start < 0 || s.End > len(orig) || s.Start > s.End {
			t.Fatalf("span out of bounds: %+v of %q", s, orig)
		}
		if !boundary(orig, s.Start) || !boundary(orig, s.End) {
			t.Fatalf("span not on rune boundaries: %+v of %q", s, orig)
		}
		if orig[s.Start:s.End] != s.Text {
			t.Fatalf("span text %q != original %q", s.Text, orig[s.Start:s.End])
		}
		if ordered && s.Start < prev {
			t.Fatalf("not in order of appearance: %+v after start %d in %q", s, prev, orig)
		}
		prev = s.Start
	}
}

// boundary reports whether i is a rune boundary of s in the sense of a
// range loop (every invalid byte is a rune of its own).
func boundary(s string, i int) bool {
	if i == 0 || i == len(s) {
		return true
	}
	for j := range s {
		if j == i {
			return true
		}
		if j > i {
			return false
		}
	}
	return false
}

func FuzzContacts(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	x, n := setup(f)
	f.Fuzz(func(t *testing.T, s string) {
		cs := x.Contacts(n.Normalize(s))
		var spans []guazheng.Span
		seen := map[string]bool{}
		for _, c := range cs {
			spans = append(spans, c.Span)
			if c.Value == "" || !utf8.ValidString(c.Value) {
				t.Fatalf("bad value %q", c.Value)
			}
			if seen[string(c.Kind)+c.Value] {
				t.Fatalf("duplicate %s %s", c.Kind, c.Value)
			}
			seen[string(c.Kind)+c.Value] = true
			switch c.Kind {
			case guazheng.ContactPhone, guazheng.ContactQQ:
				if !isAllDigits(c.Value) {
					t.Fatalf("%s value %q is not digits", c.Kind, c.Value)
				}
			}
		}
		checkFound(t, s, spans, true)
	})
}

func FuzzCerts(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	x, n := setup(f)
	f.Fuzz(func(t *testing.T, s string) {
		var spans []guazheng.Span
		for _, c := range x.Certs(n.Normalize(s)) {
			spans = append(spans, c.Span)
			if c.Name == "" {
				t.Fatalf("empty name")
			}
		}
		checkFound(t, s, spans, false)
	})
}

func FuzzPrices(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	x, n := setup(f)
	f.Fuzz(func(t *testing.T, s string) {
		var spans []guazheng.Span
		for _, p := range x.Prices(n.Normalize(s)) {
			spans = append(spans, p.Span)
			if p.Yuan <= 0 || p.Text == "" {
				t.Fatalf("bad price %+v", p)
			}
		}
		checkFound(t, s, spans, true)
	})
}

func FuzzQuantities(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	x, n := setup(f)
	f.Fuzz(func(t *testing.T, s string) {
		var spans []guazheng.Span
		for _, q := range x.Quantities(n.Normalize(s)) {
			spans = append(spans, q.Span)
			if q.Count < 0 || q.Unit == "" {
				t.Fatalf("bad quantity %+v", q)
			}
		}
		checkFound(t, s, spans, true)
	})
}
