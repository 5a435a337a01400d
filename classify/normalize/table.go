package normalize

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/liuzl/gocc"
	"golang.org/x/text/unicode/norm"
)

// Kinds of table entry.
const (
	kKeep    uint8 = iota // output is the input rune itself
	kRepl                 // output is pool[off:off+n]
	kDrop                 // removed; transparent to everything around it
	kSpace                // horizontal whitespace
	kNewline              // line break
	kEmoji                // removed, but part of a separator run
	kPlus                 // heavy plus sign: "+" before a contact cue, else emoji
	kindMask = 0x0f
	fSep     = 0x10 // separator character: output as usual unless deleted inside a word
	fLinear  = 0x20 // kRepl whose output is one rune of the same byte length
	fAttach  = 0x40 // kDrop of a mark that belongs to the rune before it
)

// Classes of the first and last output rune of an entry.
const (
	cNone   uint8 = iota
	cIdeo         // CJK ideograph (Han script)
	cDigit        // ASCII digit
	cLetter       // any other letter
	cSpace        // emitted whitespace
	cOther
)

type entry struct {
	off  uint32 // replacement's offset in tables.pool
	n    uint8  // replacement's length in bytes
	kind uint8  // kind | flags
	fcls uint8  // class of the first output rune
	lcls uint8  // class of the last output rune
}

type tables struct {
	bmp  [0x10000]entry
	supp map[rune]entry // computed entries above the BMP
	pool string
}

var (
	tablesOnce sync.Once
	theTables  *tables
	tablesErr  error
)

// getTables builds the shared, immutable tables once per process.
func getTables() (*tables, error) {
	tablesOnce.Do(func() {
		theTables, tablesErr = buildTables()
	})
	return theTables, tablesErr
}

// t2sTable reads OpenCC's TSCharacters dictionary from the gocc module and
// keeps the one-rune → one-rune mappings (the first, commonest simplified
// form where several are listed).
func t2sTable() (map[rune]rune, error) {
	cc, err := gocc.New("t2s")
	if err != nil {
		return nil, err
	}
	m := make(map[rune]rune, 4096)
	for _, g := range cc.DictChains {
		for i, f := range g.Files {
			if f != "TSCharacters.txt" || i >= len(g.Dicts) {
				continue
			}
			d := g.Dicts[i]
			for _, id := range d.Trie.PrefixPredict(nil, 0) {
				k, err := d.Trie.Key(id)
				if err != nil {
					continue
				}
				v, err := d.Trie.Value(id)
				if err != nil || v < 0 || v >= len(d.Values) || len(d.Values[v]) == 0 {
					continue
				}
				kr, kn := utf8.DecodeRune(k)
				vs := d.Values[v][0]
				vr, vn := utf8.DecodeRuneInString(vs)
				if kn != len(k) || vn != len(vs) || kr == utf8.RuneError || vr == utf8.RuneError || kr == vr {
					continue
				}
				if !unicode.Is(unicode.Han, kr) || !unicode.Is(unicode.Han, vr) {
					continue
				}
				m[kr] = vr
			}
		}
	}
	if len(m) < 2000 {
		return nil, errShortT2S
	}
	// follow chains (薴 → 苧 → 苎) so that converting twice changes nothing
	for k, v := range m {
		for i := 0; i < 4; i++ {
			w, ok := m[v]
			if !ok || w == k {
				break
			}
			v = w
		}
		m[k] = v
	}
	for k, v := range m {
		if v == k {
			delete(m, k)
		}
	}
	return m, nil
}

type normError string

func (e normError) Error() string { return string(e) }

const errShortT2S = normError("normalize: OpenCC TSCharacters dictionary not found in github.com/liuzl/gocc")

// separator characters (after NFKC) that are deleted between ideographs.
// "/" and "|" are not here: they separate alternatives (一建/二建, 3万/年)
// far more often than they split a word.
const sepChars = ".*·•°-_\\~^`'\"#@=・‧∙⋅‐‑‒–〜∼"

func isSepRune(r rune) bool { return strings.ContainsRune(sepChars, r) }

// allSep reports whether s is made only of separator characters (… → "...").
func allSep(s []byte) bool {
	for _, r := range string(s) {
		if !isSepRune(r) {
			return false
		}
	}
	return len(s) > 0
}

