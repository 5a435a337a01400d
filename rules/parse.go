package rules

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/guazheng/guazheng"
)

var errorsIs = errors.Is

// parser accumulates the files of one directory into a Set.
type parser struct {
	set         *Set
	listPos     map[string]Pos
	rulePos     map[string]Pos
	rawLists    map[string][]item
	rawRules    []*rawRule
	settingsPos *Pos
}

// item is a scalar with its position.
type item struct {
	s   string
	pos Pos
}

type rawRule struct {
	r        *Rule
	keywords []item
	exprPos  Pos
	regexPos []Pos
	nearA    []item
	nearB    []item
}

func (p *parser) parseFile(name string, src []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return fmt.Errorf("rules %s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return nil // empty file
	}
	root := doc.Content[0]
	at := func(n *yaml.Node) Pos { return Pos{name, n.Line} }
	if root.Kind != yaml.MappingNode {
		return errAt(at(root), "top level must be a mapping with keys settings, variants, lists, rules")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var err error
		switch k.Value {
		case "settings":
			err = p.parseSettings(name, v)
		case "variants":
			err = p.parseVariants(name, v)
		case "lists":
			err = p.parseLists(name, v)
		case "rules":
			err = p.parseRules(name, v)
		default:
			err = errAt(at(k), "unknown top-level key %q (want settings, variants, lists or rules)", k.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) parseSettings(file string, n *yaml.Node) error {
	pos := Pos{file, n.Line}
	if p.settingsPos != nil {
		return errAt(pos, "settings given twice (first at %s)", p.settingsPos)
	}
	p.settingsPos = &pos
	st := &p.set.Settings
	st.Pos = pos
	seenThreshold := false
	err := eachField(file, n, func(key string, v *yaml.Node) error {
		switch key {
		case "version":
			return scalarString(file, v, &st.Version)
		case "threshold":
			seenThreshold = true
			return scalarFloat(file, v, &st.Threshold)
		case "default_role":
			return scalarRole(file, v, &st.DefaultRole)
		case "role_weight":
			return scalarFloat(file, v, &st.RoleWeight)
		case "ignore_quoted":
			return scalarBool(file, v, &st.IgnoreQuoted)
		case "bayes":
			if v.Kind != yaml.SequenceNode {
				return errAt(Pos{file, v.Line}, "settings.bayes must be a list of bands")
			}
			for _, bn := range v.Content {
				b := Band{Pos: Pos{file, bn.Line}, Max: 1.0000001}
				err := eachField(file, bn, func(key string, v *yaml.Node) error {
					switch key {
					case "name":
						return scalarString(file, v, &b.Name)
					case "description":
						return scalarString(file, v, &b.Description)
					case "min":
						return scalarFloat(file, v, &b.Min)
					case "max":
						return scalarFloat(file, v, &b.Max)
					case "score":
						return scalarFloat(file, v, &b.Score)
					case "role":
						return scalarRole(file, v, &b.Role)
					}
					return errAt(Pos{file, v.Line}, "unknown field %q in a bayes band (want name, description, min, max, score, role)", key)
				})
				if err != nil {
					return err
				}
				if !nameRE.MatchString(b.Name) {
					return errAt(b.Pos, "bayes band name %q must be upper case letters, digits and _", b.Name)
				}
				if b.Min < 0 || b.Max <= b.Min {
					return errAt(b.Pos, "bayes band %s: need 0 ≤ min < max", b.Name)
				}
				st.Bands = append(st.Bands, b)
			}
			return nil
		}
		return errAt(Pos{file, v.Line}, "unknown settings field %q (want version, threshold, default_role, role_weight, ignore_quoted, bayes)", key)
	})
	if err != nil {
		return err
	}
	if !seenThreshold || st.Threshold <= 0 {
		return errAt(pos, "settings.threshold must be given and positive")
	}
	if st.Version == "" {
		return errAt(pos, "settings.version must be given")
	}
	return nil
}

func (p *parser) parseVariants(file string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return errAt(Pos{file, n.Line}, "variants must map a character to its look-alikes, e.g. 挂: 桂卦圭")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		pos := Pos{file, k.Line}
		kr := []rune(k.Value)
		if len(kr) != 1 {
			return errAt(pos, "variant key %q must be a single character", k.Value)
		}
		var alts []string
		switch v.Kind {
		case yaml.ScalarNode:
			for _, r := range v.Value {
				alts = append(alts, string(r))
			}
		case yaml.SequenceNode:
			for _, a := range v.Content {
				alts = append(alts, a.Value)
			}
		default:
			return errAt(pos, "variants of %q must be a string or a list of characters", k.Value)
		}
		for _, a := range alts {
			ar := []rune(strings.TrimSpace(a))
			if len(ar) != 1 {
				return errAt(pos, "variant %q of %q must be a single character", a, k.Value)
			}
			if ar[0] == kr[0] {
				continue
			}
			p.set.Variants[kr[0]] = appendUniqueRune(p.set.Variants[kr[0]], ar[0])
		}
	}
	return nil
}

func appendUniqueRune(rs []rune, r rune) []rune {
	for _, x := range rs {
		if x == r {
			return rs
		}
	}
	return append(rs, r)
}

func (p *parser) parseLists(file string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return errAt(Pos{file, n.Line}, "lists must map a NAME to a list of terms")
	}
	if p.rawLists == nil {
		p.rawLists = map[string][]item{}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		pos := Pos{file, k.Line}
		if !nameRE.MatchString(k.Value) {
			return errAt(pos, "list name %q must be upper case letters, digits and _", k.Value)
		}
		if prev, ok := p.listPos[k.Value]; ok {
			return errAt(pos, "list %s defined twice (first at %s)", k.Value, prev)
		}
		p.listPos[k.Value] = pos
		items, err := stringItems(file, v, "list "+k.Value)
		if err != nil {
			return err
		}
		p.rawLists[k.Value] = items
	}
	return nil
}

func (p *parser) parseRules(file string, n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return errAt(Pos{file, n.Line}, "rules must be a list")
	}
	for _, rn := range n.Content {
		rr := &rawRule{r: &Rule{Pos: Pos{file, rn.Line}, Mode: ModeWords}}
		r := rr.r
		kinds := 0
		err := eachField(file, rn, func(key string, v *yaml.Node) error {
			vp := Pos{file, v.Line}
			switch key {
			case "name":
				return scalarString(file, v, &r.Name)
			case "description":
				return scalarString(file, v, &r.Description)
			case "score":
				return scalarFloat(file, v, &r.Score)
			case "role":
				return scalarRole(file, v, &r.Role)
			case "variants":
				return scalarBool(file, v, &r.Variants)
			case "quoted":
				return scalarBool(file, v, &r.Quoted)
			case "min":
				var f float64
				if err := scalarFloat(file, v, &f); err != nil {
					return err
				}
				if f < 1 || f != float64(int(f)) {
					return errAt(vp, "min must be a whole number ≥ 1")
				}
				r.Min = int(f)
				return nil
			case "words", "text":
				kinds++
				if key == "text" {
					r.Mode = ModeText
				}
				items, err := stringItems(file, v, key)
				rr.keywords = items
				return err
			case "regex":
				kinds++
				items, err := stringItems(file, v, key)
				for _, it := range items {
					r.Regex = append(r.Regex, it.s)
					rr.regexPos = append(rr.regexPos, it.pos)
				}
				return err
			case "expr":
				kinds++
				rr.exprPos = vp
				return scalarString(file, v, &r.Expr)
			case "fact":
				kinds++
				if err := scalarString(file, v, &r.Fact); err != nil {
					return err
				}
				if _, ok := Facts[r.Fact]; !ok {
					return errAt(vp, "unknown fact %q (known: %s)", r.Fact, factNames())
				}
				return nil
			case "near":
				kinds++
				r.Near = &Near{}
				return eachField(file, v, func(key string, v *yaml.Node) error {
					var err error
					switch key {
					case "a":
						rr.nearA, err = stringItems(file, v, "near.a")
					case "b":
						rr.nearB, err = stringItems(file, v, "near.b")
					case "within":
						var f float64
						err = scalarFloat(file, v, &f)
						r.Near.Within = int(f)
						if err == nil && (f < 0 || f != float64(int(f))) {
							err = errAt(Pos{file, v.Line}, "near.within must be a whole number ≥ 0")
						}
					case "ordered":
						err = scalarBool(file, v, &r.Near.Ordered)
					case "mode":
						err = scalarMode(file, v, &r.Mode)
					default:
						err = errAt(Pos{file, v.Line}, "unknown field %q in near (want a, b, within, ordered, mode)", key)
					}
					return err
				})
			case "mode":
				return scalarMode(file, v, &r.Mode)
			case "tests":
				return eachField(file, v, func(key string, v *yaml.Node) error {
					items, err := stringItems(file, v, "tests."+key)
					if err != nil {
						return err
					}
					switch key {
					case "hit":
						for _, it := range items {
							r.Tests.Hit = append(r.Tests.Hit, it.s)
							r.Tests.HitPos = append(r.Tests.HitPos, it.pos)
						}
					case "miss":
						for _, it := range items {
							r.Tests.Miss = append(r.Tests.Miss, it.s)
							r.Tests.MissPos = append(r.Tests.MissPos, it.pos)
						}
					default:
						return errAt(Pos{file, v.Line}, "unknown field %q in tests (want hit, miss)", key)
					}
					return nil
				})
			}
			return errAt(vp, "unknown rule field %q (want name, description, score, role, words, text, min, regex, near, expr, fact, mode, variants, quoted, tests)", key)
		})
		if err != nil {
			return err
		}
		if !nameRE.MatchString(r.Name) {
			return errAt(r.Pos, "rule name %q must be upper case letters, digits and _ (e.g. GZ_PRICE_YEAR)", r.Name)
		}
		if prev, ok := p.rulePos[r.Name]; ok {
			return errAt(r.Pos, "rule %s defined twice (first at %s)", r.Name, prev)
		}
		p.rulePos[r.Name] = r.Pos
		if kinds != 1 {
			return errAt(r.Pos, "rule %s: give exactly one of words, text, regex, near, expr, fact (found %d)", r.Name, kinds)
		}
		if r.Description == "" {
			return errAt(r.Pos, "rule %s: description is required (it explains verdicts to reviewers)", r.Name)
		}
		if r.Min > 0 && len(rr.keywords) == 0 {
			return errAt(r.Pos, "rule %s: min goes with words or text", r.Name)
		}
		if r.Near != nil && (len(rr.nearA) == 0 || len(rr.nearB) == 0) {
			return errAt(r.Pos, "rule %s: near needs both a and b", r.Name)
		}
		for i, re := range r.Regex {
			if _, err := regexp.Compile(re); err != nil {
				return errAt(rr.regexPos[i], "rule %s: bad regex %q: %v", r.Name, re, err)
			}
		}
		if r.Score != 0 && len(r.Tests.Hit) == 0 {
			return errAt(r.Pos, "rule %s: a scoring rule needs at least one tests.hit example", r.Name)
		}
		p.rawRules = append(p.rawRules, rr)
	}
	return nil
}

