package normalize

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Normalizer normalises text. It is immutable after New and safe for
// concurrent use.
type Normalizer struct {
	t *tables
}

// New builds the normalisation tables. The tables are built once per process
// and shared by every Normalizer; the first call takes a few milliseconds.
// New panics only if the traditional→simplified dictionary embedded in the
// github.com/liuzl/gocc module cannot be read, which a test guards against.
func New() *Normalizer {
	t, err := getTables()
	if err != nil {
		panic(err)
	}
	return &Normalizer{t: t}
}

// seg maps a stretch of Norm starting at n to Orig[o:oe]. The stretch ends
// where the next seg starts (or at len(Norm)). A linear seg has output and
// input of equal length with rune boundaries at the same places, so offsets
// inside it map one to one; any other seg is atomic: every byte of its output
// maps to the whole of Orig[o:oe].
type seg struct {
	n, o, oe int32
	tail     int32 // removed marks right after Orig[o:oe] (keycaps, variation selectors)
	lin      bool
}

// Text is a normalised text with its map back to the original.
type Text struct {
	Orig string // the text as written
	Norm string // the normalised text
	segs []seg
}

func (n *Normalizer) lookup(r rune) entry {
	if r < 0x10000 {
		return n.t.bmp[r]
	}
	if e, ok := n.t.supp[r]; ok {
		return e
	}
	return suppEntry(r)
}

// decode returns the rune at s[i:] and its size; invalid bytes come back as
// (utf8.RuneError, 1) and are dropped by the caller.
func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

type state struct {
	n    *Normalizer
	s    string
	b    strings.Builder
	segs []seg
	prev uint8 // class of the last rune written
}

func (st *state) addSeg(o, oe int, lin bool) {
	nb := int32(st.b.Len())
	if k := len(st.segs); lin && k > 0 {
		last := &st.segs[k-1]
		// extend the previous linear seg if both sides are contiguous
		if last.lin && int(last.oe) == o && nb-last.n == last.oe-last.o {
			last.oe = int32(oe)
			return
		}
	}
	st.segs = append(st.segs, seg{n: nb, o: int32(o), oe: int32(oe), lin: lin})
}

// emit writes the output of a significant rune at s[i:i+size].
func (st *state) emit(e entry, i, size int) {
	switch e.kind & kindMask {
	case kKeep:
		st.addSeg(i, i+size, true)
		st.b.WriteString(st.s[i : i+size])
	case kRepl:
		st.addSeg(i, i+size, e.kind&fLinear != 0)
		st.b.WriteString(st.n.t.pool[e.off : e.off+uint32(e.n)])
	case kPlus:
		st.addSeg(i, i+size, false)
		st.b.WriteByte('+')
	}
	st.prev = e.lcls
}

// emitSpace writes one whitespace character standing for Orig[o:oe].
func (st *state) emitSpace(o, oe int, nl bool) {
	st.addSeg(o, oe, false)
	if nl {
		st.b.WriteByte('\n')
	} else {
		st.b.WriteByte(' ')
	}
	st.prev = cSpace
}

// flush writes a pending run of separators, whitespace and removed
// characters that was not deleted: whitespace collapses to one character,
// emoji and format characters vanish, separators are written.
func (st *state) flush(from, to int) {
	wsStart, wsEnd, nl := -1, -1, false
	for i := from; i < to; {
		r, size := decode(st.s, i)
		if r == utf8.RuneError && size == 1 {
			i++
			continue
		}
		e := st.n.lookup(r)
		switch e.kind & kindMask {
		case kSpace, kNewline:
			if wsStart < 0 {
				wsStart = i
			}
			wsEnd = i + size
			if e.kind&kindMask == kNewline {
				nl = true
			}
		case kKeep, kRepl:
			if wsStart >= 0 {
				st.emitSpace(wsStart, wsEnd, nl)
				wsStart, nl = -1, false
			}
			st.emit(e, i, size)
		}
		i += size
	}
	if wsStart >= 0 {
		st.emitSpace(wsStart, wsEnd, nl)
	}
}

// plusCue reports whether the heavy plus at s[:i] is directly followed
// (format characters aside) by a contact cue.
func (n *Normalizer) plusCue(s string, i int) bool {
	for i < len(s) {
		r, size := decode(s, i)
		e := n.lookup(r)
		switch e.kind & kindMask {
		case kDrop:
			i += size
			continue
		case kKeep:
		case kRepl:
			r, _ = utf8.DecodeRuneInString(n.t.pool[e.off : e.off+uint32(e.n)])
		default:
			return false
		}
		switch r {
		case 'v', 'V', 'w', 'W', 'q', 'Q', '微', '薇', '威', '徽', '扣', '企':
			return true
		}
		return false
	}
	return false
}

