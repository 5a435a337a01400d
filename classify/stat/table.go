package stat

// table is an open-addressing hash table from feature keys to weights: on
// the scoring path of every post it is several times faster than a Go map.
// Key 0 marks an empty slot (no feature has key 0: bigram keys hold two
// non-zero runes, rule keys have the top bit set).
type table[V any] struct {
	keys []uint64
	vals []V
	mask uint64
}

func newTable[V any](n int) *table[V] {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &table[V]{keys: make([]uint64, size), vals: make([]V, size), mask: uint64(size - 1)}
}

func hashKey(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> 17 }

func (t *table[V]) put(k uint64, v V) {
	i := hashKey(k) & t.mask
	for t.keys[i] != 0 && t.keys[i] != k {
		i = (i + 1) & t.mask
	}
	t.keys[i], t.vals[i] = k, v
}

// slot returns the slot of k, or -1.
func (t *table[V]) slot(k uint64) int {
	i := hashKey(k) & t.mask
	for {
		switch t.keys[i] {
		case k:
			return int(i)
		case 0:
			return -1
		}
		i = (i + 1) & t.mask
	}
}

// firstSlot returns the slot of k if k is in the table and is met for the
// first time in the call s began; -1 otherwise.
func (t *table[V]) firstSlot(k uint64, s *Scratch) int {
	i := t.slot(k)
	if i < 0 || !s.first(i) {
		return -1
	}
	return i
}

// Scratch is the per-goroutine state of scoring keys that may repeat: a
// stamp per table slot marks the features already counted in this call, so
// each distinct feature counts once without sorting the keys. The zero value
// is ready to use; a Scratch must not be shared between goroutines.
type Scratch struct {
	stamp []uint32
	epoch uint32
}

// begin starts a call over a table of n slots.
func (s *Scratch) begin(n int) {
	if len(s.stamp) < n {
		s.stamp = make([]uint32, n)
		s.epoch = 0
	}
	s.epoch++
	if s.epoch == 0 { // wrapped: old stamps could collide
		clear(s.stamp)
		s.epoch = 1
	}
}

// first reports whether slot i is seen for the first time in this call.
func (s *Scratch) first(i int) bool {
	if s.stamp[i] == s.epoch {
		return false
	}
	s.stamp[i] = s.epoch
	return true
}

// TopKeys are the features that pushed a score up most, strongest first.
type TopKeys struct {
	k [5]uint64
	w [5]float64
	n int
}

func (t *TopKeys) add(k uint64, w float64) {
	if t.n == len(t.k) && w <= t.w[t.n-1] {
		return
	}
	i := t.n
	if i == len(t.k) {
		i--
	} else {
		t.n++
	}
	for i > 0 && t.w[i-1] < w {
		t.k[i], t.w[i] = t.k[i-1], t.w[i-1]
		i--
	}
	t.k[i], t.w[i] = k, w
}

// Strings returns the features as text (character bigrams).
func (t TopKeys) Strings() []string {
	out := make([]string, t.n)
	for i := range out {
		out[i] = keyString(t.k[i])
	}
	return out
}
