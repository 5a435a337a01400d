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
	fold := make([]int, len(items))
	for i := range items {
		fold[i] = i % k
	}
	rep, err := evaluateFolds(set, items, fold, k)
	if err != nil {
		return nil, err
	}
	rep.RuleSet += fmt.Sprintf(" (statistical layer %d-fold cross-validated)", k)
	return rep, nil
}

// EvaluateGroupCV is EvaluateCV with one fold per group (for example per
// corpus file, each written by other people): every group is classified by a
// model trained on the other groups only, which measures how the classifier
// does on wording from writers its model has never seen.
func EvaluateGroupCV(set *rules.Set, items []Item, group func(Item) string) (*Report, error) {
	index := map[string]int{}
	fold := make([]int, len(items))
	for i, it := range items {
		g := group(it)
		f, ok := index[g]
		if !ok {
			f = len(index)
			index[g] = f
		}
		fold[i] = f
	}
	if len(index) < 2 {
		return nil, fmt.Errorf("cross-validation by group needs at least 2 groups, got %d", len(index))
	}
	rep, err := evaluateFolds(set, items, fold, len(index))
	if err != nil {
		return nil, err
	}
	rep.RuleSet += fmt.Sprintf(" (statistical layer cross-validated over %d groups)", len(index))
	return rep, nil
}

// evaluateFolds classifies item i with a model trained on the items whose
// fold differs from fold[i].
func evaluateFolds(set *rules.Set, items []Item, fold []int, k int) (*Report, error) {
	base, err := Build(set, Options{})
	if err != nil {
		return nil, err
	}
	// the rules that fire do not depend on the model: compute them once
	fired := make([][]string, len(items))
	for i, it := range items {
		if it.Positive() {
			fired[i] = base.RoleFeatures(it.Title, it.Text)
		}
	}
	verdicts := make([]guazheng.Verdict, len(items))
	for f := 0; f < k; f++ {
		var ex []stat.Example
		var roles []stat.RoleExample
		for i, it := range items {
			if fold[i] == f {
				continue
			}
			n := base.norm.Normalize(it.Title + "\n" + it.Text).Norm
			ex = append(ex, stat.Example{Norm: n, Positive: it.Positive()})
			if it.Positive() {
				roles = append(roles, stat.RoleExample{Norm: n, Role: it.Role, Rules: fired[i]})
			}
		}
		m := stat.Train(ex, stat.TrainOptions{})
		m.Roles = stat.TrainRoles(roles, stat.TrainOptions{})
		b, err := m.Marshal()
		if err != nil {
			return nil, err
		}
		fs := *set
		fs.Model = b
		e, err := Build(&fs, Options{Segmenter: base.seg})
		if err != nil {
			return nil, err
		}
		for i := range items {
			if fold[i] == f {
				verdicts[i] = e.ClassifyFull(items[i].Title, items[i].Text)
			}
		}
	}
	return score(base, items, verdicts), nil
}
