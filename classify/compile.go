// Package classify decides whether a post is a 挂证 ad. It compiles a rule
// directory (package rules) into an Engine: text is normalised with an offset
// map back to the original, keywords of every rule are found in one
// Aho-Corasick pass, word-boundary checks segment only the sentences around
// candidate keywords (gse), and regular expressions, co-occurrences, entity
// facts, the statistical model and combination rules are evaluated only when
// the rules that could still fire might reach the threshold. Every verdict
// lists the rules that fired with their spans in the original text.
package classify

import (
	"bytes"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/ac"
	"github.com/guazheng/guazheng/classify/extract"
	"github.com/guazheng/guazheng/classify/normalize"
	"github.com/guazheng/guazheng/classify/segment"
	"github.com/guazheng/guazheng/classify/stat"
	"github.com/guazheng/guazheng/rules"
)

type ruleKind uint8

const (
	kindKeywords ruleKind = iota
	kindRegex
	kindNear
	kindExpr
	kindFact
)

// part says which list of a rule a pattern belongs to.
type part uint8

const (
	partKeyword part = iota
	partNearA
	partNearB
	partGate // a literal every match of the rule's regex must contain
)

type use struct {
	rule int
	part part
	term int // which term of the rule (for rules that count distinct terms)
}

// crule is a compiled rule.
type crule struct {
	r       *rules.Rule
	kind    ruleKind
	words   bool // keywords/near must sit on word boundaries
	regex   []*regexp.Regexp
	gated   bool // regex has required literals registered as gate patterns
	expr    rules.Expr
	exprIdx exprNode
	band    *rules.Band // statistical band pseudo-rule
	key     uint64      // stat.RuleKey of the name, a feature of the role model
	// nearFactsA/B are "$fact" terms of a near rule: spans of extracted entities.
	nearFactsA, nearFactsB []string
}

// Engine is a compiled rule set. It is immutable and safe for concurrent use.
type Engine struct {
	set       *rules.Set
	norm      *normalize.Normalizer
	ext       *extract.Extractor
	seg       *segment.Segmenter
	auto      *ac.Automaton
	uses      [][]use // pattern id → where it is used
	rules     []crule // keyword, regex, near, fact rules first, then bands, then exprs in dependency order
	byName    map[string]int
	model     *stat.Model
	firstBand int // index of the first band rule, len(rules) if none
	firstExpr int
	runs      sync.Pool // *run, reused across calls
}

// Options change how an Engine is built.
type Options struct {
	// Segmenter, when set, is reused instead of loading the dictionary again
	// (it must have been built from the same user dictionary).
	Segmenter *segment.Segmenter
}

// Build makes an Engine from a parsed rule set without running the inline
// tests (`guazheng rules test` reports them itself).
func Build(set *rules.Set, opt Options) (*Engine, error) { return build(set, opt) }

// Compile builds an Engine from a parsed rule set and runs every rule's
// inline tests; it fails if any test fails.
func Compile(set *rules.Set, opt Options) (*Engine, error) {
	e, err := build(set, opt)
	if err != nil {
		return nil, err
	}
	if fails := e.RunInlineTests(); len(fails) > 0 {
		var b strings.Builder
		for i, f := range fails {
			if i == 10 {
				fmt.Fprintf(&b, "\n  … and %d more", len(fails)-10)
				break
			}
			b.WriteString("\n  ")
			b.WriteString(f.Error())
		}
		return nil, fmt.Errorf("rules: %d inline test(s) failed:%s", len(fails), b.String())
	}
	return e, nil
}