func isNewline(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

func (b *builder) isHSpace(r rune) bool {
	return r == '\t' || r == ' ' || !isNewline(r) && b.is(r, pSpace)
}

func isPlus(r rune) bool {
	switch r {
	case 0x2795, 0x271A, 0x271B, 0x271C, 0x2719:
		return true
	}
	return false
}

// isEmojiLike reports the pictographs and symbols that are removed.
func (b *builder) isEmojiLike(r rune) bool {
	switch {
	case r >= 0x2190 && r <= 0x21FF, r >= 0x25A0 && r <= 0x25FF:
		return true
	case r == 0x203B, r == 0x3030, r == 0x303D, r == 0x2800:
		return true
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	case r >= 0x2100 && b.is(r, pSo):
		return true
	}
	return false
}

func (b *builder) isInvisible(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F:
		return true
	}
	if r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF || r >= 0xE0000 && r <= 0xE007F {
		return true
	}
	if r == '\t' || isNewline(r) {
		return false
	}
	return b.is(r, pCf|pCc|pMn|pMe)
}

// extraNumber gives number forms NFKC does not map.
func extraNumber(r rune) (string, bool) {
	num := func(n int) string {
		if n < 10 {
			return string(rune('0' + n))
		}
		return string([]rune{rune('0' + n/10), rune('0' + n%10)})
	}
	switch {
	case r >= 0x2776 && r <= 0x277F: // ❶..❿
		return num(int(r-0x2776) + 1), true
	case r >= 0x2780 && r <= 0x2789: // ➀..➉
		return num(int(r-0x2780) + 1), true
	case r >= 0x278A && r <= 0x2793: // ➊..➓
		return num(int(r-0x278A) + 1), true
	case r >= 0x24EB && r <= 0x24F4: // ⓫..⓴
		return num(int(r-0x24EB) + 11), true
	case r >= 0x24F5 && r <= 0x24FE: // ⓵..⓾
		return num(int(r-0x24F5) + 1), true
	case r == 0x24FF, r == 0x1F10B, r == 0x1F10C: // ⓿ 🄋 🄌
		return "0", true
	case r >= 0x1F150 && r <= 0x1F169: // 🅐..🅩
		return string(rune('a' + r - 0x1F150)), true
	case r >= 0x1F170 && r <= 0x1F189: // 🅰..🆉
		return string(rune('a' + r - 0x1F170)), true
	}
	return "", false
}

// isBareNumberForm: parenthesised / full-stop / comma forms whose NFKC
// brackets or stop are stripped.
func isBareNumberForm(r rune) bool {
	return r >= 0x2474 && r <= 0x24B5 || r >= 0x3220 && r <= 0x3229 || r >= 0x1F100 && r <= 0x1F12A
}

// digitValue maps a decimal digit of any script to its ASCII digit.
func (b *builder) digitValue(r rune) (rune, bool) {
	if !b.is(r, pNd) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) && rg.Stride == 1 && (int(rg.Hi)-int(rg.Lo)+1)%10 == 0 {
			return '0' + (r-rune(rg.Lo))%10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) && rg.Stride == 1 && (int(rg.Hi)-int(rg.Lo)+1)%10 == 0 {
			return '0' + (r-rune(rg.Lo))%10, true
		}
	}
	return 0, false
}

func (b *builder) classOf(r rune) uint8 {
	switch {
	case r >= '0' && r <= '9':
		return cDigit
	case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
		return cLetter
	case r >= 0x2E80 && b.is(r, pHan):
		return cIdeo
	case r >= 0x80 && b.is(r, pLetter):
		return cLetter
	}
	return cOther
}

// Unicode properties of BMP runes, filled from the range tables once per
// build (much faster than asking unicode.Is for every rune).
const (
	pSo uint16 = 1 << iota
	pCf
	pCc
	pMn
	pMe
	pHan
	pLetter
	pNd
	pSpace
	pUpper
)

type props [0x10000]uint16

func (p *props) mark(t *unicode.RangeTable, bit uint16) {
	for _, rg := range t.R16 {
		for r := int(rg.Lo); r <= int(rg.Hi); r += int(rg.Stride) {
			p[r] |= bit
		}
	}
	for _, rg := range t.R32 {
		if rg.Lo >= 0x10000 {
			break
		}
		for r := int(rg.Lo); r <= int(rg.Hi) && r < 0x10000; r += int(rg.Stride) {
			p[r] |= bit
		}
	}
}

func newProps() *props {
	p := new(props)
	p.mark(unicode.So, pSo)
	p.mark(unicode.Cf, pCf)
	p.mark(unicode.Cc, pCc)
	p.mark(unicode.Mn, pMn)
	p.mark(unicode.Me, pMe)
	p.mark(unicode.Han, pHan)
	p.mark(unicode.L, pLetter)
	p.mark(unicode.Nd, pNd)
	p.mark(unicode.White_Space, pSpace)
	p.mark(unicode.Upper, pUpper)
	p.mark(unicode.Title, pUpper)
	return p
}

