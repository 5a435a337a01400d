package classify

import "github.com/guazheng/guazheng/rules"

// exprNode is a combination expression with rule names resolved to indices.
type exprNode struct {
	op   byte // 'r' ref, '!' not, '&' and, '|' or, 'c' count
	ref  int
	subs []exprNode
	refs []int  // count operands
	cmp  string // count comparison
	n    int
}

func compileExpr(x rules.Expr, byName map[string]int) exprNode {
	switch x := x.(type) {
	case rules.Ref:
		return exprNode{op: 'r', ref: byName[x.Name]}
	case rules.Not:
		return exprNode{op: '!', subs: []exprNode{compileExpr(x.X, byName)}}
	case rules.And:
		n := exprNode{op: '&'}
		for _, s := range x.Xs {
			n.subs = append(n.subs, compileExpr(s, byName))
		}
		return n
	case rules.Or:
		n := exprNode{op: '|'}
		for _, s := range x.Xs {
			n.subs = append(n.subs, compileExpr(s, byName))
		}
		return n
	case rules.Count:
		n := exprNode{op: 'c', cmp: x.Op, n: x.N}
		for _, name := range x.Names {
			n.refs = append(n.refs, byName[name])
		}
		return n
	}
	panic("classify: unknown expression node")
}

func compare(v int, cmp string, n int) bool {
	switch cmp {
	case ">=":
		return v >= n
	case ">":
		return v > n
	case "<=":
		return v <= n
	case "<":
		return v < n
	case "==":
		return v == n
	}
	return false
}

// eval evaluates the expression over fired rules.
func (x *exprNode) eval(fired []bool) bool {
	switch x.op {
	case 'r':
		return fired[x.ref]
	case '!':
		return !x.subs[0].eval(fired)
	case '&':
		for i := range x.subs {
			if !x.subs[i].eval(fired) {
				return false
			}
		}
		return true
	case '|':
		for i := range x.subs {
			if x.subs[i].eval(fired) {
				return true
			}
		}
		return false
	case 'c':
		c := 0
		for _, r := range x.refs {
			if fired[r] {
				c++
			}
		}
		return compare(c, x.cmp, x.n)
	}
	return false
}

// possible says whether the expression could be true given which rules could
// still fire; negations and upper bounds are always possible.
func (x *exprNode) possible(poss []bool) bool {
	switch x.op {
	case 'r':
		return poss[x.ref]
	case '!':
		return true
	case '&':
		for i := range x.subs {
			if !x.subs[i].possible(poss) {
				return false
			}
		}
		return true
	case '|':
		for i := range x.subs {
			if x.subs[i].possible(poss) {
				return true
			}
		}
		return false
	case 'c':
		if x.cmp == "<" || x.cmp == "<=" {
			return true
		}
		c := 0
		for _, r := range x.refs {
			if poss[r] {
				c++
			}
		}
		switch x.cmp {
		case ">=", "==":
			return c >= x.n
		case ">":
			return c > x.n
		}
	}
	return true
}

// bounds is three-valued evaluation: whether the expression can still be
// true and whether it must be true, given for every rule whether it can fire
// and whether it has surely fired.
func (x *exprNode) bounds(can, must []bool) (bool, bool) {
	switch x.op {
	case 'r':
		return can[x.ref], must[x.ref]
	case '!':
		c, m := x.subs[0].bounds(can, must)
		return !m, !c
	case '&':
		c, m := true, true
		for i := range x.subs {
			sc, sm := x.subs[i].bounds(can, must)
			c, m = c && sc, m && sm
		}
		return c, m
	case '|':
		c, m := false, false
		for i := range x.subs {
			sc, sm := x.subs[i].bounds(can, must)
			c, m = c || sc, m || sm
		}
		return c, m
	case 'c':
		lo, hi := 0, 0 // fewest and most operands that can be true
		for _, r := range x.refs {
			if must[r] {
				lo++
			}
			if can[r] {
				hi++
			}
		}
		switch x.cmp {
		case ">=":
			return hi >= x.n, lo >= x.n
		case ">":
			return hi > x.n, lo > x.n
		case "<=":
			return lo <= x.n, hi <= x.n
		case "<":
			return lo < x.n, hi < x.n
		case "==":
			return lo <= x.n && x.n <= hi, lo == x.n && hi == x.n
		}
	}
	return true, false
}

// positiveRefs appends the rules whose firing made the expression true (for
// explanation spans): refs under no negation that fired.
func (x *exprNode) positiveRefs(fired []bool, dst []int) []int {
	switch x.op {
	case 'r':
		if fired[x.ref] {
			dst = append(dst, x.ref)
		}
	case '&', '|':
		for i := range x.subs {
			dst = x.subs[i].positiveRefs(fired, dst)
		}
	case 'c':
		for _, r := range x.refs {
			if fired[r] {
				dst = append(dst, r)
			}
		}
	}
	return dst
}
