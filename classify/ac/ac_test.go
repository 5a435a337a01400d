package ac

import (
	"math/rand"
	"sort"
	"strings"
	"testing"
)

// naive finds every occurrence of every pattern by brute force.
func naive(patterns []string, text string) []Match {
	var out []Match
	for id, p := range patterns {
		if p == "" {
			continue
		}
		for i := 0; i+len(p) <= len(text); i++ {
			if text[i:i+len(p)] == p {
				out = append(out, Match{id, i, i + len(p)})
			}
		}
	}
	return out
}

func sorted(ms []Match) []Match {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].End != ms[j].End {
			return ms[i].End < ms[j].End
		}
		if ms[i].Start != ms[j].Start {
			return ms[i].Start < ms[j].Start
		}
		return ms[i].ID < ms[j].ID
	})
	return ms
}

func TestFindAll(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		text     string
		want     []Match
	}{
		{"chinese overlap", []string{"挂证", "证书", "挂证书"}, "求挂证书", []Match{{0, 3, 9}, {1, 6, 12}, {2, 3, 12}}},
		{"suffix outputs", []string{"he", "she", "his", "hers"}, "ushers", []Match{{1, 1, 4}, {0, 2, 4}, {3, 2, 6}}},
		{"no match", []string{"一建"}, "二建市政", nil},
		{"duplicate patterns", []string{"收", "收"}, "急收", []Match{{0, 3, 6}, {1, 3, 6}}},
		{"empty pattern ignored", []string{"", "a"}, "aa", []Match{{1, 0, 1}, {1, 1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Build(tt.patterns)
			got := sorted(a.FindAll(nil, tt.text))
			want := sorted(tt.want)
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
			if a.Contains(tt.text) != (len(want) > 0) {
				t.Errorf("Contains = %v, want %v", a.Contains(tt.text), len(want) > 0)
			}
		})
	}
}

func TestFindAllRandomAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alpha := []string{"a", "b", "挂", "证", "收"}
	word := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(alpha[r.Intn(len(alpha))])
		}
		return b.String()
	}
	for round := 0; round < 300; round++ {
		var pats []string
		for i := 0; i < 1+r.Intn(12); i++ {
			pats = append(pats, word(1+r.Intn(4)))
		}
		text := word(r.Intn(40))
		got := sorted(Build(pats).FindAll(nil, text))
		want := sorted(naive(pats, text))
		if len(got) != len(want) {
			t.Fatalf("patterns %q text %q: got %v want %v", pats, text, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("patterns %q text %q: got %v want %v", pats, text, got, want)
			}
		}
	}
}

func BenchmarkFindAll(b *testing.B) {
	pats := []string{"挂证", "一建", "二建", "市政", "机电", "唯一社保", "不坐班", "收证", "出证", "资质"}
	for i := 0; i < 2000; i++ {
		pats = append(pats, strings.Repeat("词", 1+i%5)+string(rune('甲'+i)))
	}
	a := Build(pats)
	text := strings.Repeat("本公司诚聘项目经理，负责施工现场管理，要求持有二级建造师证书，五险一金，月薪一万。", 20)
	b.SetBytes(int64(len(text)))
	var ms []Match
	for b.Loop() {
		ms = a.FindAll(ms[:0], text)
	}
}