// is reports whether r has any of the property bits (via the table below
// U+10000).
func (b *builder) is(r rune, bits uint16) bool {
	if r < 0x10000 {
		return b.p[r]&bits != 0
	}
	for bit := uint16(1); bit <= pUpper; bit <<= 1 {
		if bits&bit == 0 {
			continue
		}
		var t *unicode.RangeTable
		switch bit {
		case pSo:
			t = unicode.So
		case pCf:
			t = unicode.Cf
		case pCc:
			t = unicode.Cc
		case pMn:
			t = unicode.Mn
		case pMe:
			t = unicode.Me
		case pHan:
			t = unicode.Han
		case pLetter:
			t = unicode.L
		case pNd:
			t = unicode.Nd
		case pSpace:
			t = unicode.White_Space
		case pUpper:
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				return true
			}
			continue
		}
		if unicode.Is(t, r) {
			return true
		}
	}
	return false
}

type builder struct {
	p        *props
	t2s      map[rune]rune
	pool     strings.Builder
	idx      map[string]uint32
	out, tmp []byte
}

func (b *builder) intern(s string) uint32 {
	if off, ok := b.idx[s]; ok {
		return off
	}
	off := uint32(b.pool.Len())
	b.pool.WriteString(s)
	b.idx[s] = off
	return off
}

// mapped computes the output of rune r after NFKC, the exceptions, lower
// case and 繁→简. The result aliases b.out until the next call.
func (b *builder) mapped(r rune) []byte {
	var in [utf8.UTFMax]byte
	inN := utf8.EncodeRune(in[:], r)
	s := b.out[:0]
	if x, ok := extraNumber(r); ok {
		s = append(s, x...)
	} else if d, ok := b.digitValue(r); ok {
		s = append(s, byte(d))
	} else if len(norm.NFKC.Properties(in[:inN]).Decomposition()) == 0 {
		// no decomposition: NFKC leaves a lone rune as it is
		s = append(s, in[:inN]...)
	} else {
		s = norm.NFKC.Append(s, in[:inN]...)
		if bytes.IndexByte(s, ' ') >= 0 && !b.isHSpace(r) {
			s = append(s[:0], in[:inN]...)
		}
		if isBareNumberForm(r) {
			s = bytes.Trim(s, "()〔〕.,")
		}
	}
	// lower case and 繁→简, rune by rune; marks and format characters that
	// NFKC left behind are removed, as they would be standing alone
	changed := false
	for i := 0; i < len(s); {
		c, n := utf8.DecodeRune(s[i:])
		if b.is(c, pUpper) || b.t2s[c] != 0 || b.isInvisible(c) || c != r && b.isEmojiLike(c) {
			changed = true
			break
		}
		i += n
	}
	if changed {
		tmp := b.tmp[:0]
		for i := 0; i < len(s); {
			c, n := utf8.DecodeRune(s[i:])
			i += n
			if b.isInvisible(c) || c != r && b.isEmojiLike(c) {
				continue
			}
			c = unicode.ToLower(c)
			if t, ok := b.t2s[c]; ok {
				c = t
			}
			tmp = utf8.AppendRune(tmp, c)
		}
		b.tmp = tmp
		s = append(s[:0], tmp...)
	}
	b.out = s
	return s
}

// cueEmoji are pictographs that ads write instead of a contact word
// (🐧 for QQ's penguin, ☎ for 电话): they become that word instead of being
// removed like other emoji, so contact cues survive normalisation.
var cueEmoji = map[rune]string{
	0x1F427: "企鹅", // 🐧
	0x260E:  "电话", // ☎
	0x260F:  "电话", // ☏
	0x2706:  "电话", // ✆
	0x1F4DE: "电话", // 📞
	0x1F4F1: "电话", // 📱
	0x1F4F2: "电话", // 📲
	0x1F4E7: "邮箱", // 📧
	0x2709:  "邮箱", // ✉
}

// entryFor computes the table entry of rune r.
func (b *builder) entryFor(r rune) entry {
	if w, ok := cueEmoji[r]; ok {
		c := b.classOf([]rune(w)[0])
		return entry{kind: kRepl, fcls: c, lcls: c, off: b.intern(w), n: uint8(len(w))}
	}
	switch {
	case isNewline(r):
		return entry{kind: kNewline, fcls: cSpace, lcls: cSpace}
	case b.isHSpace(r):
		return entry{kind: kSpace, fcls: cSpace, lcls: cSpace}
	case isPlus(r):
		return entry{kind: kPlus, fcls: cOther, lcls: cOther}
	case b.isInvisible(r):
		if r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF || b.is(r, pMn|pMe) {
			return entry{kind: kDrop | fAttach}
		}
		return entry{kind: kDrop}
	case r >= 0x1F1E6 && r <= 0x1F1FF: // regional indicators (flags)
		return entry{kind: kEmoji}
	case r >= 0x1F000 && r <= 0x1FAFF && !(r >= 0x1F100 && r <= 0x1F2FF):
		return entry{kind: kEmoji}
	}
	s := b.mapped(r)
	if len(s) == 0 { // only marks or symbols were left: removed like emoji
		return entry{kind: kEmoji}
	}
	first, fn := utf8.DecodeRune(s)
	last, _ := utf8.DecodeLastRune(s)
	same := fn == len(s) && first == r
	if same && b.isEmojiLike(r) {
		return entry{kind: kEmoji}
	}
	e := entry{fcls: b.classOf(first), lcls: b.classOf(last)}
	if allSep(s) {
		e.kind |= fSep
	}
	if same {
		e.kind |= kKeep
		return e
	}
	e.kind |= kRepl
	e.off = b.intern(string(s))
	e.n = uint8(len(s))
	if fn == len(s) && fn == utf8.RuneLen(r) {
		e.kind |= fLinear
	}
	return e
}

