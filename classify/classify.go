package classify

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/ac"
	"github.com/guazheng/guazheng/classify/normalize"
	"github.com/guazheng/guazheng/classify/stat"
)

// maxSpans bounds the spans reported per rule.
const maxSpans = 8

// span is a byte range; in candidates it is in normalised text, once a rule
// has fired it is in the original "title\ntext" string.
type span struct{ s, e int }

// cand is a keyword candidate: a normalised span and which term matched.
type cand struct {
	span
	term int
}

// run is the per-call state of one classification.
type run struct {
	e        *Engine
	t        *normalize.Text
	matches  []ac.Match
	cands    [][]cand // keyword candidates per rule (normalised offsets)
	nearA    [][]span
	nearB    [][]span
	gate     []bool
	poss     []bool
	can      []bool // stagedBound: rule i can still fire
	must     []bool // stagedBound: rule i surely fires
	fired    []bool
	spans    [][]span // original offsets per fired rule
	bounds   map[span][]int
	ents     guazheng.Entities
	prob     float64
	top      stat.TopKeys // the features that raised prob most
	scratch  stat.Scratch
	scored   bool // prob and top are computed
	feats    []uint64
	roleKeys []uint64 // feats and the keys of the rules that fired, for the role model
	// amounts are computed on first use
	amountsDone bool
	amountSpans []span
	// quotes are the quoted stretches of the normalised text (with
	// settings.ignore_quoted), origQuotes the same in original offsets.
	quotes, origQuotes []span
}

// RoleFeatures returns the names of the rules that fire on a post, the
// statistical bands left out: with the text, they are what the role model is
// trained on (stat.RoleExample.Rules).
func (e *Engine) RoleFeatures(title, text string) []string {
	v := e.classify(title, text, true)
	var out []string
	for _, fr := range v.Rules {
		if !e.isBand(fr.Rule) && fr.Rule != "STAT_ROLE" {
			out = append(out, fr.Rule)
		}
	}
	return out
}

// isBand reports whether name is a statistical band of the rule set.
func (e *Engine) isBand(name string) bool {
	for _, b := range e.set.Settings.Bands {
		if b.Name == name {
			return true
		}
	}
	return false
}

// Classify implements guazheng.Classifier.
func (e *Engine) Classify(title, text string) guazheng.Verdict {
	return e.classify(title, text, false)
}

// ClassifyFull evaluates every rule, even when the post cannot reach the
// threshold; evaluations and inline tests use it to see every rule that fires.
func (e *Engine) ClassifyFull(title, text string) guazheng.Verdict {
	return e.classify(title, text, true)
}

func (e *Engine) classify(title, text string, full bool) guazheng.Verdict {
	n := len(e.rules)
	r := e.getRun(n)
	defer e.putRun(r)
	r.t = e.norm.Normalize(title + "\n" + text)
	norm := r.t.Norm
	r.matches = e.auto.FindAll(r.matches[:0], norm)
	if e.set.Settings.IgnoreQuoted {
		r.findQuotes()
	}
	for _, m := range r.matches {
		for _, u := range e.uses[m.ID] {
			sp := span{m.Start, m.End}
			if u.part != partGate && len(r.quotes) > 0 && !e.rules[u.rule].r.Quoted && r.inQuotes(sp) {
				continue
			}
			switch u.part {
			case partKeyword:
				r.cands[u.rule] = append(r.cands[u.rule], cand{sp, u.term})
			case partNearA:
				r.nearA[u.rule] = append(r.nearA[u.rule], sp)
			case partNearB:
				r.nearB[u.rule] = append(r.nearB[u.rule], sp)
			case partGate:
				r.gate[u.rule] = true
			}
		}
	}
	r.extract()
	v := guazheng.Verdict{RuleSet: e.Version()}
	if !full {
		// The highest score still reachable; the statistical band is known
		// exactly once the model has run, which is cheap next to the rules.
		b, maxBand := r.bound()
		if b < e.Threshold() {
			r.finishEntities(&v, title)
			return v
		}
		if e.model != nil && b-maxBand+r.bandScore() < e.Threshold() {
			r.finishEntities(&v, title)
			return v
		}
	}
	if full {
		for i := range e.rules {
			r.evalRule(i)
		}
	} else {
		// Rules that need no segmentation first; if the post then cannot
		// reach the threshold whatever the segmented rules say, stop.
		for i := 0; i < e.firstExpr; i++ {
			if !e.segmented(i) {
				r.evalRule(i)
			}
		}
		if r.stagedBound() < e.Threshold() {
			r.finishEntities(&v, title)
			return v
		}
		for i := 0; i < e.firstExpr; i++ {
			if e.segmented(i) {
				r.evalRule(i)
			}
		}
		for i := e.firstExpr; i < len(e.rules); i++ {
			r.evalRule(i)
		}
	}
	var byRole = map[guazheng.Role]float64{}
	for i := range e.rules {
		if !r.fired[i] {
			continue
		}
		cr := &e.rules[i]
		fr := guazheng.FiredRule{
			Rule:        cr.r.Name,
			Score:       cr.r.Score,
			Description: cr.r.Description,
			Role:        cr.r.Role,
			Spans:       r.fieldSpans(r.spans[i], title),
		}
		if cr.band != nil {
			fr.Description = fmt.Sprintf("%s（模型概率 %.2f；特征：%s）", cr.r.Description, r.prob, strings.Join(r.top.Strings(), "、"))
		}
		v.Score += cr.r.Score
		if cr.r.Role != "" {
			// A scoring rule votes with its score, a sub-rule with 1.
			byRole[cr.r.Role] += max(cr.r.Score, 0) + b2f(cr.r.Score == 0)
		}
		v.Rules = append(v.Rules, fr)
	}
	v.Score = round2(v.Score)
	v.Flagged = v.Score >= e.Threshold()
	if w := e.set.Settings.RoleWeight; v.Flagged && w > 0 && e.model != nil && e.model.Roles != nil {
		r.scoreModel()
		r.roleKeys = append(r.roleKeys[:0], r.feats...)
		for i := range e.rules {
			if r.fired[i] && e.rules[i].band == nil {
				r.roleKeys = append(r.roleKeys, e.rules[i].key)
			}
		}
		p := e.model.Roles.ProbsKeysScratch(r.roleKeys, &r.scratch)
		best := 0
		for k := range p {
			byRole[guazheng.Role(stat.RoleNames[k])] += w * p[k]
			if p[k] > p[best] {
				best = k
			}
		}
		role := guazheng.Role(stat.RoleNames[best])
		v.Rules = append(v.Rules, guazheng.FiredRule{
			Rule:        "STAT_ROLE",
			Description: fmt.Sprintf("统计模型判定发布者为%s（概率 %.2f；收证方 %.2f，出证方 %.2f，中介 %.2f）", role.Chinese(), p[best], p[0], p[1], p[2]),
			Role:        role,
		})
	}
	if v.Flagged {
		v.Role = pickRole(byRole, e.set.Settings.DefaultRole)
	}
	r.finishEntities(&v, title)
	return v
}

// getRun takes a run from the engine's pool, with per-rule slices of
// length n, all empty.
func (e *Engine) getRun(n int) *run {
	r, _ := e.runs.Get().(*run)
	if r == nil || len(r.fired) != n {
		return &run{
			e:     e,
			cands: make([][]cand, n),
			nearA: make([][]span, n),
			nearB: make([][]span, n),
			gate:  make([]bool, n),
			poss:  make([]bool, n),
			can:   make([]bool, n),
			must:  make([]bool, n),
			fired: make([]bool, n),
			spans: make([][]span, n),
		}
	}
	return r
}

// putRun clears a run and returns it to the pool. Spans handed out in a
// verdict were copied, so the slices can be reused.
func (e *Engine) putRun(r *run) {
	for i := range r.fired {
		r.cands[i] = r.cands[i][:0]
		r.nearA[i] = r.nearA[i][:0]
		r.nearB[i] = r.nearB[i][:0]
		r.spans[i] = nil
	}
	clear(r.gate)
	clear(r.poss)
	clear(r.fired)
	clear(r.bounds)
	r.t = nil
	r.ents = guazheng.Entities{}
	r.prob, r.top, r.scored = 0, stat.TopKeys{}, false
	r.feats = r.feats[:0]
	r.roleKeys = r.roleKeys[:0]
	r.amountsDone, r.amountSpans = false, nil
	r.quotes, r.origQuotes = r.quotes[:0], r.origQuotes[:0]
	e.runs.Put(r)
}

