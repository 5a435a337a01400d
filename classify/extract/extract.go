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
	"cmp"
	"slices"
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
	if uint(p) < uint(len(s)) && s[p] < utf8.RuneSelf {
		return rune(s[p]), 1
	}
	return runeAtSlow(s, p)
}

func runeAtSlow(s string, p int) (rune, int) {
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
	if uint(p-1) < uint(len(s)) && s[p-1] < utf8.RuneSelf {
		return rune(s[p-1]), 1
	}
	return runeBeforeSlow(s, p)
}

func runeBeforeSlow(s string, p int) (rune, int) {
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
	if uint32(r) >= 1<<16 {
		return 0, false
	}
	v := cnDigits.of(r) // value + 1, 0 for none
	return int(v) - 1, v != 0
}

// cnDigits holds the value + 1 of every Chinese numeral used as a digit.
var cnDigits = func() *classTable {
	var t [1 << 16]uint8
	for _, r := range "零〇一幺壹二两贰三叁四肆五伍六陆七柒八捌九玖" {
		v, _ := cnDigitValue(r)
		t[r] = uint8(v + 1)
	}
	return newClassTable(&t)
}()

func cnDigitValue(r rune) (int, bool) {
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
	if uint(p) < uint(len(s)) && s[p] < utf8.RuneSelf {
		if c := s[p]; c >= '0' && c <= '9' {
			return int(c - '0'), 1, false, true
		}
		return 0, 0, false, false
	}
	return digitAtSlow(s, p)
}

func digitAtSlow(s string, p int) (v int, size int, cn bool, ok bool) {
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
	t := s[p:]
	best, ok := "", false
	for _, w := range words {
		// (the last byte first: for CJK words the most telling one)
		if n := len(w); n > len(best) && n <= len(t) && t[n-1] == w[n-1] && t[:n] == w {
			best, ok = w, true
		}
	}
	return best, ok
}

// hasSuffixBefore reports whether s[:p] ends with any of words.
func hasSuffixBefore(s string, p int, words []string) bool {
	t := s[:p]
	for _, w := range words {
		if endsWith(t, w) {
			return true
		}
	}
	return false
}

// endsWith is strings.HasSuffix, comparing the last byte first.
func endsWith(t, w string) bool {
	n := len(w)
	return n <= len(t) && (n == 0 || t[len(t)-1] == w[n-1]) && t[len(t)-n:] == w
}

// startsWith is strings.HasPrefix, comparing the last byte of w first.
func startsWith(t, w string) bool {
	n := len(w)
	return n <= len(t) && (n == 0 || t[n-1] == w[n-1]) && t[:n] == w
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
// (generic, so that items need not escape to the heap)
func byStart[T any](items []T, start func(T) int) {
	slices.SortStableFunc(items, func(a, b T) int { return cmp.Compare(start(a), start(b)) })
}

// wordSet finds the longest of a fixed set of words at a position, looking
// only at the words that start with the runes there.
type wordSet struct {
	ascii      [utf8.RuneSelf][]string
	pairs, one keyTab[[]string] // the other words, by their first two runes (see byPairs)
	bits       runeBits         // first runes of the other words (a quick filter)
	firsts     []rune           // the same
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

// pairBits is a set of pairs of runes, with false positives (a hash).
type pairBits [(1 << 14) / 64]uint64

func pairHash(r1, r2 rune) uint32 {
	return (uint32(r1)*0x9E3779B1 ^ uint32(r2)*0x85EBCA6B) >> (32 - 14)
}

func (b *pairBits) add(r1, r2 rune) {
	h := pairHash(r1, r2)
	b[h>>6] |= 1 << (h & 63)
}

func (b *pairBits) maybe(r1, r2 rune) bool {
	h := pairHash(r1, r2)
	return b[h>>6]&(1<<(h&63)) != 0
}

func newWordSet(words ...string) *wordSet {
	ws := &wordSet{}
	other := map[rune][]string{}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if r < utf8.RuneSelf {
			ws.ascii[r] = append(ws.ascii[r], w)
		} else {
			if other[r] == nil {
				ws.firsts = append(ws.firsts, r)
			}
			other[r] = append(other[r], w)
			ws.bits.add(r)
		}
	}
	byLen := func(l []string) {
		sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
	}
	for i := range ws.ascii {
		byLen(ws.ascii[i])
	}
	for r := range other {
		byLen(other[r])
	}
	ws.pairs, ws.one = byPairs(other, func(w string) string { return w })
	return ws
}

// byPairs splits lists of words by first rune into lists by first two
// runes (pairKey), each in the order of the list it comes from, and the
// words of one rune (by runeKey), which also go into every pair list of
// their first rune. A word whose second rune is not valid UTF-8 counts as
// one of one rune.
func byPairs[T any](first map[rune][]T, text func(T) string) (pairs, ones keyTab[[]T]) {
	second := func(w string) (rune, bool) {
		_, n := utf8.DecodeRuneInString(w)
		if n == len(w) {
			return 0, false
		}
		r2, n2 := utf8.DecodeRuneInString(w[n:])
		if r2 == utf8.RuneError && n2 <= 1 {
			return 0, false
		}
		return r2, true
	}
	pm, om := map[uint64][]T{}, map[uint64][]T{}
	for r1, list := range first {
		seconds := map[rune]bool{}
		for _, x := range list {
			if r2, ok := second(text(x)); ok {
				seconds[r2] = true
			} else {
				om[runeKey(r1)] = append(om[runeKey(r1)], x)
			}
		}
		for r2 := range seconds {
			var l []T
			for _, x := range list {
				if s2, ok := second(text(x)); !ok || s2 == r2 {
					l = append(l, x)
				}
			}
			pm[pairKey(r1, r2)] = l
		}
	}
	return newKeyTab(pm), newKeyTab(om)
}

// firstRunes calls f with the first rune of every word of the set.
func (ws *wordSet) firstRunes(f func(rune)) {
	for c, l := range ws.ascii {
		if len(l) > 0 {
			f(rune(c))
		}
	}
	for _, r := range ws.firsts {
		f(r)
	}
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
		r, n := runeAt(s, p)
		if !ws.bits.maybe(r) {
			return "", false
		}
		r2, _ := runeAt(s, p+n)
		var ok bool
		if list, ok = ws.pairs.get(pairKey(r, r2)); !ok {
			list, _ = ws.one.get(runeKey(r))
		}
	}
	for _, w := range list {
		if strings.HasPrefix(s[p:], w) {
			return w, true
		}
	}
	return "", false
}