func buildTables() (*tables, error) {
	// The traditional→simplified dictionary loads while the rest of the
	// table is computed without it; entries it affects are redone after.
	type t2sResult struct {
		m   map[rune]rune
		err error
	}
	ch := make(chan t2sResult, 1)
	go func() {
		m, err := t2sTable()
		ch <- t2sResult{m, err}
	}()
	b := &builder{p: newProps(), idx: make(map[string]uint32, 4096)}
	t := &tables{supp: make(map[rune]entry, 2048)}
	var redo []rune // runes whose output holds CJK characters
	hasCJK := func(e entry) bool {
		if e.kind&kindMask != kRepl {
			return false
		}
		for _, c := range b.pool.String()[e.off : e.off+uint32(e.n)] {
			if c >= 0x2E80 {
				return true
			}
		}
		return false
	}
	for r := rune(0); r < 0x10000; r++ {
		switch {
		case r >= 0xD800 && r <= 0xDFFF:
			t.bmp[r] = entry{kind: kDrop}
		case r >= 0x3400 && r <= 0x9FFF, r >= 0xAC00 && r <= 0xD7A3:
			// CJK ideographs and Hangul syllables: NFKC and case leave
			// them alone (繁→简 is applied below).
			c := b.classOf(r)
			t.bmp[r] = entry{kind: kKeep, fcls: c, lcls: c}
		case r >= 0xE000 && r <= 0xF8FF: // private use
			t.bmp[r] = entry{kind: kKeep, fcls: cOther, lcls: cOther}
		default:
			e := b.entryFor(r)
			t.bmp[r] = e
			if hasCJK(e) {
				redo = append(redo, r)
			}
		}
	}
	// Above the BMP: ranges where NFKC or the number exceptions change
	// something. Everything else is handled by suppEntry's range checks.
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			if e := b.entryFor(r); e != suppEntry(r) {
				t.supp[r] = e
				if hasCJK(e) {
					redo = append(redo, r)
				}
			}
		}
	}
	add(0x1D400, 0x1D7FF) // mathematical alphanumerics
	add(0x1F100, 0x1F2FF) // enclosed alphanumerics and ideographs
	add(0x1FBF0, 0x1FBF9) // segmented digits
	add(0x2F800, 0x2FA1F) // CJK compatibility ideographs supplement
	for _, rg := range unicode.Nd.R32 {
		add(rune(rg.Lo), rune(rg.Hi))
	}
	for r := range cueEmoji {
		if r >= 0x10000 {
			t.supp[r] = b.entryFor(r)
		}
	}
	res := <-ch
	if res.err != nil {
		return nil, res.err
	}
	b.t2s = res.m
	set := func(r rune) {
		if r < 0x10000 {
			t.bmp[r] = b.entryFor(r)
		} else {
			t.supp[r] = b.entryFor(r)
		}
	}
	for k := range b.t2s {
		set(k)
	}
	for _, r := range redo {
		set(r)
	}
	t.pool = b.pool.String()
	if len(t.pool) >= 1<<32 {
		return nil, normError("normalize: replacement pool too large")
	}
	return t, nil
}

// suppEntry is the entry of a rune above the BMP that is not in supp.
func suppEntry(r rune) entry {
	switch {
	case r >= 0xE0100 && r <= 0xE01EF: // variation selectors supplement
		return entry{kind: kDrop | fAttach}
	case r >= 0xE0000 && r <= 0xE0FFF: // tags
		return entry{kind: kDrop}
	case r >= 0x1F000 && r <= 0x1FAFF:
		return entry{kind: kEmoji}
	case r >= 0x20000 && r <= 0x3FFFF: // CJK extensions B–H
		return entry{kind: kKeep, fcls: cIdeo, lcls: cIdeo}
	case unicode.IsLetter(r):
		return entry{kind: kKeep, fcls: cLetter, lcls: cLetter}
	}
	return entry{kind: kKeep, fcls: cOther, lcls: cOther}
}