// finish expands list references and wildcard names, and checks expressions,
// once every file is read.
func (p *parser) finish() error {
	s := p.set
	if p.settingsPos == nil {
		return fmt.Errorf("rules: no settings (threshold, version) in any file")
	}
	// Expand lists (which may reference lists) with cycle detection.
	expanded := map[string][]string{}
	var expand func(name string, stack []string, at Pos) ([]string, error)
	expand = func(name string, stack []string, at Pos) ([]string, error) {
		if v, ok := expanded[name]; ok {
			return v, nil
		}
		raw, ok := p.rawLists[name]
		if !ok {
			return nil, errAt(at, "unknown list @%s", name)
		}
		for _, st := range stack {
			if st == name {
				return nil, errAt(at, "list @%s includes itself (%s)", name, strings.Join(append(stack, name), " → "))
			}
		}
		var out []string
		for _, it := range raw {
			if ref, ok := strings.CutPrefix(it.s, "@"); ok {
				sub, err := expand(ref, append(stack, name), it.pos)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
			out = append(out, it.s)
		}
		expanded[name] = out
		return out, nil
	}
	terms := func(items []item) ([]string, error) {
		var out []string
		for _, it := range items {
			if ref, ok := strings.CutPrefix(it.s, "@"); ok {
				sub, err := expand(ref, nil, it.pos)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
			if strings.TrimSpace(it.s) == "" {
				return nil, errAt(it.pos, "empty term")
			}
			out = append(out, it.s)
		}
		return dedupe(out), nil
	}
	for name := range p.rawLists {
		if _, err := expand(name, nil, p.listPos[name]); err != nil {
			return err
		}
	}
	s.Lists = expanded
	names := map[string]bool{}
	for _, rr := range p.rawRules {
		names[rr.r.Name] = true
	}
	for _, b := range s.Settings.Bands {
		if names[b.Name] {
			return errAt(b.Pos, "bayes band %s has the name of a rule (at %s)", b.Name, p.rulePos[b.Name])
		}
		names[b.Name] = true
	}
	for _, rr := range p.rawRules {
		r := rr.r
		var err error
		if len(rr.keywords) > 0 {
			if r.Keywords, err = terms(rr.keywords); err != nil {
				return err
			}
		}
		if r.Near != nil {
			if r.Near.A, err = terms(rr.nearA); err != nil {
				return err
			}
			if r.Near.B, err = terms(rr.nearB); err != nil {
				return err
			}
		}
		if r.Expr != "" {
			if _, err := ParseExpr(r.Expr, names, r.Name); err != nil {
				return errAt(rr.exprPos, "rule %s: expr: %v", r.Name, err)
			}
		}
		s.Rules = append(s.Rules, r)
	}
	return nil
}

func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func factNames() string {
	var ns []string
	for n := range Facts {
		ns = append(ns, n)
	}
	sortStrings(ns)
	return strings.Join(ns, ", ")
}

func eachField(file string, n *yaml.Node, f func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return errAt(Pos{file, n.Line}, "expected a mapping of fields")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			return errAt(Pos{file, k.Line}, "field %q given twice", k.Value)
		}
		seen[k.Value] = true
		if err := f(k.Value, n.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func stringItems(file string, v *yaml.Node, what string) ([]item, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		return []item{{v.Value, Pos{file, v.Line}}}, nil
	case yaml.SequenceNode:
		out := make([]item, 0, len(v.Content))
		for _, c := range v.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, errAt(Pos{file, c.Line}, "%s: each entry must be a string", what)
			}
			out = append(out, item{c.Value, Pos{file, c.Line}})
		}
		return out, nil
	}
	return nil, errAt(Pos{file, v.Line}, "%s must be a string or a list of strings", what)
}

