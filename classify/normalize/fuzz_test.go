package normalize

import (
	"fmt"
	"testing"
	"unicode/utf8"
)

// mapInvariants checks the offset map of x: every result within bounds, on
// rune boundaries of Orig, starts depending only on start and ends only on
// end, both monotone. It returns "" when all hold.
func mapInvariants(x *Text) string {
	if !utf8.ValidString(x.Norm) {
		return "Norm is not valid UTF-8"
	}
	boundary := make([]bool, len(x.Orig)+1)
	for i := range x.Orig {
		boundary[i] = true
	}
	boundary[len(x.Orig)] = true
	n := len(x.Norm)
	step := 1
	if n > 48 {
		step = n/48 + 1
	}
	points := []int{}
	for p := 0; p <= n; p += step {
		points = append(points, p)
	}
	if points[len(points)-1] != n {
		points = append(points, n)
	}
	prevS, prevE := -1, -1
	for _, p := range points {
		s, _ := x.OrigRange(p, p)
		_, e := x.OrigRange(0, p)
		if s < 0 || s > len(x.Orig) || e < 0 || e > len(x.Orig) {
			return fmt.Sprintf("OrigRange out of bounds at %d: %d %d", p, s, e)
		}
		if !boundary[s] || !boundary[e] {
			return fmt.Sprintf("OrigRange(%d) not on a rune boundary: %d %d", p, s, e)
		}
		if s < prevS || e < prevE {
			return fmt.Sprintf("OrigRange not monotone at %d: %d<%d or %d<%d", p, s, prevS, e, prevE)
		}
		prevS, prevE = s, e
		for _, q := range points {
			if q <= p || q > p+8*step && q != n {
				continue
			}
			s2, e2 := x.OrigRange(p, q)
			_, e3 := x.OrigRange(0, q)
			if s2 != s || e2 != e3 || s2 > e2 {
				return fmt.Sprintf("OrigRange(%d,%d) = %d,%d inconsistent with %d,%d", p, q, s2, e2, s, e3)
			}
		}
	}
	if n > 0 {
		if s, e := x.OrigRange(0, n); s >= e {
			return "whole Norm maps to an empty range"
		}
	}
	return ""
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", "掛證 建造師", "挂 🔥 证", "➕V：abc", "１３８ ００１３ ８０００", "⑴⑵❶𝟭",
		"a\u0301\u200b\ufe0f\xff", "3万/年 2000 / 月", "gua  zheng\n\n", "1️⃣3️⃣",
		"\xed\xa0\x80挂", "\xe0\x80\x80证",
	} {
		f.Add(s)
	}
	n := New()
	f.Fuzz(func(t *testing.T, s string) {
		x := n.Normalize(s)
		if x.Orig != s {
			t.Fatalf("Orig changed")
		}
		if err := mapInvariants(x); err != "" {
			t.Fatalf("%q → %q: %s", s, x.Norm, err)
		}
		if again := n.Normalize(x.Norm).Norm; again != x.Norm {
			t.Fatalf("not idempotent: %q → %q → %q", s, x.Norm, again)
		}
		for o := 0; o <= len(s); o++ {
			if p := x.NormOffset(o); p < 0 || p > len(x.Norm) {
				t.Fatalf("NormOffset(%d) = %d", o, p)
			}
		}
	})
}