// quotePairs are the quotation marks whose content is someone else's words.
var quotePairs = [][2]string{{"“", "”"}, {"「", "」"}, {"『", "』"}}

// findQuotes records the stretches between matching quotation marks (at
// most 300 bytes apart, on one line).
func (r *run) findQuotes() {
	n := r.t.Norm
	for _, q := range quotePairs {
		for off := 0; ; {
			i := strings.Index(n[off:], q[0])
			if i < 0 {
				break
			}
			s := off + i + len(q[0])
			j := strings.Index(n[s:], q[1])
			if j < 0 || j > 300 || strings.Contains(n[s:s+j], "\n") {
				off = s
				continue
			}
			r.quotes = append(r.quotes, span{s, s + j})
			os, oe := r.t.OrigRange(s, s+j)
			r.origQuotes = append(r.origQuotes, span{os, oe})
			off = s + j + len(q[1])
		}
	}
}

// inQuotes reports whether sp lies inside a quoted stretch (normalised offsets).
func (r *run) inQuotes(sp span) bool { return within(r.quotes, sp) }

func within(qs []span, sp span) bool {
	for _, q := range qs {
		if sp.s >= q.s && sp.e <= q.e {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}

// pickRole takes the role with the most votes; ties go to broker, then
// buyer; with no votes at all, def (broker when unset).
func pickRole(by map[guazheng.Role]float64, def guazheng.Role) guazheng.Role {
	best := def
	if best == "" {
		best = guazheng.RoleBroker
	}
	bestScore := 0.0
	for _, role := range []guazheng.Role{guazheng.RoleBroker, guazheng.RoleBuyer, guazheng.RoleSeller} {
		if by[role] > bestScore {
			best, bestScore = role, by[role]
		}
	}
	return best
}

// scoreModel runs the statistical model once.
func (r *run) scoreModel() {
	if r.scored || r.e.model == nil {
		return
	}
	r.scored = true
	r.feats = stat.AppendKeys(r.t.Norm, r.feats)
	r.prob, r.top = r.e.model.ScoreKeysScratch(r.feats, &r.scratch)
}

// bandScore is the score of the band the model's probability falls in.
func (r *run) bandScore() float64 {
	r.scoreModel()
	for i := r.e.firstBand; i < r.e.firstExpr; i++ {
		b := r.e.rules[i].band
		if r.prob >= b.Min && r.prob < b.Max {
			return b.Score
		}
	}
	return 0
}

// segmented reports whether base rule i needs word boundaries from
// segmentation, the costly part of evaluating it.
func (e *Engine) segmented(i int) bool {
	cr := &e.rules[i]
	return cr.words && (cr.kind == kindKeywords || cr.kind == kindNear)
}

// stagedBound is the highest score the post could still reach once every
// base rule that needs no segmentation has been evaluated: those count as
// they fired, the segmented ones as bound found them possible, and
// combinations are evaluated three-valued (can be true, must be true), so a
// negative rule that must fire lowers the bound.
func (r *run) stagedBound() float64 {
	e := r.e
	total := 0.0
	for i := range e.rules {
		cr := &e.rules[i]
		switch {
		case i >= e.firstExpr:
			r.can[i], r.must[i] = cr.exprIdx.bounds(r.can, r.must)
		case e.segmented(i):
			r.can[i], r.must[i] = r.poss[i], false
		default:
			r.can[i], r.must[i] = r.fired[i], r.fired[i]
		}
		if cr.r.Score > 0 && r.can[i] || cr.r.Score < 0 && r.must[i] {
			total += cr.r.Score
		}
	}
	return total
}

// bound is the highest score the post could still reach: the sum of the
// positive scores of every rule that could fire, with the highest band.
// It also returns that band score.
func (r *run) bound() (float64, float64) {
	e := r.e
	total := 0.0
	maxBand := 0.0
	for i := range e.rules {
		cr := &e.rules[i]
		switch {
		case cr.band != nil:
			r.poss[i] = true
			if cr.r.Score > maxBand {
				maxBand = cr.r.Score
			}
			continue
		case cr.kind == kindKeywords:
			r.poss[i] = distinctTerms(r.cands[i], nil) >= max(cr.r.Min, 1)
		case cr.kind == kindNear:
			r.poss[i] = (len(r.nearA[i]) > 0 || r.anyFact(cr.nearFactsA)) && (len(r.nearB[i]) > 0 || r.anyFact(cr.nearFactsB))
		case cr.kind == kindRegex:
			r.poss[i] = !cr.gated || r.gate[i]
		case cr.kind == kindFact:
			r.poss[i] = r.fact(cr.r.Fact) != nil
		case cr.kind == kindExpr:
			r.poss[i] = cr.exprIdx.possible(r.poss)
		}
		if r.poss[i] && cr.r.Score > 0 {
			total += cr.r.Score
		}
	}
	return total + maxBand, maxBand
}

func (r *run) evalRule(i int) {
	e := r.e
	cr := &e.rules[i]
	norm := r.t.Norm
	var got []span // normalised offsets
	switch {
	case cr.band != nil:
		r.scoreModel()
		if r.prob >= cr.band.Min && r.prob < cr.band.Max {
			r.fired[i] = true
		}
		return
	case cr.kind == kindKeywords:
		var ok []cand
		for _, c := range r.cands[i] {
			if !cr.words || r.onBoundaries(c.span) {
				ok = append(ok, c)
				got = append(got, c.span)
			}
		}
		if distinctTerms(ok, nil) < max(cr.r.Min, 1) {
			return
		}
	case cr.kind == kindNear:
		r.near(i, cr)
		return
	case cr.kind == kindRegex:
		if cr.gated && !r.gate[i] {
			return
		}
		for _, re := range cr.regex {
			for _, loc := range re.FindAllStringIndex(norm, maxSpans) {
				sp := span{loc[0], loc[1]}
				if len(r.quotes) > 0 && !cr.r.Quoted && r.inQuotes(sp) {
					continue
				}
				got = append(got, sp)
			}
		}
	case cr.kind == kindFact:
		sp := r.fact(cr.r.Fact)
		if sp == nil {
			return
		}
		r.fired[i] = true
		r.spans[i] = sp
		return
	case cr.kind == kindExpr:
		if !cr.exprIdx.eval(r.fired) {
			return
		}
		r.fired[i] = true
		var sp []span
		for _, ref := range cr.exprIdx.positiveRefs(r.fired, nil) {
			sp = append(sp, r.spans[ref]...)
		}
		r.spans[i] = dedupeSpans(sp)
		return
	}
	if len(got) == 0 {
		return
	}
	r.fired[i] = true
	sp := make([]span, 0, len(got))
	for _, g := range got {
		s, e := r.t.OrigRange(g.s, g.e)
		sp = append(sp, span{s, e})
	}
	r.spans[i] = dedupeSpans(sp)
}

// near fires rule i when a term of A and a term of B stand at most Within
// characters apart. Candidates become original spans first (after the
// word-boundary check), so "$fact" terms — the spans of an extracted entity —
// mix with keyword terms; the gap counts the original characters between them.
func (r *run) near(i int, cr *crule) {
	side := func(cands []span, facts []string) []span {
		var out []span
		for _, c := range cands {
			if cr.words && !r.onBoundaries(c) {
				continue
			}
			s, e := r.t.OrigRange(c.s, c.e)
			out = append(out, span{s, e})
		}
		for _, f := range facts {
			out = append(out, r.fact(f)...)
		}
		return out
	}
	as := side(r.nearA[i], cr.nearFactsA)
	if len(as) == 0 {
		return
	}
	bs := side(r.nearB[i], cr.nearFactsB)
	orig := r.t.Orig
	var out []span
	for _, a := range as {
		for _, b := range bs {
			if a.s < b.e && b.s < a.e {
				continue // the same or overlapping text
			}
			var gap int
			switch {
			case a.e <= b.s:
				gap = utf8.RuneCountInString(orig[a.e:b.s])
			case cr.r.Near.Ordered:
				continue
			default:
				gap = utf8.RuneCountInString(orig[b.e:a.s])
			}
			if gap > cr.r.Near.Within {
				continue
			}
			out = append(out, a, b)
		}
		if len(out) >= 2*maxSpans {
			break
		}
	}
	if len(out) > 0 {
		r.fired[i] = true
		r.spans[i] = dedupeSpans(out)
	}
}

// distinctTerms counts the different terms among candidates.
func distinctTerms(cs []cand, seen map[int]bool) int {
	if len(cs) <= 1 {
		return len(cs)
	}
	first, n := cs[0].term, 1
	for _, c := range cs[1:] {
		if c.term != first {
			if seen == nil {
				seen = map[int]bool{first: true}
			}
			if !seen[c.term] {
				seen[c.term] = true
				n++
			}
		}
	}
	return n
}

func (r *run) anyFact(names []string) bool {
	for _, n := range names {
		if r.fact(n) != nil {
			return true
		}
	}
	return false
}

// onBoundaries reports whether the normalised span starts and ends where
// words start and end, segmenting only the sentence around it.
func (r *run) onBoundaries(c span) bool {
	norm := r.t.Norm
	a, b := sentence(norm, c.s, c.e)
	key := span{a, b}
	if r.bounds == nil {
		r.bounds = map[span][]int{}
	}
	bs, ok := r.bounds[key]
	if !ok {
		bs = r.e.seg.Boundaries(nil, norm[a:b])
		for i := range bs {
			bs[i] += a
		}
		r.bounds[key] = bs
	}
	has := func(x int) bool {
		i := sort.SearchInts(bs, x)
		return i < len(bs) && bs[i] == x
	}
	return has(c.s) && has(c.e)
}

// sentence returns the clause around [s,e): up to the nearest punctuation or
// line break on each side, at most 48 characters away.
func sentence(norm string, s, e int) (int, int) {
	a := s
	for n := 0; a > 0 && n < 48; n++ {
		r, size := utf8.DecodeLastRuneInString(norm[:a])
		if isClauseBreak(r) {
			break
		}
		a -= size
	}
	b := e
	for n := 0; b < len(norm) && n < 48; n++ {
		r, size := utf8.DecodeRuneInString(norm[b:])
		if isClauseBreak(r) {
			break
		}
		b += size
	}
	return a, b
}

func isClauseBreak(r rune) bool {
	switch r {
	case '\n', '\r', ' ', '\t', '。', '，', '！', '？', '；', '：', '、', ',', '!', '?', ';', ':',
		'(', ')', '（', '）', '【', '】', '[', ']', '「', '」', '《', '》', '"', '“', '”', '|', '/':
		return true
	}
	return false
}

// dedupeSpans sorts spans and merges overlapping ones, so a highlight never
// covers the same text twice.
func dedupeSpans(sp []span) []span {
	if len(sp) == 0 {
		return nil
	}
	sort.Slice(sp, func(i, j int) bool {
		if sp[i].s != sp[j].s {
			return sp[i].s < sp[j].s
		}
		return sp[i].e > sp[j].e
	})
	out := sp[:1]
	for _, x := range sp[1:] {
		last := &out[len(out)-1]
		if x.s < last.e {
			last.e = max(last.e, x.e)
			continue
		}
		out = append(out, x)
	}
	if len(out) > maxSpans {
		out = out[:maxSpans]
	}
	return out
}

// fieldSpans turns spans of "title\ntext" into spans of the original fields.
func (r *run) fieldSpans(sp []span, title string) []guazheng.Span {
	if len(sp) == 0 {
		return nil
	}
	orig := r.t.Orig
	tl := len(title)
	out := make([]guazheng.Span, 0, len(sp))
	for _, x := range sp {
		s, e := x.s, x.e
		if s < tl {
			if e > tl {
				e = tl
			}
			out = append(out, guazheng.Span{Field: "title", Start: s, End: e, Text: orig[s:e]})
			continue
		}
		if s == tl {
			s++
		}
		if e <= s {
			continue
		}
		out = append(out, guazheng.Span{Field: "text", Start: s - tl - 1, End: e - tl - 1, Text: orig[s:e]})
	}
	return out
}
