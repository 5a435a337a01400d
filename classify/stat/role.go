package stat

import (
	"math"
	"sort"
)

// RoleNames are the classes of the role model, in weight order.
var RoleNames = [3]string{"buyer", "seller", "broker"}

// RoleModel is a softmax regression that tells who wrote an ad: buyer,
// seller or broker. Its features are the character bigrams of the text and
// the rules that fired on it (RuleFeature), so it learns how much each rule
// says about the role on the corpus, stacked on the hand-written rules.
type RoleModel struct {
	Bias    [3]float64            `json:"bias"`
	Weights map[string][3]float64 `json:"weights"`

	w *table[[3]float64] // Weights by feature key, built by Model.compile
}

// RoleExample is one labeled ad.
type RoleExample struct {
	Norm  string
	Role  string   // one of RoleNames
	Rules []string // names of the rules that fired on it (not the statistical bands)
}

// Probs returns the probability of each role, in RoleNames order.
func (m *RoleModel) Probs(feats []string) [3]float64 {
	z := m.Bias
	for _, f := range feats {
		if w, ok := m.Weights[f]; ok {
			for k := range z {
				z[k] += w[k]
			}
		}
	}
	return softmax(z)
}

func softmax(z [3]float64) [3]float64 {
	mx := math.Max(z[0], math.Max(z[1], z[2]))
	var p [3]float64
	sum := 0.0
	for k := range z {
		p[k] = math.Exp(z[k] - mx)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}

// TrainRoles fits a role model by stochastic gradient descent in a fixed
// order (deterministic). Examples with an unknown role are skipped.
func TrainRoles(ex []RoleExample, opt TrainOptions) *RoleModel {
	opt = opt.withDefaults()
	seen := map[string]struct{}{}
	type doc struct {
		feats []string
		y     int
	}
	var docs []doc
	df := map[string]int{}
	for _, e := range ex {
		y := -1
		for k, n := range RoleNames {
			if n == e.Role {
				y = k
			}
		}
		if y < 0 {
			continue
		}
		f := Features(e.Norm, nil, seen)
		for _, r := range e.Rules {
			f = append(f, RuleFeature(r))
		}
		for _, x := range f {
			df[x]++
		}
		docs = append(docs, doc{f, y})
	}
	w := map[string][3]float64{}
	var bias [3]float64
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rate := opt.Rate / (1 + float64(epoch)*0.1)
		for _, d := range docs {
			z := bias
			for _, f := range d.feats {
				if df[f] >= opt.MinDocs {
					for k := range z {
						z[k] += w[f][k]
					}
				}
			}
			p := softmax(z)
			for k := range p {
				g := p[k]
				if k == d.y {
					g -= 1
				}
				bias[k] -= rate * g
				for _, f := range d.feats {
					if df[f] >= opt.MinDocs {
						v := w[f]
						v[k] -= rate * (g + opt.L2*v[k])
						w[f] = v
					}
				}
			}
		}
	}
	m := &RoleModel{Weights: map[string][3]float64{}}
	for k := range bias {
		m.Bias[k] = round(bias[k])
	}
	keys := make([]string, 0, len(w))
	for f := range w {
		keys = append(keys, f)
	}
	sort.Strings(keys)
	for _, f := range keys {
		v := w[f]
		if math.Abs(v[0])+math.Abs(v[1])+math.Abs(v[2]) >= 0.03 {
			m.Weights[f] = [3]float64{round(v[0]), round(v[1]), round(v[2])}
		}
	}
	return m
}
