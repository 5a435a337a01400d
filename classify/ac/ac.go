// Package ac is an Aho-Corasick automaton over bytes that reports every
// occurrence of every pattern, overlapping ones included. Patterns and text
// are UTF-8, so a match of a valid pattern always starts and ends on rune
// boundaries. An automaton is immutable once built and safe for concurrent use.
package ac

import "sort"

type edge struct {
	b  byte
	to int32
}

type state struct {
	edges []edge // sorted by b; unused for the root, which has a dense table
	fail  int32
	out   int32 // index into outs of this state's own pattern ids, or -1
	next  int32 // nearest state on the failure chain that has outputs, or -1
}

// Automaton matches a fixed set of patterns.
type Automaton struct {
	root   [256]int32
	states []state
	outs   [][]int32
	lens   []int32 // pattern lengths in bytes
}

// Match is one occurrence of pattern ID at text[Start:End].
type Match struct {
	ID         int
	Start, End int
}

// Build makes an automaton for patterns; pattern i is reported with ID i.
// Empty patterns are never reported.
func Build(patterns []string) *Automaton {
	a := &Automaton{states: []state{{out: -1, next: -1}}, lens: make([]int32, len(patterns))}
	for i := range a.root {
		a.root[i] = -1
	}
	for id, p := range patterns {
		a.lens[id] = int32(len(p))
		if p == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			s = a.child(s, p[i], true)
		}
		st := &a.states[s]
		if st.out < 0 {
			st.out = int32(len(a.outs))
			a.outs = append(a.outs, nil)
		}
		a.outs[st.out] = append(a.outs[st.out], int32(id))
	}
	// Breadth-first failure links and output chains; the root's goto is
	// made total first, so the failure walk always ends.
	queue := make([]int32, 0, len(a.states))
	for b := 0; b < 256; b++ {
		if c := a.root[b]; c >= 0 {
			queue = append(queue, c) // depth 1: fail = root, next = -1
		} else {
			a.root[b] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range a.states[s].edges {
			f := a.states[s].fail
			for a.step(f, e.b) < 0 {
				f = a.states[f].fail
			}
			t := &a.states[e.to]
			t.fail = a.step(f, e.b)
			if a.states[t.fail].out >= 0 {
				t.next = t.fail
			} else {
				t.next = a.states[t.fail].next
			}
			queue = append(queue, e.to)
		}
	}
	return a
}

// child returns the goto transition of s on b, creating it when add is set.
func (a *Automaton) child(s int32, b byte, add bool) int32 {
	if s == 0 {
		if c := a.root[b]; c >= 0 {
			return c
		}
		if !add {
			return -1
		}
		a.states = append(a.states, state{out: -1, next: -1})
		a.root[b] = int32(len(a.states) - 1)
		return a.root[b]
	}
	es := a.states[s].edges
	i := sort.Search(len(es), func(i int) bool { return es[i].b >= b })
	if i < len(es) && es[i].b == b {
		return es[i].to
	}
	if !add {
		return -1
	}
	a.states = append(a.states, state{out: -1, next: -1})
	n := int32(len(a.states) - 1)
	es = append(es, edge{})
	copy(es[i+1:], es[i:])
	es[i] = edge{b, n}
	a.states[s].edges = es
	return n
}

// step is the goto function without failure (root transitions are total
// once built).
func (a *Automaton) step(s int32, b byte) int32 {
	if s == 0 {
		return a.root[b]
	}
	es := a.states[s].edges
	lo, hi := 0, len(es)
	for lo < hi {
		m := (lo + hi) >> 1
		if es[m].b < b {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(es) && es[lo].b == b {
		return es[lo].to
	}
	return -1
}

// Len is the number of patterns.
func (a *Automaton) Len() int { return len(a.lens) }

// FindAll appends every occurrence of every pattern in text to dst, ordered
// by end offset, and returns it.
func (a *Automaton) FindAll(dst []Match, text string) []Match {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		b := text[i]
		for {
			if t := a.step(s, b); t >= 0 {
				s = t
				break
			}
			s = a.states[s].fail
		}
		for o := s; o > 0; o = a.states[o].next {
			if out := a.states[o].out; out >= 0 {
				for _, id := range a.outs[out] {
					dst = append(dst, Match{ID: int(id), Start: i + 1 - int(a.lens[id]), End: i + 1})
				}
			}
		}
	}
	return dst
}

// Contains reports whether any pattern occurs in text.
func (a *Automaton) Contains(text string) bool {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		b := text[i]
		for {
			if t := a.step(s, b); t >= 0 {
				s = t
				break
			}
			s = a.states[s].fail
		}
		if a.states[s].out >= 0 || a.states[s].next > 0 {
			return true
		}
	}
	return false
}
