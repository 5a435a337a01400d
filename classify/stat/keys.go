package stat

import (
	"hash/fnv"
	"slices"
	"strings"
	"unicode/utf8"
)

// A feature key packs a character bigram into a uint64, so scoring needs no
// string allocation: the first rune in the high 32 bits, the second in the low.
func key(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func keyString(k uint64) string {
	var buf [8]byte
	n := utf8.EncodeRune(buf[:], rune(k>>32))
	n += utf8.EncodeRune(buf[n:], rune(uint32(k)))
	return string(buf[:n])
}

// RuleFeature is the feature string of a rule that fired, as the role model
// sees it ("#BUYER_OFFER"): the model learns how far each rule speaks for a
// role, next to the wording.
func RuleFeature(name string) string { return "#" + name }

// RuleKey is the key of RuleFeature(name). Bigram keys never set the top
// bit (runes are below 2^21), rule keys always do.
func RuleKey(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return 1<<63 | h.Sum64()>>1
}

// stringKey is the inverse of keyString for a two-rune feature, and maps a
// rule feature to its RuleKey.
func stringKey(f string) (uint64, bool) {
	if strings.HasPrefix(f, "#") {
		return RuleKey(f[1:]), true
	}
	a, n := utf8.DecodeRuneInString(f)
	b, m := utf8.DecodeRuneInString(f[n:])
	if n == 0 || m == 0 || n+m != len(f) {
		return 0, false
	}
	return key(a, b), true
}

// FeatureKeys appends the distinct bigram keys of normalised text to dst[:0]
// (the same features as Features), sorted.
func FeatureKeys(norm string, dst []uint64) []uint64 {
	dst = AppendKeys(norm, dst)
	slices.Sort(dst)
	return slices.Compact(dst)
}

// AppendKeys appends the bigram keys of normalised text to dst[:0], in
// order and with repeats: the cheap form for ScoreKeysScratch.
func AppendKeys(norm string, dst []uint64) []uint64 {
	dst = dst[:0]
	for a, b := range bigrams(norm) {
		dst = append(dst, key(a, b))
	}
	return dst
}

// bigrams yields the pairs of adjacent feature characters of normalised
// text (folded: digits as '0', upper case as lower case); any other
// character breaks the run.
func bigrams(norm string) func(yield func(a, b rune) bool) {
	return func(yield func(a, b rune) bool) {
		prev := rune(-1)
		for _, r := range norm {
			c := fold(r)
			if c < 0 {
				prev = -1
				continue
			}
			if prev >= 0 && !yield(prev, c) {
				return
			}
			prev = c
		}
	}
}

// compile builds the key-indexed weights used for scoring.
func (m *Model) compile() {
	m.w = newTable[float64](len(m.Weights))
	for f, v := range m.Weights {
		if k, ok := stringKey(f); ok {
			m.w.put(k, v)
		}
	}
	if m.Roles != nil {
		m.Roles.w = newTable[[3]float64](len(m.Roles.Weights))
		for f, v := range m.Roles.Weights {
			if k, ok := stringKey(f); ok {
				m.Roles.w.put(k, v)
			}
		}
	}
}

// ScoreKeys is Score over feature keys.
func (m *Model) ScoreKeys(keys []uint64) (p float64, top []string) {
	var s Scratch
	p, t := m.ScoreKeysScratch(keys, &s)
	return p, t.Strings()
}

// ScoreKeysScratch is ScoreKeys over keys that may repeat (AppendKeys),
// each distinct feature counted once, with the strongest features as keys.
func (m *Model) ScoreKeysScratch(keys []uint64, s *Scratch) (float64, TopKeys) {
	if m.w == nil {
		m.compile()
	}
	var top TopKeys
	z := m.Bias
	s.begin(len(m.w.keys))
	for _, k := range keys {
		i := m.w.firstSlot(k, s)
		if i < 0 {
			continue
		}
		w := m.w.vals[i]
		z += w
		if w > 0 {
			top.add(k, w)
		}
	}
	return sigmoid(z), top
}

// ProbsKeys is Probs over feature keys.
func (m *RoleModel) ProbsKeys(keys []uint64) [3]float64 {
	var s Scratch
	return m.ProbsKeysScratch(keys, &s)
}

// ProbsKeysScratch is ProbsKeys over keys that may repeat.
func (m *RoleModel) ProbsKeysScratch(keys []uint64, s *Scratch) [3]float64 {
	if m.w == nil {
		return m.Probs(nil)
	}
	z := m.Bias
	s.begin(len(m.w.keys))
	for _, k := range keys {
		i := m.w.firstSlot(k, s)
		if i < 0 {
			continue
		}
		w := m.w.vals[i]
		for j := range z {
			z[j] += w[j]
		}
	}
	return softmax(z)
}
