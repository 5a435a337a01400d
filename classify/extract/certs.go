package extract

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

// CertTable is a parsed certificate table (rules/default/certs.txt): names,
// aliases, specialty sets and blocking contexts. It is immutable.
type CertTable struct {
	aliases   []certAlias
	first     map[rune][]int // alias indices by first rune, longest first
	firstBits runeBits
	sets      map[string]*specSet
	specs     map[rune][]specRef // every specialty alias of every set, by first rune
	specBits  runeBits

	// the same, for matching: the aliases (specialty aliases) of first
	// (specs) that may match where r1 is followed by r2, by pairKey(r1, r2),
	// in their order there; by runeKey(r1) those of one rune, that may
	// match before any r2
	aliasPairs, aliasOnes keyTab[[]int]
	specPairs, specOnes   keyTab[[]specRef]
	start                 *classTable // class 1: runes of firstBits or specBits, where a mention may start
	startPairs            pairBits    // the first two runes of every alias and specialty alias
	startOnes             runeBits    // the runes that are a whole alias or specialty alias (or start one not valid UTF-8)
}

type certTarget struct {
	name, spec string
	set        *specSet
	// label ids (see labelIDs) of this name with spec (or with no
	// specialty), and with each specialty of set (by specAlias.si)
	id, bareID int32
	specIDs    []int32
}

type certAlias struct {
	text    string // normalised
	targets []certTarget
	blocks  []blockCtx
	line    int
}

// blockCtx: the alias is not a certificate when text occurs with the alias
// at offset off.
type blockCtx struct {
	text string
	off  int
}

type specSet struct {
	name  string
	first map[rune][]specAlias // longest first
	line  int                  // where a name line first used it
	tab   keyTab[[]specAlias]  // first, for matching
	specs []string             // the specialties, by specAlias.si
}

type specAlias struct {
	text, spec string
	si         int32 // index of spec in specSet.specs
}

type specRef struct {
	set   *specSet
	alias specAlias
}

// Len is the number of aliases in the table.
func (ct *CertTable) Len() int { return len(ct.aliases) }

