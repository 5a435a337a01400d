package classify

import (
	"fmt"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/stat"
	"github.com/guazheng/guazheng/rules"
)

// EvaluateCV scores items by k-fold cross-validation of the statistical
// layer: item i falls in fold i mod k, and is classified by the rule set with
// a model trained on the other folds only. The rules themselves are the
// same for every fold, so the report shows how the whole classifier does on
// texts its model has not seen — the honest figure for tuning band scores on
// a training corpus.
func EvaluateCV(set *rules.Set, items []Item, k int) (*Report, error) {
	if k < 2 || k > len(items) {
		return nil, fmt.Errorf("cross-validation needs 2 ≤ k ≤ %d folds, got %d", len(items), k)
	}
	base, err := Build(set, Options{})
	if err != nil {
		return nil, err
	}
	verdicts := make([]guazheng.Verdict, len(items))
	for f := 0; f < k; f++ {
		var ex []stat.Example
		var roles []stat.RoleExample
		for i, it := range items {
			if i%k == f {
				continue
			}
			n := base.norm.Normalize(it.Title + "\n" + it.Text).Norm
			ex = append(ex, stat.Example{Norm: n, Positive: it.Positive()})
			if it.Positive() {
				roles = append(roles, stat.RoleExample{Norm: n, Role: it.Role})
			}
		}
		m := stat.Train(ex, stat.TrainOptions{})
		m.Roles = stat.TrainRoles(roles, stat.TrainOptions{})
		b, err := m.Marshal()
		if err != nil {
			return nil, err
		}
		fold := *set
		fold.Model = b
		e, err := Build(&fold, Options{Segmenter: base.seg})
		if err != nil {
			return nil, err
		}
		for i := f; i < len(items); i += k {
			verdicts[i] = e.ClassifyFull(items[i].Title, items[i].Text)
		}
	}
	rep := score(base, items, verdicts)
	rep.RuleSet += fmt.Sprintf(" (statistical layer %d-fold cross-validated)", k)
	return rep, nil
}
