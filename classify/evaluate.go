package classify

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/guazheng/guazheng"
)

// RuleStat is one row of the per-rule table of an evaluation.
type RuleStat struct {
	Rule        string  `json:"rule"`
	Score       float64 `json:"score"`
	Description string  `json:"description"`
	Positives   int     `json:"hits_positive"` // hits on 挂证 ads
	Negatives   int     `json:"hits_negative"` // hits on everything else
	Precision   float64 `json:"precision"`     // Positives / (Positives + Negatives)
}

// Miss is an item the classifier got wrong.
type Miss struct {
	ID     string   `json:"id"`
	Source string   `json:"source"`
	Label  string   `json:"label"`
	Want   string   `json:"want"` // expected role for ads
	Got    string   `json:"got"`
	Score  float64  `json:"score"`
	Rules  []string `json:"rules"`
	Title  string   `json:"title"`
}

// Report is the result of scoring a labeled corpus.
type Report struct {
	RuleSet        string         `json:"ruleset"`
	Items          int            `json:"items"`
	TP, FP, FN, TN int            `json:"-"`
	Precision      float64        `json:"precision"`
	Recall         float64        `json:"recall"`
	F1             float64        `json:"f1"`
	ObfRecall      float64        `json:"obfuscated_recall"`
	ObfItems       int            `json:"obfuscated_items"`
	RoleAccuracy   float64        `json:"role_accuracy"`
	FPByLabel      map[string]int `json:"false_positives_by_label"`
	ItemsByLabel   map[string]int `json:"items_by_label"`
	PhoneRecall    float64        `json:"phone_recall"`
	WeChatRecall   float64        `json:"wechat_recall"`
	QQRecall       float64        `json:"qq_recall"`
	ContactRecall  float64        `json:"contact_recall"` // phones, WeChat and QQ together
	Rules          []RuleStat     `json:"rules"`
	FalseNegatives []Miss         `json:"false_negatives"`
	FalsePositives []Miss         `json:"false_positives"`
	WrongRoles     []Miss         `json:"wrong_roles"`
	ExtractMisses  []string       `json:"extraction_misses"`
}

// Evaluate classifies every item (evaluating every rule) and scores the result.
func Evaluate(e *Engine, items []Item) *Report {
	verdicts := make([]guazheng.Verdict, len(items))
	for i := range items {
		verdicts[i] = e.ClassifyFull(items[i].Title, items[i].Text)
	}
	return score(e, items, verdicts)
}

// score computes a report from the verdicts given to items; e supplies the
// rule list of the per-rule table.
func score(e *Engine, items []Item, verdicts []guazheng.Verdict) *Report {
	rep := &Report{RuleSet: e.Version(), Items: len(items), FPByLabel: map[string]int{}, ItemsByLabel: map[string]int{}}
	hitsPos, hitsNeg := map[string]int{}, map[string]int{}
	var obfTP, roleOK int
	var want, found [3]int
	for i := range items {
		it := &items[i]
		v := verdicts[i]
		rep.ItemsByLabel[it.Label]++
		var names []string
		for _, fr := range v.Rules {
			names = append(names, fr.Rule)
			if it.Positive() {
				hitsPos[fr.Rule]++
			} else {
				hitsNeg[fr.Rule]++
			}
		}
		miss := Miss{ID: it.ID, Source: it.Source, Label: it.Label, Want: it.Role, Got: string(v.Role), Score: v.Score, Rules: names, Title: it.Title}
		if miss.Title == "" {
			miss.Title = firstRunes(it.Text, 40)
		}
		switch {
		case it.Positive() && v.Flagged:
			rep.TP++
			if it.Obfuscated {
				obfTP++
			}
			if string(v.Role) == it.Role {
				roleOK++
			} else {
				rep.WrongRoles = append(rep.WrongRoles, miss)
			}
		case it.Positive():
			rep.FN++
			rep.FalseNegatives = append(rep.FalseNegatives, miss)
		case v.Flagged:
			rep.FP++
			rep.FPByLabel[it.Label]++
			rep.FalsePositives = append(rep.FalsePositives, miss)
		default:
			rep.TN++
		}
		if it.Positive() && it.Obfuscated {
			rep.ObfItems++
		}
		for k, pair := range [3][2][]string{{it.Phones, v.Phones}, {it.WeChat, v.WeChat}, {it.QQ, v.QQ}} {
			for _, w := range pair[0] {
				want[k]++
				if slices.Contains(pair[1], strings.ToLower(w)) {
					found[k]++
				} else {
					rep.ExtractMisses = append(rep.ExtractMisses, fmt.Sprintf("%s %s: %s %q not found (got %q)", it.Source, it.ID, [3]string{"phone", "wechat", "qq"}[k], w, pair[1]))
				}
			}
		}
	}
	rep.Precision = ratio(rep.TP, rep.TP+rep.FP)
	rep.Recall = ratio(rep.TP, rep.TP+rep.FN)
	if rep.Precision+rep.Recall > 0 {
		rep.F1 = 2 * rep.Precision * rep.Recall / (rep.Precision + rep.Recall)
	}
	rep.ObfRecall = ratio(obfTP, rep.ObfItems)
	rep.RoleAccuracy = ratio(roleOK, rep.TP)
	rep.PhoneRecall = ratio(found[0], want[0])
	rep.WeChatRecall = ratio(found[1], want[1])
	rep.QQRecall = ratio(found[2], want[2])
	rep.ContactRecall = ratio(found[0]+found[1]+found[2], want[0]+want[1]+want[2])
	for i := range e.rules {
		r := e.rules[i].r
		p, n := hitsPos[r.Name], hitsNeg[r.Name]
		rep.Rules = append(rep.Rules, RuleStat{Rule: r.Name, Score: r.Score, Description: r.Description, Positives: p, Negatives: n, Precision: ratio(p, p+n)})
	}
	sort.SliceStable(rep.Rules, func(i, j int) bool { return rep.Rules[i].Rule < rep.Rules[j].Rule })
	return rep
}