// ParseCertTable reads a certificate table (format: see the top of
// rules/default/certs.txt). Errors name the file and line: "certs.txt:12: …".
func ParseCertTable(name string, r io.Reader) (*CertTable, error) {
	norm := normalize.New()
	nz := func(s string) string { return norm.Normalize(s).Norm }
	ct := &CertTable{first: map[rune][]int{}, sets: map[string]*specSet{}, specs: map[rune][]specRef{}}
	names := map[string]*specSet{} // declared names → their set (nil: none)
	declared := map[string]bool{}
	aliasIdx := map[string]int{}
	type blockLine struct {
		text string
		line int
	}
	var blocks []blockLine
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	set := func(n string) *specSet {
		if ct.sets[n] == nil {
			ct.sets[n] = &specSet{name: n, first: map[rune][]specAlias{}}
		}
		return ct.sets[n]
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, errf(line, "invalid UTF-8")
		}
		switch f[0] {
		case "name":
			if len(f) < 2 || len(f) > 3 {
				return nil, errf(line, "want: name NAME [SET]")
			}
			if declared[f[1]] {
				return nil, errf(line, "name %s declared twice", f[1])
			}
			declared[f[1]] = true
			if strings.ContainsAny(f[1], "/,") {
				return nil, errf(line, "name %s may not contain / or ,", f[1])
			}
			if len(f) == 3 {
				st := set(f[2])
				if st.line == 0 {
					st.line = line
				}
				names[f[1]] = st
			} else {
				names[f[1]] = nil
			}
		case "alias":
			if len(f) != 3 {
				return nil, errf(line, "want: alias ALIAS NAME[/SPEC][,NAME[/SPEC]…]")
			}
			a := nz(f[1])
			if a == "" {
				return nil, errf(line, "alias %q is empty once normalised", f[1])
			}
			var targets []certTarget
			for _, tg := range strings.Split(f[2], ",") {
				n, sp, _ := strings.Cut(tg, "/")
				if !declared[n] {
					return nil, errf(line, "unknown certificate name %s (declare it with a name line first)", n)
				}
				targets = append(targets, certTarget{name: n, spec: sp, set: names[n]})
			}
			if i, dup := aliasIdx[a]; dup {
				if !sameTargets(ct.aliases[i].targets, targets) {
					return nil, errf(line, "alias %s (normalised %s) already means something else at line %d", f[1], a, ct.aliases[i].line)
				}
				continue
			}
			aliasIdx[a] = len(ct.aliases)
			ct.aliases = append(ct.aliases, certAlias{text: a, targets: targets, line: line})
		case "spec":
			if len(f) != 4 {
				return nil, errf(line, "want: spec SET ALIAS SPEC")
			}
			a := nz(f[2])
			if a == "" {
				return nil, errf(line, "specialty alias %q is empty once normalised", f[2])
			}
			st := set(f[1])
			r, _ := utf8.DecodeRuneInString(a)
			for _, old := range st.first[r] {
				if old.text == a && old.spec != f[3] {
					return nil, errf(line, "specialty alias %s of set %s already means %s", f[2], f[1], old.spec)
				}
			}
			st.first[r] = append(st.first[r], specAlias{text: a, spec: f[3]})
			ct.specs[r] = append(ct.specs[r], specRef{set: st, alias: specAlias{text: a, spec: f[3]}})
			ct.specBits.add(r)
		case "block":
			if len(f) != 2 {
				return nil, errf(line, "want: block TEXT")
			}
			blocks = append(blocks, blockLine{nz(f[1]), line})
		default:
			return nil, errf(line, "unknown directive %q (want name, alias, spec or block)", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	for n, st := range ct.sets {
		if len(st.first) == 0 {
			return nil, errf(st.line, "specialty set %s has no spec lines", n)
		}
		for r := range st.first {
			sortSpecs(st.first[r])
		}
	}
	for r := range ct.specs {
		refs := ct.specs[r]
		sort.SliceStable(refs, func(i, j int) bool { return len(refs[i].alias.text) > len(refs[j].alias.text) })
	}
	for _, b := range blocks {
		used := false
		for i := range ct.aliases {
			a := &ct.aliases[i]
			for off := 0; off <= len(b.text)-len(a.text); off++ {
				if strings.HasPrefix(b.text[off:], a.text) {
					a.blocks = append(a.blocks, blockCtx{text: b.text, off: off})
					used = true
				}
			}
		}
		if !used {
			return nil, errf(b.line, "block %s contains no alias", b.text)
		}
	}
	for i, a := range ct.aliases {
		r, _ := utf8.DecodeRuneInString(a.text)
		ct.first[r] = append(ct.first[r], i)
		ct.firstBits.add(r)
	}
	for r := range ct.first {
		idx := ct.first[r]
		sort.SliceStable(idx, func(i, j int) bool { return len(ct.aliases[idx[i]].text) > len(ct.aliases[idx[j]].text) })
	}
	ct.labelIDs()
	ct.aliasPairs, ct.aliasOnes = byPairs(ct.first, func(i int) string { return ct.aliases[i].text })
	ct.specPairs, ct.specOnes = byPairs(ct.specs, func(r specRef) string { return r.alias.text })
	for _, st := range ct.sets {
		st.tab = newRuneTab(st.first)
	}
	var start [1 << 16]uint8 // (the runes of firstBits and specBits)
	for r := range ct.first {
		if r < 1<<16 {
			start[r] = 1
		}
	}
	for r := range ct.specs {
		if r < 1<<16 {
			start[r] = 1
		}
	}
	ct.start = newClassTable(&start)
	for i := range ct.aliases {
		ct.addStart(ct.aliases[i].text)
	}
	for _, refs := range ct.specs {
		for _, ref := range refs {
			ct.addStart(ref.alias.text)
		}
	}
	return ct, nil
}

// labelIDs numbers the labels (guazheng.Cert.Label) of every certificate
// the table can report, so that Certs compares numbers, not labels.
func (ct *CertTable) labelIDs() {
	ids := map[string]int32{}
	id := func(name, spec string) int32 {
		l := guazheng.Cert{Name: name, Specialty: spec}.Label()
		n, ok := ids[l]
		if !ok {
			n = int32(len(ids))
			ids[l] = n
		}
		return n
	}
	index := func(st *specSet, sa *specAlias) {
		for i, sp := range st.specs {
			if sp == sa.spec {
				sa.si = int32(i)
				return
			}
		}
		sa.si = int32(len(st.specs))
		st.specs = append(st.specs, sa.spec)
	}
	names := make([]string, 0, len(ct.sets))
	for n := range ct.sets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		st := ct.sets[n]
		runes := make([]rune, 0, len(st.first))
		for r := range st.first {
			runes = append(runes, r)
		}
		sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
		for _, r := range runes {
			for i := range st.first[r] {
				index(st, &st.first[r][i])
			}
		}
	}
	for _, refs := range ct.specs {
		for i := range refs {
			index(refs[i].set, &refs[i].alias)
		}
	}
	for i := range ct.aliases {
		for j := range ct.aliases[i].targets {
			tg := &ct.aliases[i].targets[j]
			tg.id, tg.bareID = id(tg.name, tg.spec), id(tg.name, "")
			if tg.set != nil {
				tg.specIDs = make([]int32, len(tg.set.specs))
				for k, sp := range tg.set.specs {
					tg.specIDs[k] = id(tg.name, sp)
				}
			}
		}
	}
}

// addStart records where the word w may start a mention: at its first two
// runes, or at its first rune if it has one rune (or the second is not
// valid UTF-8), as byPairs splits words.
func (ct *CertTable) addStart(w string) {
	r1, n := utf8.DecodeRuneInString(w)
	if n < len(w) {
		if r2, n2 := utf8.DecodeRuneInString(w[n:]); r2 != utf8.RuneError || n2 > 1 {
			ct.startPairs.add(r1, r2)
			return
		}
	}
	ct.startOnes.add(r1) // (runeBits says "maybe" to every rune above the BMP)
}

func sameTargets(a, b []certTarget) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].name != b[i].name || a[i].spec != b[i].spec {
			return false
		}
	}
	return true
}