// asciiWhere is the set of the ASCII characters for which f holds.
func asciiWhere(f func(rune) bool) (set [utf8.RuneSelf]bool) {
	for c := range set {
		set[c] = f(rune(c))
	}
	return set
}

// firstBytes is the set of the first bytes of words.
func firstBytes(words []string) (set [256]bool) {
	for _, w := range words {
		if w != "" {
			set[w[0]] = true
		}
	}
	return set
}

// skipAfter skips to the runes of the classes of mask (classTable.skip)
// that do not come right after an ASCII byte of notAfter (for callers that
// reject those at once; only ASCII candidates are skipped so, the caller
// looks at the others).
func skipAfter(s string, p int, mask uint8, notAfter *[utf8.RuneSelf]bool) int {
	return runeClass.skip(s, p, mask, notAfter)
}

// cands lists where in a text a rune of some classes may start: the
// positions runeClass.skip(s, p, mask, nil) can return, in order, with
// their classes (every class for the positions where skip stops without
// looking), as pos<<8 | classes. Digits, the commonest, have a list of their own (with
// the positions of every class too). An ASCII digit right after another is
// left out: no number, phone number or price starts there (their scans
// either go on over it or reject it).
type cands struct {
	list   []uint64 // of all classes but clDigit
	digits []uint64 // of clDigit
	// atSign: s may contain an at sign of an e-mail address (@, #, (at),
	// 艾特 …); when false it does not (collected only with clEmail)
	atSign bool
}

// acceptLo and acceptHi are the bounds of the second byte of a valid
// three-byte UTF-8 sequence, by the low bits of the first (no overlong
// forms, no surrogates).
var (
	acceptLo = [16]uint8{0: 0xA0, 1: 0x80, 2: 0x80, 3: 0x80, 4: 0x80, 5: 0x80, 6: 0x80, 7: 0x80, 8: 0x80, 9: 0x80, 10: 0x80, 11: 0x80, 12: 0x80, 13: 0x80, 14: 0x80, 15: 0x80}
	acceptHi = [16]uint8{0: 0xBF, 1: 0xBF, 2: 0xBF, 3: 0xBF, 4: 0xBF, 5: 0xBF, 6: 0xBF, 7: 0xBF, 8: 0xBF, 9: 0xBF, 10: 0xBF, 11: 0xBF, 12: 0xBF, 13: 0x9F, 14: 0xBF, 15: 0xBF}
)

// collectCands lists the candidates of the classes of mask in s, into
// list[:0] and digits[:0].
func collectCands(s string, mask uint8, list, digits []uint64) cands {
	c := cands{list: list[:0], digits: digits[:0]}
	tab := runeClass
	other := mask &^ clDigit
	for p := 0; p < len(s); {
		ch := s[p]
		if ch < utf8.RuneSelf {
			cl := tab.ascii[ch] & mask
			switch {
			case cl == 0:
			case ch >= '0' && ch <= '9':
				if p == 0 || s[p-1] < '0' || s[p-1] > '9' {
					if cl&clDigit != 0 {
						c.digits = append(c.digits, uint64(p)<<8|uint64(cl))
					}
					if cl&other != 0 {
						c.list = append(c.list, uint64(p)<<8|uint64(cl))
					}
				}
			default:
				// (every ASCII spelling of the at sign starts with @, # or
				// a character of clEmail followed by "at")
				if cl&clEmail != 0 && (ch == '@' || ch == '#' || p+1 < len(s) && s[p+1] == 'a') {
					c.atSign = true
				}
				if cl&clDigit != 0 {
					c.digits = append(c.digits, uint64(p)<<8|uint64(cl))
				}
				if cl&other != 0 {
					c.list = append(c.list, uint64(p)<<8|uint64(cl))
				}
			}
			p++
			continue
		}
		if ch&0xF0 == 0xE0 && p+2 < len(s) {
			c1, c2 := s[p+1], s[p+2]
			k := ch & 0x0F
			if c1 >= acceptLo[k] && c1 <= acceptHi[k] && c2&0xC0 == 0x80 {
				if cl := tab.of3(ch, c1, c2) & mask; cl != 0 {
					if cl&clDigit != 0 {
						c.digits = append(c.digits, uint64(p)<<8|uint64(cl))
					}
					if cl&other != 0 {
						c.list = append(c.list, uint64(p)<<8|uint64(cl))
					}
				}
				if ch == 0xE8 && c1 == 0x89 && c2 == 0xBE && strings.HasPrefix(s[p+3:], "特") { // 艾特
					c.atSign = true
				}
				p += 3
				continue
			}
		} else if ch >= 0xC2 && ch < 0xE0 && p+1 < len(s) && s[p+1]&0xC0 == 0x80 {
			if cl := tab.of(rune(ch&0x1F)<<6|rune(s[p+1]&0x3F)) & mask; cl != 0 {
				if cl&clDigit != 0 {
					c.digits = append(c.digits, uint64(p)<<8|uint64(cl))
				}
				if cl&other != 0 {
					c.list = append(c.list, uint64(p)<<8|uint64(cl))
				}
			}
			p += 2
			continue
		}
		// where skip stops without looking: every class
		c.digits = append(c.digits, uint64(p)<<8|0xFF)
		c.list = append(c.list, uint64(p)<<8|0xFF)
		p++
	}
	return c
}

// cursor walks the candidates of some classes.
type cursor struct {
	list []uint64
	mask uint64
}

func (c *cands) cursor(mask uint8) cursor {
	if mask == clDigit {
		return cursor{list: c.digits, mask: uint64(mask)}
	}
	return cursor{list: c.list, mask: uint64(mask)}
}

// next returns the first candidate position from p on (positions only grow
// from call to call), or end when there is none.
func (k *cursor) next(p, end int) int {
	for i, v := range k.list {
		if v&k.mask != 0 && v>>8 >= uint64(p) {
			k.list = k.list[i:]
			return int(v >> 8)
		}
	}
	k.list = nil
	return end
}

// keyTab is a small read-only hash table keyed by runes (runeKey) or
// pairs of runes (pairKey), much cheaper to probe than a map.
type keyTab[V any] struct {
	keys  []uint64 // noKey: empty slot
	vals  []V
	shift uint
}

const noKey = ^uint64(0)

func runeKey(r rune) uint64      { return uint64(uint32(r)) }
func pairKey(r1, r2 rune) uint64 { return uint64(uint32(r1))<<32 | uint64(uint32(r2)) }

func newKeyTab[V any](m map[uint64]V) keyTab[V] {
	size, bits := 1, uint(0)
	for size < 2*len(m)+2 {
		size, bits = size*2, bits+1
	}
	t := keyTab[V]{keys: make([]uint64, size), vals: make([]V, size), shift: 64 - bits}
	for i := range t.keys {
		t.keys[i] = noKey
	}
	for k, v := range m {
		if k == noKey {
			panic("extract: bad table key")
		}
		i := t.slot(k)
		for t.keys[i] != noKey {
			i = (i + 1) & (size - 1)
		}
		t.keys[i], t.vals[i] = k, v
	}
	return t
}

// newRuneTab makes a keyTab keyed by runeKey.
func newRuneTab[V any](m map[rune]V) keyTab[V] {
	m2 := make(map[uint64]V, len(m))
	for r, v := range m {
		m2[runeKey(r)] = v
	}
	return newKeyTab(m2)
}

func (t *keyTab[V]) slot(k uint64) int {
	return int(k * 0x9E3779B97F4A7C15 >> t.shift)
}

// get returns the value stored for k.
func (t *keyTab[V]) get(k uint64) (V, bool) {
	var zero V
	if len(t.keys) == 0 {
		return zero, false
	}
	mask := len(t.keys) - 1
	for i := t.slot(k) & mask; ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.vals[i], true
		case noKey:
			return zero, false
		}
	}
}