func build(set *rules.Set, opt Options) (*Engine, error) {
	certs, err := extract.ParseCertTable("certs.txt", bytes.NewReader(set.Certs))
	if err != nil {
		return nil, fmt.Errorf("rules %w", err)
	}
	e := &Engine{
		set:    set,
		norm:   normalize.New(),
		ext:    extract.New(certs),
		byName: map[string]int{},
		seg:    opt.Segmenter,
	}
	if e.seg == nil {
		if e.seg, err = segment.New(set.UserDict); err != nil {
			return nil, err
		}
	}
	if set.Model != nil {
		if e.model, err = stat.Load(set.Model); err != nil {
			return nil, fmt.Errorf("rules %w", err)
		}
	}
	var pats []string
	patID := map[string]int{}
	addPat := func(p string, u use) {
		id, ok := patID[p]
		if !ok {
			id = len(pats)
			patID[p] = id
			pats = append(pats, p)
			e.uses = append(e.uses, nil)
		}
		for _, x := range e.uses[id] {
			if x == u {
				return
			}
		}
		e.uses[id] = append(e.uses[id], u)
	}
	// Non-expression rules first, in file order.
	var exprs []*rules.Rule
	for _, r := range set.Rules {
		if r.Expr != "" {
			exprs = append(exprs, r)
			continue
		}
		idx := len(e.rules)
		cr := crule{r: r, words: r.Mode == rules.ModeWords}
		terms := func(list []string, p part) error {
			for ti, t := range list {
				if f, ok := strings.CutPrefix(t, "$"); ok && r.Near != nil {
					if _, known := rules.Facts[f]; !known {
						return fmt.Errorf("rules %s: rule %s: unknown fact term %q", r.Pos, r.Name, t)
					}
					if p == partNearA {
						cr.nearFactsA = append(cr.nearFactsA, f)
					} else {
						cr.nearFactsB = append(cr.nearFactsB, f)
					}
					continue
				}
				n := e.norm.Normalize(t).Norm
				if n == "" {
					return fmt.Errorf("rules %s: rule %s: term %q is empty after normalisation", r.Pos, r.Name, t)
				}
				for _, v := range expandVariants(n, set.Variants, r.Variants) {
					addPat(v, use{idx, p, ti})
				}
			}
			return nil
		}
		switch {
		case len(r.Keywords) > 0:
			cr.kind = kindKeywords
			if err := terms(r.Keywords, partKeyword); err != nil {
				return nil, err
			}
		case r.Near != nil:
			cr.kind = kindNear
			if err := terms(r.Near.A, partNearA); err != nil {
				return nil, err
			}
			if err := terms(r.Near.B, partNearB); err != nil {
				return nil, err
			}
		case len(r.Regex) > 0:
			cr.kind = kindRegex
			var gates []string
			allGated := true
			for _, src := range r.Regex {
				re, err := regexp.Compile(src)
				if err != nil {
					return nil, fmt.Errorf("rules %s: rule %s: %w", r.Pos, r.Name, err)
				}
				cr.regex = append(cr.regex, re)
				g := requiredLiterals(src)
				if g == nil {
					allGated = false
				}
				gates = append(gates, g...)
			}
			if allGated {
				cr.gated = true
				for _, g := range gates {
					addPat(g, use{idx, partGate, 0})
				}
			}
		case r.Fact != "":
			cr.kind = kindFact
		}
		e.byName[r.Name] = idx
		e.rules = append(e.rules, cr)
	}
	e.firstBand = len(e.rules)
	if len(set.Settings.Bands) > 0 && e.model == nil {
		return nil, fmt.Errorf("rules %s: settings.bayes bands are set but the directory has no model.json (run guazheng rules train)", set.Settings.Pos)
	}
	for i := range set.Settings.Bands {
		b := &set.Settings.Bands[i]
		e.byName[b.Name] = len(e.rules)
		e.rules = append(e.rules, crule{
			r:    &rules.Rule{Name: b.Name, Description: b.Description, Score: b.Score, Role: b.Role, Pos: b.Pos},
			kind: kindFact, band: b,
		})
	}
	e.firstExpr = len(e.rules)
	// Expressions in dependency order (Kahn), cycles reported.
	names := map[string]bool{}
	for n := range e.byName {
		names[n] = true
	}
	for _, r := range exprs {
		names[r.Name] = true
	}
	parsed := map[string]rules.Expr{}
	for _, r := range exprs {
		x, err := rules.ParseExpr(r.Expr, names, r.Name)
		if err != nil {
			return nil, fmt.Errorf("rules %s: rule %s: %w", r.Pos, r.Name, err)
		}
		parsed[r.Name] = x
	}
	done := map[string]bool{}
	for len(done) < len(exprs) {
		progress := false
		for _, r := range exprs {
			if done[r.Name] {
				continue
			}
			ready := true
			for _, d := range rules.Refs(parsed[r.Name]) {
				if _, ok := e.byName[d]; !ok {
					ready = false
					break
				}
			}
			if !ready {
				continue
			}
			idx := len(e.rules)
			cr := crule{r: r, kind: kindExpr, expr: parsed[r.Name]}
			cr.exprIdx = compileExpr(parsed[r.Name], e.byName)
			e.byName[r.Name] = idx
			e.rules = append(e.rules, cr)
			done[r.Name] = true
			progress = true
		}
		if !progress {
			var cyc []string
			for _, r := range exprs {
				if !done[r.Name] {
					cyc = append(cyc, r.Name+" ("+r.Pos.String()+")")
				}
			}
			return nil, fmt.Errorf("rules: combination rules depend on each other in a cycle: %s", strings.Join(cyc, ", "))
		}
	}
	e.auto = ac.Build(pats)
	for i := range e.rules {
		e.rules[i].key = stat.RuleKey(e.rules[i].r.Name)
	}
	return e, nil
}

// expandVariants returns term and, when enabled, every spelling with declared
// look-alike characters substituted (at most 512 spellings).
func expandVariants(term string, variants map[rune][]rune, enabled bool) []string {
	out := []string{term}
	if !enabled || len(variants) == 0 {
		return out
	}
	for i, r := range []rune(term) {
		alts := variants[r]
		if len(alts) == 0 {
			continue
		}
		n := len(out)
		for _, a := range alts {
			for _, s := range out[:n] {
				rs := []rune(s)
				rs[i] = a
				out = append(out, string(rs))
				if len(out) >= 512 {
					return out
				}
			}
		}
	}
	return out
}

// requiredLiterals returns literals of which every match of the regular
// expression contains at least one, or nil if it cannot tell. Literals are
// lower-cased, since matching runs on normalised text.
func requiredLiterals(src string) []string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := required(re.Simplify())
	for _, l := range lits {
		if l == "" {
			return nil
		}
	}
	return lits
}

func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return required(re.Sub[0])
		}
	case syntax.OpCharClass:
		// A small class of single characters: any of them.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
				if len(out) > 16 {
					return nil
				}
			}
		}
		return out
	case syntax.OpConcat:
		// The child with the longest shortest literal is the most selective.
		var best []string
		bestLen := 0
		for _, s := range re.Sub {
			l := required(s)
			if l == nil {
				continue
			}
			min := len(l[0])
			for _, x := range l {
				if len(x) < min {
					min = len(x)
				}
			}
			if min > bestLen || (min == bestLen && len(l) < len(best)) {
				best, bestLen = l, min
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l := required(s)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	}
	return nil
}

// Version is the rule set's version.
func (e *Engine) Version() string { return e.set.Version() }

// Set is the parsed rule set the engine was built from.
func (e *Engine) Set() *rules.Set { return e.set }

// Segmenter is the engine's segmenter, for reuse by a reload with the same
// user dictionary.
func (e *Engine) Segmenter() *segment.Segmenter { return e.seg }

// Threshold is the score from which a post is flagged.
func (e *Engine) Threshold() float64 { return e.set.Settings.Threshold }

var _ guazheng.Classifier = (*Engine)(nil)