func sortSpecs(l []specAlias) {
	sort.SliceStable(l, func(i, j int) bool { return len(l[i].text) > len(l[j].text) })
}

// endsLatin reports whether a starts/ends with an ASCII letter or digit.
func startsLatin(a string) bool { r, _ := utf8.DecodeRuneInString(a); return isASCIIAlnum(r) }
func endsLatin(a string) bool   { r, _ := utf8.DecodeLastRuneInString(a); return isASCIIAlnum(r) }

// matchAlias returns the longest alias at s[p:] that is not blocked and
// respects Latin word boundaries.
func (ct *CertTable) matchAlias(s string, p int) (*certAlias, bool) {
	r, n := runeAt(s, p)
	if !ct.firstBits.maybe(r) {
		return nil, false
	}
	r2, _ := runeAt(s, p+n)
	first, ok := ct.aliasPairs.get(pairKey(r, r2))
	if !ok {
		first, _ = ct.aliasOnes.get(runeKey(r))
	}
	for _, i := range first {
		a := &ct.aliases[i]
		if !strings.HasPrefix(s[p:], a.text) {
			continue
		}
		if startsLatin(a.text) {
			if b, _ := runeBefore(s, p); isASCIIAlnum(b) {
				continue
			}
		}
		if endsLatin(a.text) {
			if n, _ := runeAt(s, p+len(a.text)); isASCIIAlnum(n) && !ct.specFollows(a, s, p+len(a.text)) {
				continue
			}
		}
		if a.blocked(s, p) {
			continue
		}
		return a, true
	}
	return nil, false
}

// specFollows: a Latin-ending alias may be glued to a Latin specialty
// (安全员a, then b, c).
func (ct *CertTable) specFollows(a *certAlias, s string, q int) bool {
	for _, tg := range a.targets {
		if tg.set != nil {
			if _, ok := tg.set.match(s, q); ok {
				return true
			}
		}
	}
	return false
}

func (a *certAlias) blocked(s string, p int) bool {
	for _, b := range a.blocks {
		if p-b.off >= 0 && strings.HasPrefix(s[p-b.off:], b.text) {
			return true
		}
	}
	return false
}

// match returns the longest specialty alias of the set at s[q:].
func (st *specSet) match(s string, q int) (specAlias, bool) {
	r, _ := runeAt(s, q)
	list, _ := st.tab.get(runeKey(r))
	for _, sa := range list {
		if !strings.HasPrefix(s[q:], sa.text) {
			continue
		}
		if endsLatin(sa.text) {
			// a Latin specialty (a, c1) must end a word, or be followed by
			// another specialty of the set (abc)
			if n, _ := runeAt(s, q+len(sa.text)); isASCIIAlnum(n) {
				if _, ok := st.matchNoBoundary(s, q+len(sa.text)); !ok {
					continue
				}
			}
		}
		return sa, true
	}
	return specAlias{}, false
}

