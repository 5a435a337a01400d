package segment

import (
	"strings"
	"testing"

	"github.com/guazheng/guazheng/rules"
)

func TestCutKeepsEveryByteAndUserWords(t *testing.T) {
	s, err := New([]rules.DictEntry{{Word: "挂", Freq: 2000, POS: "v"}, {Word: "挂证", Freq: 100, POS: "v"}, {Word: "一建", Freq: 100, POS: "n"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string // words that must appear as whole tokens
		not  []string // strings that must not be a token
	}{
		{"高价收一建市政，不坐班", []string{"一建", "市政"}, nil},
		{"本人有挂证需求", []string{"挂证"}, nil},
		{"请提交挂证据材料", []string{"证据"}, []string{"挂证"}},
		{"验收证书已发放", []string{"验收", "证书"}, []string{"收证"}},
		{"联系13812345678 vx: abc_123  ok", nil, nil},
	}
	for _, tt := range tests {
		words := s.Cut(tt.text)
		if got := strings.Join(words, ""); got != tt.text {
			t.Errorf("Cut(%q) joined = %q", tt.text, got)
		}
		has := map[string]bool{}
		for _, w := range words {
			has[w] = true
		}
		for _, w := range tt.want {
			if !has[w] {
				t.Errorf("Cut(%q) = %q, want token %q", tt.text, words, w)
			}
		}
		for _, w := range tt.not {
			if has[w] {
				t.Errorf("Cut(%q) = %q, must not have token %q", tt.text, words, w)
			}
		}
		b := s.Boundaries(nil, tt.text)
		if b[0] != 0 || b[len(b)-1] != len(tt.text) {
			t.Errorf("Boundaries(%q) = %v", tt.text, b)
		}
		for i := 1; i < len(b); i++ {
			if b[i] <= b[i-1] {
				t.Errorf("Boundaries(%q) not increasing: %v", tt.text, b)
			}
		}
	}
}

func TestNewRejectsBadWord(t *testing.T) {
	if _, err := New([]rules.DictEntry{{Word: "a b", Freq: 5}}); err == nil {
		t.Fatal("want error for a word with a space")
	}
}