// FPRate is the share of items with the given labels that were flagged.
func (r *Report) FPRate(labels ...string) float64 {
	fp, n := 0, 0
	for _, l := range labels {
		fp += r.FPByLabel[l]
		n += r.ItemsByLabel[l]
	}
	return ratio(fp, n)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func firstRunes(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}

// WriteText prints the report for a terminal.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "rule set %s, %d items\n\n", r.RuleSet, r.Items)
	fmt.Fprintf(w, "precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d, TN %d)\n", r.Precision, r.Recall, r.F1, r.TP, r.FP, r.FN, r.TN)
	fmt.Fprintf(w, "recall on obfuscated ads %.3f (%d items)\n", r.ObfRecall, r.ObfItems)
	fmt.Fprintf(w, "role accuracy %.3f (on %d flagged ads)\n", r.RoleAccuracy, r.TP)
	fmt.Fprintf(w, "extraction recall: phones %.3f, WeChat %.3f, QQ %.3f, together %.3f\n", r.PhoneRecall, r.WeChatRecall, r.QQRecall, r.ContactRecall)
	fmt.Fprintf(w, "false positives by label:")
	for _, l := range Labels {
		if l == "guazheng" {
			continue
		}
		fmt.Fprintf(w, "  %s %d/%d", l, r.FPByLabel[l], r.ItemsByLabel[l])
	}
	fmt.Fprintf(w, "\nfalse-positive rate among news and discussion %.3f\n\n", r.FPRate("news", "discussion"))
	fmt.Fprintf(w, "%-26s %6s %6s %6s %9s  %s\n", "rule", "score", "pos", "neg", "precision", "description")
	for _, s := range r.Rules {
		fmt.Fprintf(w, "%-26s %6.2f %6d %6d %9.3f  %s\n", s.Rule, s.Score, s.Positives, s.Negatives, s.Precision, guazheng.SafeLog(s.Description))
	}
	list := func(title string, ms []Miss) {
		if len(ms) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(ms))
		for _, m := range ms {
			fmt.Fprintf(w, "  %s %s [%s want %s got %s] score %.2f %s  %s\n", m.Source, m.ID, m.Label, m.Want, m.Got, m.Score, strings.Join(m.Rules, ","), guazheng.SafeLog(m.Title))
		}
	}
	list("false negatives", r.FalseNegatives)
	list("false positives", r.FalsePositives)
	list("wrong roles", r.WrongRoles)
	if len(r.ExtractMisses) > 0 {
		fmt.Fprintf(w, "\nextraction misses (%d):\n", len(r.ExtractMisses))
		for _, m := range r.ExtractMisses {
			fmt.Fprintf(w, "  %s\n", guazheng.SafeLog(m))
		}
	}
}