func (st *specSet) matchNoBoundary(s string, q int) (specAlias, bool) {
	r, _ := runeAt(s, q)
	list, _ := st.tab.get(runeKey(r))
	for _, sa := range list {
		if strings.HasPrefix(s[q:], sa.text) {
			return sa, true
		}
	}
	return specAlias{}, false
}

// has reports whether the set has the specialty alias text.
func (st *specSet) has(text string) (specAlias, bool) {
	r, _ := utf8.DecodeRuneInString(text)
	list, _ := st.tab.get(runeKey(r))
	for _, sa := range list {
		if sa.text == text {
			return sa, true
		}
	}
	return specAlias{}, false
}

// skipRunes skips at most max runes for which ok holds, and returns the new
// position.
func skipRunes(s string, q, max int, ok func(rune) bool) int {
	for k := 0; k < max; k++ {
		r, n := runeAt(s, q)
		if n == 0 || !ok(r) {
			break
		}
		q += n
	}
	return q
}

func isSpecOpen(r rune) bool {
	switch r {
	case ' ', '(', '[', '【', ':', '-', '/', '·', '"', '“', '「', '<', '《', '_':
		return true
	}
	return false
}

func isSpecClose(r rune) bool {
	switch r {
	case ')', ']', '】', '"', '”', '」', '>', '》':
		return true
	}
	return false
}

// specJoiners link specialties of one certificate: 市政+公路, 建筑、市政.
var specJoiners = []string{"+", "、", "/", ",", " ", "和", "及", "或", "&", "加", "与", "跟", "-", "|"}

var specFillers = []string{"专业", "方向", "类"}

// certHit is one certificate mention in Norm.
type certHit struct {
	name, spec string
	s, e       int
	id         int32 // of the label
}

// findCerts returns every certificate mention, left to right, appended to
// out[:0].
func (ct *CertTable) findCerts(s string, out []certHit) []certHit {
	out = out[:0]
	if len(ct.aliases) == 0 {
		return nil
	}
	for p := 0; p < len(s); {
		if p = ct.nextStart(s, p); p >= len(s) {
			break
		}
		r, size := runeAt(s, p)
		// no alias or specialty alias starts with these two runes (or
		// with this rune alone): neither matchAlias nor specBefore
		// can match here
		if r2, _ := runeAt(s, p+size); !ct.startOnes.maybe(r) && !ct.startPairs.maybe(r, r2) {
			p += max(size, 1)
			continue
		}
		if a, ok := ct.matchAlias(s, p); ok {
			var end int
			out, end = ct.withSpecs(out, s, p, p+len(a.text), a)
			p = end
			continue
		}
		// a specialty right before a certificate: 市政一建
		var end int
		var ok bool
		if out, end, ok = ct.specBefore(out, s, p, r); ok {
			p = end
			continue
		}
		p += max(size, 1)
	}
	return out
}

// nextStart returns the first position from p on where a mention may start
// (the test of findCerts below, made while skipping), or len(s).
func (ct *CertTable) nextStart(s string, p int) int {
	cls := ct.start
	for p < len(s) {
		var r rune
		var n int
		c := s[p]
		switch {
		case c < utf8.RuneSelf:
			if cls.ascii[c] == 0 {
				p++
				continue
			}
			r, n = rune(c), 1
		case c&0xF0 == 0xE0 && p+2 < len(s):
			c1, c2 := s[p+1], s[p+2]
			if k := c & 0x0F; c1 < acceptLo[k] || c1 > acceptHi[k] || c2&0xC0 != 0x80 {
				return p
			}
			if cls.of3(c, c1, c2) == 0 {
				p += 3
				continue
			}
			r, n = rune(c&0x0F)<<12|rune(c1&0x3F)<<6|rune(c2&0x3F), 3
		default:
			return p // findCerts looks
		}
		if r2, _ := runeAt(s, p+n); ct.startOnes.maybe(r) || ct.startPairs.maybe(r, r2) {
			return p
		}
		p += n
	}
	return p
}