// Normalize normalises s (see the package documentation for every mapping).
func (n *Normalizer) Normalize(s string) *Text {
	st := state{n: n, s: s}
	st.b.Grow(len(s))
	st.segs = make([]seg, 0, 4+len(s)/64)
	pend, pendNL := -1, false // start of a pending run of inert characters
	keep := -1                // start of a run of unchanged runes not yet written
	bmp := &n.t.bmp
	for i := 0; i < len(s); {
		var e entry
		var size int
		if c := s[i]; c < utf8.RuneSelf {
			e, size = bmp[c], 1
		} else if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE0 || s[i+1] >= 0xA0) && (c != 0xED || s[i+1] < 0xA0) {
			// three-byte sequence (all of CJK): decoded inline
			e, size = bmp[rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F)], 3
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				e = entry{kind: kDrop}
			} else if r < 0x10000 {
				e = bmp[r]
			} else {
				e = n.lookup(r)
			}
		}
		k := e.kind & kindMask
		if e.kind == kKeep && pend < 0 {
			// the common case: an unchanged rune after a written one
			if keep < 0 {
				keep = i
			}
			st.prev = e.lcls
			i += size
			continue
		}
		if keep >= 0 {
			st.addSeg(keep, i, true)
			st.b.WriteString(s[keep:i])
			keep = -1
		}
		if k == kPlus && !n.plusCue(s, i+size) {
			k = kEmoji
		}
		switch {
		case k == kDrop:
			// a mark that belongs to the rune just written joins its span
			if e.kind&fAttach != 0 && pend < 0 && len(st.segs) > 0 {
				if last := &st.segs[len(st.segs)-1]; int(last.oe+last.tail) == i {
					last.tail += int32(size)
				}
			}
			i += size
			continue
		case k == kSpace || k == kEmoji || e.kind&fSep != 0:
			if pend < 0 {
				pend, pendNL = i, false
			}
			i += size
			continue
		case k == kNewline:
			if pend < 0 {
				pend = i
			}
			pendNL = true
			i += size
			continue
		}
		if pend >= 0 {
			p, nx := st.prev, e.fcls
			if pendNL || !(p == cIdeo && (nx == cIdeo || nx == cDigit) || p == cDigit && nx == cIdeo) {
				st.flush(pend, i)
			}
			pend = -1
		}
		if k == kKeep {
			keep = i
			st.prev = e.lcls
		} else {
			st.emit(e, i, size)
		}
		i += size
	}
	if keep >= 0 {
		st.addSeg(keep, len(s), true)
		st.b.WriteString(s[keep:])
	}
	if pend >= 0 {
		st.flush(pend, len(s))
	}
	return &Text{Orig: s, Norm: st.b.String(), segs: st.segs}
}

// segAt returns the index of the seg that holds normalised byte p
// (0 <= p < len(Norm)).
func (t *Text) segAt(p int) int {
	segs := t.segs
	lo, hi := 0, len(segs)
	for hi-lo > 1 {
		m := int(uint(lo+hi) >> 1)
		if int(segs[m].n) <= p {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// OrigRange maps the normalised byte range [start,end) to the original byte
// range that produced it. Offsets are clamped to the text; the result is
// always on rune boundaries of Orig, never splits an original rune, and is
// monotone in start and in end. An empty range maps to an empty range at the
// corresponding original position.
func (t *Text) OrigRange(start, end int) (int, int) {
	if len(t.segs) == 0 {
		return 0, 0
	}
	start = min(max(start, 0), len(t.Norm))
	end = min(max(end, start), len(t.Norm))
	var os int
	if start == len(t.Norm) {
		last := t.segs[len(t.segs)-1]
		os = int(last.oe + last.tail)
	} else {
		sg := t.segs[t.segAt(start)]
		os = int(sg.o)
		if sg.lin {
			os += start - int(sg.n)
			for os > int(sg.o) && !utf8.RuneStart(t.Orig[os]) {
				os--
			}
		}
	}
	if end == start {
		return os, os
	}
	sg := t.segs[t.segAt(end-1)]
	oe := int(sg.oe)
	if sg.lin {
		oe = int(sg.o) + end - int(sg.n)
		for oe < int(sg.oe) && !utf8.RuneStart(t.Orig[oe]) {
			oe++
		}
	}
	if oe == int(sg.oe) {
		oe += int(sg.tail)
	}
	return os, max(oe, os)
}

// OrigText returns the original text that produced Norm[start:end].
func (t *Text) OrigText(start, end int) string {
	os, oe := t.OrigRange(start, end)
	return t.Orig[os:oe]
}

// NormOffset maps an original byte offset to the normalised offset of the
// first output produced at or after it (len(Norm) when nothing is). For an
// offset inside an atomic replacement it returns the replacement's end.
func (t *Text) NormOffset(orig int) int {
	segs := t.segs
	i := sort.Search(len(segs), func(i int) bool { return int(segs[i].oe) > orig })
	if i == len(segs) {
		return len(t.Norm)
	}
	sg := segs[i]
	if orig <= int(sg.o) {
		return int(sg.n)
	}
	if sg.lin {
		return int(sg.n) + orig - int(sg.o)
	}
	if i+1 < len(segs) {
		return int(segs[i+1].n)
	}
	return len(t.Norm)
}

// NormRuneAt returns the normalised rune at byte p and its size, or
// (utf8.RuneError, 0) outside the text.
func (t *Text) NormRuneAt(p int) (rune, int) {
	if p < 0 || p >= len(t.Norm) {
		return utf8.RuneError, 0
	}
	return utf8.DecodeRuneInString(t.Norm[p:])
}

// NormChanged reports whether normalisation changed Norm[start:end] from the
// original it maps to, ignoring ASCII case.
func (t *Text) NormChanged(start, end int) bool {
	return !strings.EqualFold(t.Norm[max(0, start):min(end, len(t.Norm))], t.OrigText(start, end))
}