// Rune classes: what a rune may start. A scanning loop skips runes of no
// interest (classTable.skip, cands) instead of trying every matcher at
// every rune.
const (
	clDigit      uint8 = 1 << iota // any digit: ASCII or Chinese numeral (digitAt)
	clNumber                       // a number (numberStart)
	clQuantity                     // a quantity: a number or 若, 数, 多, 几
	clEmail                        // the @ of an e-mail address (emailAt)
	clWeChat                       // a WeChat cue
	clQQ                           // a QQ cue
	clCompany                      // a company suffix
	clWeakWeChat                   // a weak WeChat cue (weakWeChatCues)
)

// runeClass holds the classes of every BMP rune.
var runeClass = buildRuneClass()

// classTable maps BMP runes to their classes in two levels, small enough
// to stay in the first-level cache: blocks of 64 runes, the many blocks
// with no class sharing block 0.
type classTable struct {
	ascii [utf8.RuneSelf]uint8
	block [1 << 10]uint8 // r>>6 → block number
	data  [256 << 6]uint8
}

func (ct *classTable) of(r rune) uint8 {
	return ct.data[int(ct.block[(r>>6)&(1<<10-1)])<<6|int(r&63)]
}

// of3 is of for the three-byte sequence c, c1, c2 (valid UTF-8).
func (ct *classTable) of3(c, c1, c2 byte) uint8 {
	return ct.data[int(ct.block[int(c&0x0F)<<6|int(c1&0x3F)])<<6|int(c2&0x3F)]
}

func buildRuneClass() *classTable {
	var t [1 << 16]uint8
	for _, r := range "零〇一幺壹二两贰三叁四肆五伍六陆七柒八捌九玖" {
		t[r] |= clDigit | clNumber | clQuantity
	}
	for r := '0'; r <= '9'; r++ {
		t[r] |= clDigit | clNumber | clQuantity
	}
	for _, r := range "十拾" {
		t[r] |= clNumber | clQuantity
	}
	for _, r := range "若数多几" {
		t[r] |= clQuantity
	}
	for _, w := range weakWeChatCues {
		if r, _ := utf8.DecodeRuneInString(w); r < 1<<16 {
			t[r] |= clWeakWeChat
		}
	}
	for _, c := range []struct {
		ws *wordSet
		cl uint8
	}{{emailAt, clEmail}, {weChatIndex.words, clWeChat}, {qqIndex.words, clQQ}, {companySuffixes, clCompany}} {
		c.ws.firstRunes(func(r rune) {
			if r < 1<<16 {
				t[r] |= c.cl
			}
		})
	}
	return newClassTable(&t)
}

// newClassTable compacts a table of the classes of every BMP rune.
func newClassTable(t *[1 << 16]uint8) *classTable {
	ct := &classTable{}
	copy(ct.ascii[:], t[:utf8.RuneSelf])
	blocks := map[[64]uint8]uint8{{}: 0}
	for b := range ct.block {
		var blk [64]uint8
		copy(blk[:], t[b<<6:])
		n, ok := blocks[blk]
		if !ok {
			if len(blocks) == 256 {
				panic("extract: too many rune class blocks")
			}
			n = uint8(len(blocks))
			blocks[blk] = n
			copy(ct.data[int(n)<<6:], blk[:])
		}
		ct.block[b] = n
	}
	return ct
}

// skip returns the first position from p on where a rune of one of the
// classes of mask may start: it skips only ASCII characters and valid two-
// and three-byte runes that are in none of them, and stops at anything else
// (longer runes, invalid bytes, continuation bytes), which the caller then
// looks at as before. len(s) when there is none. With notAfter, it also
// skips the ASCII candidates right after an ASCII byte of notAfter.
func (cls *classTable) skip(s string, p int, mask uint8, notAfter *[utf8.RuneSelf]bool) int {
	for p < len(s) {
		c := s[p]
		if c < utf8.RuneSelf {
			if cls.ascii[c]&mask != 0 && (notAfter == nil || p == 0 || s[p-1] >= utf8.RuneSelf || !notAfter[s[p-1]]) {
				return p
			}
			p++
			continue
		}
		if c&0xF0 == 0xE0 && p+2 < len(s) {
			c1, c2 := s[p+1], s[p+2]
			if k := c & 0x0F; c1 >= acceptLo[k] && c1 <= acceptHi[k] && c2&0xC0 == 0x80 {
				if cls.of3(c, c1, c2)&mask != 0 {
					return p
				}
				p += 3
				continue
			}
		} else if c >= 0xC2 && c < 0xE0 && p+1 < len(s) && s[p+1]&0xC0 == 0x80 {
			if cls.of(rune(c&0x1F)<<6|rune(s[p+1]&0x3F))&mask != 0 {
				return p
			}
			p += 2
			continue
		}
		return p
	}
	return p
}
