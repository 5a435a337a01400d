// Package extract finds entities in a normalised post: contact details
// (phone numbers, WeChat ids, QQ numbers, e-mail addresses, company names),
// certificates, prices and quantities.
//
// Every extractor reads Text.Norm (see classify/normalize: NFKC, lower case,
// 繁→简, separators inside words removed) and reports spans in ORIGINAL byte
// offsets (Span.Start, Span.End, Span.Text from Text.Orig; Span.Field is left
// empty for the caller). Results are in order of appearance and deduplicated:
// contacts by kind and value, certificates by label (name/specialty), prices
// by normalised text, quantities by count and unit; the first occurrence is
// kept.
//
// Digits may be written in any script. NFKC has already made full-width,
// circled, parenthesised and mathematical digits ASCII; Chinese numerals
// (零〇一二三四五六七八九, 幺 = 1, 两 = 2, financial 壹贰叁肆伍陆柒捌玖; 拾 is not a
// digit) count as digits only inside a run long enough to be the number
// looked for (a phone number, a QQ number), so 一建, 二建, 三年 never are.
//
// An Extractor is immutable and safe for concurrent use.
package extract

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

// Extractor finds entities in normalised texts.
type Extractor struct {
	certs *CertTable
}

// New returns an Extractor that recognises the certificates of certs (nil:
// no certificates).
func New(certs *CertTable) *Extractor {
	if certs == nil {
		certs = &CertTable{}
	}
	return &Extractor{certs: certs}
}

// span makes the original-text span of Norm[s:e].
func span(t *normalize.Text, s, e int) guazheng.Span {
	os, oe := t.OrigRange(s, e)
	return guazheng.Span{Start: os, End: oe, Text: t.Orig[os:oe]}
}

// runeAt decodes the rune at s[p:] (utf8.RuneError, 0 at the end).
func runeAt(s string, p int) (rune, int) {
	if p < 0 || p >= len(s) {
		return utf8.RuneError, 0
	}
	c := s[p]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if c&0xF0 == 0xE0 && p+2 < len(s) {
		// three-byte sequences (all of CJK), decoded inline
		c1, c2 := s[p+1], s[p+2]
		if c1&0xC0 == 0x80 && c2&0xC0 == 0x80 && (c != 0xE0 || c1 >= 0xA0) && (c != 0xED || c1 < 0xA0) {
			return rune(c&0x0F)<<12 | rune(c1&0x3F)<<6 | rune(c2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(s[p:])
}

// runeBefore decodes the rune that ends at s[:p] (utf8.RuneError, 0 at the
// start).
func runeBefore(s string, p int) (rune, int) {
	if p <= 0 || p > len(s) {
		return utf8.RuneError, 0
	}
	if c := s[p-1]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	if p >= 3 && s[p-3]&0xF0 == 0xE0 {
		if r, n := runeAt(s, p-3); n == 3 {
			return r, 3
		}
	}
	return utf8.DecodeLastRuneInString(s[:p])
}

func isASCIIDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
func isASCIIAlnum(r rune) bool  { return isASCIIDigit(r) || isASCIILetter(r) }

func isHan(r rune) bool {
	return r >= 0x3400 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0x20000 && r <= 0x3FFFF || r == '〇'
}

// cnDigit is the value of a Chinese numeral used as a digit.
func cnDigit(r rune) (int, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一', '幺', '壹':
		return 1, true
	case '二', '两', '贰':
		return 2, true
	case '三', '叁':
		return 3, true
	case '四', '肆':
		return 4, true
	case '五', '伍':
		return 5, true
	case '六', '陆':
		return 6, true
	case '七', '柒':
		return 7, true
	case '八', '捌':
		return 8, true
	case '九', '玖':
		return 9, true
	}
	return 0, false
}

// digitAt reads one digit of any script at s[p:]: its value, size and
// whether it is a Chinese numeral.
func digitAt(s string, p int) (v int, size int, cn bool, ok bool) {
	r, n := runeAt(s, p)
	if isASCIIDigit(r) {
		return int(r - '0'), n, false, true
	}
	if d, ok := cnDigit(r); ok {
		return d, n, true, true
	}
	return 0, 0, false, false
}

// hasPrefixAt reports whether s[p:] starts with any of words and returns
// the longest.
func hasPrefixAt(s string, p int, words []string) (string, bool) {
	best, ok := "", false
	for _, w := range words {
		if len(w) > len(best) && strings.HasPrefix(s[p:], w) {
			best, ok = w, true
		}
	}
	return best, ok
}

// hasSuffixBefore reports whether s[:p] ends with any of words.
func hasSuffixBefore(s string, p int, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s[:p], w) {
			return true
		}
	}
	return false
}

// latinWordBefore returns the ASCII-letter word that ends at s[:p].
func latinWordBefore(s string, p int) string {
	i := p
	for i > 0 && isASCIILetter(rune(s[i-1])) {
		i--
	}
	return s[i:p]
}

// latinWordAt returns the ASCII-letter word that starts at s[p:].
func latinWordAt(s string, p int) string {
	i := p
	for i < len(s) && isASCIILetter(rune(s[i])) {
		i++
	}
	return s[p:i]
}

// byStart sorts found items by their normalised start offset (stable).
func byStart[T any](items []T, start func(T) int) {
	sort.SliceStable(items, func(i, j int) bool { return start(items[i]) < start(items[j]) })
}

// wordSet finds the longest of a fixed set of words at a position, looking
// only at the words that start with the rune there.
type wordSet struct {
	ascii [utf8.RuneSelf][]string
	other map[rune][]string
	bits  runeBits // first runes in other (a quick filter before the map)
}

// runeBits is a set of BMP runes; runes above the BMP are always "maybe".
type runeBits [(1 << 16) / 64]uint64

func (b *runeBits) add(r rune) {
	if r < 1<<16 {
		b[r>>6] |= 1 << (r & 63)
	}
}

func (b *runeBits) maybe(r rune) bool {
	return r >= 1<<16 || b[r>>6]&(1<<(r&63)) != 0
}

func newWordSet(words ...string) *wordSet {
	ws := &wordSet{other: map[rune][]string{}}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if r < utf8.RuneSelf {
			ws.ascii[r] = append(ws.ascii[r], w)
		} else {
			ws.other[r] = append(ws.other[r], w)
			ws.bits.add(r)
		}
	}
	byLen := func(l []string) {
		sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
	}
	for i := range ws.ascii {
		byLen(ws.ascii[i])
	}
	for r := range ws.other {
		byLen(ws.other[r])
	}
	return ws
}

// at returns the longest word of the set at s[p:].
func (ws *wordSet) at(s string, p int) (string, bool) {
	if p < 0 || p >= len(s) {
		return "", false
	}
	var list []string
	if c := s[p]; c < utf8.RuneSelf {
		list = ws.ascii[c]
	} else {
		r, _ := runeAt(s, p)
		if !ws.bits.maybe(r) {
			return "", false
		}
		list = ws.other[r]
	}
	for _, w := range list {
		if strings.HasPrefix(s[p:], w) {
			return w, true
		}
	}
	return "", false
}