// withSpecs reads the specialties that follow the alias a at s[start:q]
// and appends one hit per target and specialty to out.
func (ct *CertTable) withSpecs(out []certHit, s string, start, q int, a *certAlias) ([]certHit, int) {
	var buf [8]specEnd
	end := q
	for _, tg := range a.targets {
		if tg.spec != "" || tg.set == nil {
			out = append(out, certHit{tg.name, tg.spec, start, q, tg.id})
			continue
		}
		specs, e := readSpecs(buf[:0], s, q, tg.set)
		if len(specs) == 0 {
			out = append(out, certHit{tg.name, "", start, q, tg.bareID})
			continue
		}
		for _, sp := range specs {
			out = append(out, certHit{tg.name, sp.spec, start, sp.e, tg.specIDs[sp.si]})
		}
		end = max(end, e)
	}
	return out, end
}

type specEnd struct {
	spec string
	e    int
	si   int32
}

// readSpecs reads specialties of set at s[q:]: after at most two opening
// separators, one or more specialty aliases linked by joiners. It appends
// them to out[:0].
func readSpecs(out []specEnd, s string, q int, set *specSet) ([]specEnd, int) {
	out = out[:0]
	p := skipRunes(s, q, 2, isSpecOpen)
	if w, ok := hasPrefixAt(s, p, specFillers); ok {
		p = skipRunes(s, p+len(w), 1, func(r rune) bool { return r == ':' })
	}
	sa, ok := set.match(s, p)
	if !ok {
		return out, q
	}
	for {
		p += len(sa.text)
		if w, ok := hasPrefixAt(s, p, specFillers); ok {
			p += len(w)
		}
		e := skipRunes(s, p, 1, isSpecClose)
		out = append(out, specEnd{sa.spec, e, sa.si})
		next := p
		if w, ok := hasPrefixAt(s, p, specJoiners); ok {
			next += len(w)
		}
		sa, ok = set.match(s, next)
		if !ok {
			return out, e
		}
		p = next
	}
}

// specBefore handles a specialty written before the certificate (市政一建),
// appending its hits to out.
func (ct *CertTable) specBefore(out []certHit, s string, p int, r rune) ([]certHit, int, bool) {
	if !ct.specBits.maybe(r) {
		return out, p, false
	}
	_, n := runeAt(s, p)
	r2, _ := runeAt(s, p+n)
	refs, ok := ct.specPairs.get(pairKey(r, r2))
	if !ok {
		refs, _ = ct.specOnes.get(runeKey(r))
	}
	for _, ref := range refs {
		if !strings.HasPrefix(s[p:], ref.alias.text) {
			continue
		}
		q := skipRunes(s, p+len(ref.alias.text), 1, func(r rune) bool { return r == ' ' || r == '-' || r == '/' || r == '·' })
		a, ok := ct.matchAlias(s, q)
		if !ok {
			continue
		}
		n0 := len(out)
		for _, tg := range a.targets {
			if tg.spec == "" && tg.set != nil {
				if sa, ok := tg.set.has(ref.alias.text); ok {
					out = append(out, certHit{tg.name, sa.spec, p, q + len(a.text), tg.specIDs[sa.si]})
				}
			}
		}
		if len(out) > n0 {
			return out, q + len(a.text), true
		}
	}
	return out, p, false
}

// Certs finds certificate mentions: Name is the normalised name (一级建造师),
// Specialty the normalised specialty (市政) when one follows the name
// directly, in brackets, after a separator, or comes just before it.
// Several linked specialties (一建 市政+公路) give several certs.
func (x *Extractor) Certs(t *normalize.Text) []guazheng.Cert {
	var buf [64]certHit
	hits := x.certs.findCerts(t.Norm, buf[:0])
	// the first hit of each label, then one slice of the right size
	var idBuf, keepBuf [32]int32
	ids, keep := idBuf[:0], keepBuf[:0] // label ids seen, hits kept
	for i, h := range hits {
		if slices.Contains(ids, h.id) {
			continue
		}
		ids, keep = append(ids, h.id), append(keep, int32(i))
	}
	out := make([]guazheng.Cert, len(keep))
	for j, i := range keep {
		h := hits[i]
		c := guazheng.Cert{Name: h.name, Specialty: h.spec}
		c.Span = span(t, h.s, h.e)
		out[j] = c
	}
	return out
}
