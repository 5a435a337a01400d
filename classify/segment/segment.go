// Package segment cuts Chinese text into words with gse, using a dictionary
// embedded in the binary (a copied binary needs no module cache) plus the
// domain user dictionary of the rule directory.
package segment

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/go-ego/gse"

	"github.com/guazheng/guazheng/rules"
)

//go:generate go run ./internal/gendict

//go:embed dict_zh.txt
var dictZh string

// Segmenter cuts text into words. It is immutable after New: gse's
// dictionary has no lock, so user words are added only while building.
type Segmenter struct {
	seg gse.Segmenter
}

// New loads the embedded dictionary and the user words.
func New(user []rules.DictEntry) (*Segmenter, error) {
	s := &Segmenter{}
	s.seg.NotLoadHMM = true
	s.seg.SkipLog = true
	var b strings.Builder
	b.Grow(len(dictZh) + 32*len(user))
	b.WriteString(dictZh)
	for _, e := range user {
		if strings.ContainsAny(e.Word, " \t\n") {
			return nil, fmt.Errorf("segment: user word %q at %s contains white space", e.Word, e.Pos)
		}
		fmt.Fprintf(&b, "%s %g %s\n", e.Word, e.Freq, e.POS)
	}
	if err := s.seg.LoadDictStr(b.String()); err != nil {
		return nil, fmt.Errorf("segment: load dictionary: %w", err)
	}
	return s, nil
}

// Cut returns the words of text (dictionary path, no HMM).
func (s *Segmenter) Cut(text string) []string {
	return s.seg.Cut(text, false)
}

// Boundaries appends to dst the byte offsets in text where words start or
// end (0 and len(text) included), in increasing order.
func (s *Segmenter) Boundaries(dst []int, text string) []int {
	dst = append(dst, 0)
	off := 0
	for _, w := range s.seg.Cut(text, false) {
		// gse's words concatenate to the text, but be safe if it ever
		// drops or rewrites characters: find each word from where we are.
		if !strings.HasPrefix(text[off:], w) {
			i := strings.Index(text[off:], w)
			if i < 0 {
				continue
			}
			off += i
			dst = append(dst, off)
		}
		off += len(w)
		dst = append(dst, off)
	}
	if dst[len(dst)-1] != len(text) {
		dst = append(dst, len(text))
	}
	return dst
}
