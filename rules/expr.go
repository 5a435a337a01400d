package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

var sortStrings = sort.Strings

// Expr is a parsed combination expression over other rules' results.
//
//	expr   := or
//	or     := and ("||" and)*
//	and    := unary ("&&" unary)*
//	unary  := "!" unary | "(" expr ")" | NAME | count
//	count  := "count" "(" NAME ("," NAME)* ")" (">=" | ">" | "<=" | "<" | "==") NUMBER
//
// A NAME ending in * stands for every rule whose name has that prefix.
type Expr interface{ exprNode() }

// Ref is true when the named rule fired.
type Ref struct{ Name string }

// Not negates its operand.
type Not struct{ X Expr }

// And is true when all operands are.
type And struct{ Xs []Expr }

// Or is true when any operand is.
type Or struct{ Xs []Expr }

// Count compares how many of the named rules fired with N.
type Count struct {
	Names []string
	Op    string
	N     int
}

func (Ref) exprNode()   {}
func (Not) exprNode()   {}
func (And) exprNode()   {}
func (Or) exprNode()    {}
func (Count) exprNode() {}

// Refs lists the rule names an expression depends on.
func Refs(e Expr) []string {
	var out []string
	var walk func(Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case Ref:
			out = append(out, e.Name)
		case Not:
			walk(e.X)
		case And:
			for _, x := range e.Xs {
				walk(x)
			}
		case Or:
			for _, x := range e.Xs {
				walk(x)
			}
		case Count:
			out = append(out, e.Names...)
		}
	}
	walk(e)
	return out
}

// ParseExpr parses src; names holds every known rule name. A wildcard never
// stands for self, the rule the expression belongs to.
func ParseExpr(src string, names map[string]bool, self string) (Expr, error) {
	p := &exprParser{src: src, names: names, self: self}
	p.next()
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.tok != "" {
		return nil, fmt.Errorf("unexpected %q at column %d", p.tok, p.at+1)
	}
	return e, nil
}

type exprParser struct {
	src   string
	pos   int // next byte to scan
	tok   string
	at    int // column of tok
	names map[string]bool
	self  string
}

func (p *exprParser) next() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
	p.at = p.pos
	if p.pos >= len(p.src) {
		p.tok = ""
		return
	}
	for _, op := range []string{"&&", "||", ">=", "<=", "=="} {
		if strings.HasPrefix(p.src[p.pos:], op) {
			p.tok = op
			p.pos += 2
			return
		}
	}
	c := rune(p.src[p.pos])
	if c == '_' || c == '*' || unicode.IsLetter(c) || unicode.IsDigit(c) {
		start := p.pos
		for p.pos < len(p.src) {
			c := rune(p.src[p.pos])
			if c != '_' && c != '*' && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
				break
			}
			p.pos++
		}
		p.tok = p.src[start:p.pos]
		return
	}
	p.tok = string(c)
	p.pos++
}

func (p *exprParser) or() (Expr, error) {
	x, err := p.and()
	if err != nil {
		return nil, err
	}
	xs := []Expr{x}
	for p.tok == "||" {
		p.next()
		y, err := p.and()
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if len(xs) == 1 {
		return x, nil
	}
	return Or{xs}, nil
}

func (p *exprParser) and() (Expr, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	xs := []Expr{x}
	for p.tok == "&&" {
		p.next()
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if len(xs) == 1 {
		return x, nil
	}
	return And{xs}, nil
}

func (p *exprParser) unary() (Expr, error) {
	switch {
	case p.tok == "":
		return nil, fmt.Errorf("unexpected end of expression")
	case p.tok == "!":
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return Not{x}, nil
	case p.tok == "(":
		p.next()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.tok != ")" {
			return nil, fmt.Errorf("missing ) at column %d", p.at+1)
		}
		p.next()
		return x, nil
	case p.tok == "count":
		return p.count()
	}
	names, err := p.resolve(p.tok)
	if err != nil {
		return nil, err
	}
	p.next()
	if len(names) == 1 && !strings.HasSuffix(names[0], "*") {
		return Ref{names[0]}, nil
	}
	xs := make([]Expr, len(names))
	for i, n := range names {
		xs[i] = Ref{n}
	}
	return Or{xs}, nil
}

func (p *exprParser) count() (Expr, error) {
	p.next()
	if p.tok != "(" {
		return nil, fmt.Errorf("count needs ( at column %d", p.at+1)
	}
	p.next()
	c := Count{}
	for {
		names, err := p.resolve(p.tok)
		if err != nil {
			return nil, err
		}
		c.Names = append(c.Names, names...)
		p.next()
		if p.tok == ")" {
			p.next()
			break
		}
		if p.tok != "," {
			return nil, fmt.Errorf("want , or ) in count at column %d, got %q", p.at+1, p.tok)
		}
		p.next()
	}
	switch p.tok {
	case ">=", "<=", "==", ">", "<":
		c.Op = p.tok
	default:
		return nil, fmt.Errorf("count(...) must be compared: >=, >, <=, < or == at column %d", p.at+1)
	}
	p.next()
	n, err := strconv.Atoi(p.tok)
	if err != nil {
		return nil, fmt.Errorf("want a whole number after %s at column %d, got %q", c.Op, p.at+1, p.tok)
	}
	c.N = n
	p.next()
	return c, nil
}

// resolve checks a name token, expanding a trailing * to every matching rule.
func (p *exprParser) resolve(tok string) ([]string, error) {
	if tok == "" || !(tok[0] == '_' || unicode.IsLetter(rune(tok[0]))) {
		return nil, fmt.Errorf("want a rule name at column %d, got %q", p.at+1, tok)
	}
	if prefix, ok := strings.CutSuffix(tok, "*"); ok {
		var out []string
		for n := range p.names {
			if strings.HasPrefix(n, prefix) && n != p.self {
				out = append(out, n)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("no rule matches %s", tok)
		}
		sort.Strings(out)
		return out, nil
	}
	if !p.names[tok] {
		return nil, fmt.Errorf("unknown rule %s", tok)
	}
	if tok == p.self {
		return nil, fmt.Errorf("rule %s refers to itself", tok)
	}
	return []string{tok}, nil
}