func scalarString(file string, v *yaml.Node, dst *string) error {
	if v.Kind != yaml.ScalarNode {
		return errAt(Pos{file, v.Line}, "expected a string")
	}
	*dst = v.Value
	return nil
}

func scalarFloat(file string, v *yaml.Node, dst *float64) error {
	f, err := strconv.ParseFloat(v.Value, 64)
	if v.Kind != yaml.ScalarNode || err != nil {
		return errAt(Pos{file, v.Line}, "expected a number, got %q", v.Value)
	}
	*dst = f
	return nil
}

func scalarBool(file string, v *yaml.Node, dst *bool) error {
	b, err := strconv.ParseBool(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil {
		return errAt(Pos{file, v.Line}, "expected true or false, got %q", v.Value)
	}
	*dst = b
	return nil
}

func scalarRole(file string, v *yaml.Node, dst *guazheng.Role) error {
	r := guazheng.Role(v.Value)
	if v.Kind != yaml.ScalarNode || !r.Valid() {
		return errAt(Pos{file, v.Line}, "role must be buyer, seller or broker, got %q", v.Value)
	}
	*dst = r
	return nil
}

func scalarMode(file string, v *yaml.Node, dst *string) error {
	if v.Value != ModeWords && v.Value != ModeText {
		return errAt(Pos{file, v.Line}, "mode must be words or text, got %q", v.Value)
	}
	*dst = v.Value
	return nil
}
