// Package stat is the classifier's statistical layer: a logistic regression
// over character bigrams of normalised text, trained on the labeled corpus by
// `guazheng rules train` and shipped as model.json in the rule directory. Its
// probability enters the verdict through named score bands, so explanations
// stay complete.
package stat

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"unicode"
	"unicode/utf8"
)

// Model is a trained logistic regression. Immutable after Load or Train.
type Model struct {
	Version  int                `json:"version"`
	Bias     float64            `json:"bias"`
	Weights  map[string]float64 `json:"weights"`
	Trained  string             `json:"trained,omitempty"` // RFC 3339 time of training
	Examples int                `json:"examples"`
	Roles    *RoleModel         `json:"roles,omitempty"` // who wrote an ad; nil in older models

	w *table[float64] // Weights by feature key, built by compile
}

// Load parses a model file.
func Load(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("model.json: %w", err)
	}
	if m.Version != 1 {
		return nil, fmt.Errorf("model.json: unknown version %d (want 1)", m.Version)
	}
	m.compile()
	return &m, nil
}

// Marshal encodes the model with sorted keys, so retraining on the same corpus
// gives the same bytes.
func (m *Model) Marshal() ([]byte, error) {
	return json.MarshalIndent(m, "", " ")
}

// fold maps a rune to its feature form: digits collapse to '0', letters and
// CJK stay, everything else is a gap (-1).
func fold(r rune) rune {
	switch {
	case r >= '0' && r <= '9':
		return '0'
	case r >= 'a' && r <= 'z', r >= 0x4E00 && r <= 0x9FFF:
		return r // ASCII letters and the CJK Unified Ideographs block: the common case
	case r < 0x2E80: // below the first Han block (CJK radicals)
		return -1
	case unicode.Is(unicode.Han, r):
		return r
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	}
	return -1
}

// Features returns the distinct character bigrams (and unigrams of Han
// characters) of normalised text, in order of first appearance.
func Features(norm string, dst []string, seen map[string]struct{}) []string {
	clear(seen)
	var buf [8]byte
	add := func(s string) {
		if _, ok := seen[s]; !ok {
			seen[s] = struct{}{}
			dst = append(dst, s)
		}
	}
	for a, b := range bigrams(norm) {
		n := utf8.EncodeRune(buf[:], a)
		n += utf8.EncodeRune(buf[n:], b)
		add(string(buf[:n]))
	}
	return dst
}

// Score is the model's probability that the features come from a 挂证 ad,
// with the features that pushed it up most.
func (m *Model) Score(feats []string) (p float64, top []string) {
	z := m.Bias
	type fw struct {
		f string
		w float64
	}
	var best []fw
	for _, f := range feats {
		w, ok := m.Weights[f]
		if !ok {
			continue
		}
		z += w
		if w > 0 {
			best = append(best, fw{f, w})
		}
	}
	sort.Slice(best, func(i, j int) bool { return best[i].w > best[j].w })
	for i := 0; i < len(best) && i < 5; i++ {
		top = append(top, best[i].f)
	}
	return sigmoid(z), top
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Example is one labeled training text (already normalised).
type Example struct {
	Norm     string
	Positive bool
}

// TrainOptions tune training; the zero value gives sensible defaults.
type TrainOptions struct {
	Epochs  int     // passes over the data (default 30)
	Rate    float64 // learning rate (default 0.2)
	L2      float64 // L2 penalty per example (default 1e-4)
	MinDocs int     // features seen in fewer documents are dropped (default 2)
}

// withDefaults fills the zero fields of o with the documented defaults.
func (o TrainOptions) withDefaults() TrainOptions {
	if o.Epochs == 0 {
		o.Epochs = 30
	}
	if o.Rate == 0 {
		o.Rate = 0.2
	}
	if o.L2 == 0 {
		o.L2 = 1e-4
	}
	if o.MinDocs == 0 {
		o.MinDocs = 2
	}
	return o
}

// Train fits a model by stochastic gradient descent in a fixed order, so the
// same corpus always gives the same model.
func Train(ex []Example, opt TrainOptions) *Model {
	opt = opt.withDefaults()
	seen := map[string]struct{}{}
	docs := make([][]string, len(ex))
	df := map[string]int{}
	for i, e := range ex {
		docs[i] = Features(e.Norm, nil, seen)
		for _, f := range docs[i] {
			df[f]++
		}
	}
	w := map[string]float64{}
	bias := 0.0
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rate := opt.Rate / (1 + float64(epoch)*0.1)
		for i, e := range ex {
			z := bias
			for _, f := range docs[i] {
				if df[f] >= opt.MinDocs {
					z += w[f]
				}
			}
			y := 0.0
			if e.Positive {
				y = 1
			}
			g := sigmoid(z) - y
			bias -= rate * g
			for _, f := range docs[i] {
				if df[f] >= opt.MinDocs {
					w[f] -= rate * (g + opt.L2*w[f])
				}
			}
		}
	}
	m := &Model{Version: 1, Bias: round(bias), Weights: map[string]float64{}, Examples: len(ex)}
	for f, v := range w {
		if math.Abs(v) >= 0.01 {
			m.Weights[f] = round(v)
		}
	}
	m.compile()
	return m
}

func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }
