// Package rules parses the operator-edited rule files of the classifier.
//
// A rule directory holds any number of *.yaml files, each with optional
// top-level keys settings, variants, lists and rules; a gse user dictionary
// userdict.txt; the certificate table certs.txt; and the statistical model
// model.json written by `guazheng rules train`. docs/rules.md documents the
// format. Parsing checks structure and names only; package classify compiles
// a Set into matchers and runs every rule's inline tests.
package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/guazheng/guazheng"
)

//go:embed default
var defaultFS embed.FS

// Default returns the rule directory embedded in the binary.
func Default() fs.FS {
	sub, err := fs.Sub(defaultFS, "default")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// Pos is where something was written: file and 1-based line.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Error is a problem in a rule file, with its position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return "rules " + e.Pos.String() + ": " + e.Msg }

func errAt(p Pos, format string, args ...any) error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// Match modes of keyword rules.
const (
	ModeWords = "words" // a keyword must start and end on word boundaries found by segmentation
	ModeText  = "text"  // a keyword may stand anywhere in the normalised text
)

// Facts a rule may test with `fact:`: what the entity extractors found.
var Facts = map[string]string{
	"phone":       "a phone number",
	"wechat":      "a WeChat id",
	"qq":          "a QQ number",
	"email":       "an e-mail address",
	"contact":     "any phone, WeChat, QQ or e-mail",
	"obfuscated":  "a contact written in a disguised form",
	"cert":        "a certificate name",
	"certs2":      "two or more distinct certificates",
	"certs4":      "four or more distinct certificates",
	"price":       "a price",
	"price_term":  "a price per year or per several years",
	"price_month": "a price per month (a salary)",
	"prices3":     "three or more prices (a price list)",
	"quantity":    "a quantity of certificates or people",
	"company":     "a company or agency name",
	"short":       "a short post: title and text together at most 40 characters",
	"amount":      "a bare amount such as 1.5, 2.8w, 8k or 15000 (not a count, date or duration)",
}

// Near is a co-occurrence: a term of A and a term of B within N characters.
type Near struct {
	A, B    []string
	Within  int  // characters (runes) between the end of one and the start of the other
	Ordered bool // A must come before B
}

// Tests are texts a rule must fire on (Hit) and must not fire on (Miss).
// Each is checked at every load.
type Tests struct {
	Hit, Miss []string
	HitPos    []Pos
	MissPos   []Pos
}

// Rule is one named rule. Exactly one of Keywords, Regex, Near, Expr, Fact is set.
type Rule struct {
	Name        string
	Description string
	Score       float64 // 0: a sub-rule that scores nothing alone
	Role        guazheng.Role
	Mode        string   // for Keywords and Near: ModeWords (default) or ModeText
	Keywords    []string // after list references are expanded
	Regex       []string
	Near        *Near
	Expr        string
	Fact        string
	Variants    bool // expand keywords with the declared variants
	Min         int  // keywords: how many distinct terms must occur (default 1)
	Quoted      bool // match inside quotation marks even when settings.ignore_quoted is on
	Tests       Tests
	Pos         Pos
}

// Kind names which matcher a rule uses.
func (r *Rule) Kind() string {
	switch {
	case len(r.Keywords) > 0:
		return "keywords"
	case len(r.Regex) > 0:
		return "regex"
	case r.Near != nil:
		return "near"
	case r.Expr != "":
		return "expr"
	case r.Fact != "":
		return "fact"
	}
	return ""
}

// Band maps a range of the statistical model's probability to a named rule.
type Band struct {
	Name        string
	Description string
	Min, Max    float64 // Min <= p < Max
	Score       float64
	Role        guazheng.Role
	Pos         Pos
}

// Settings are the rule set's global parameters.
type Settings struct {
	Version   string  // operator-assigned version, e.g. 2026.11.27-1
	Threshold float64 // a post is flagged when its score reaches it
	Bands     []Band  // statistical layer; empty: not used
	// DefaultRole is the role of a flagged post when no rule with a role
	// fired (default broker).
	DefaultRole guazheng.Role
	// IgnoreQuoted makes matches inside “quotation marks” count for nothing:
	// news and forum posts quote ads, and the quote is not the poster's
	// offer. A rule with `quoted: true` still sees them.
	IgnoreQuoted bool
	// RoleWeight is how many votes the statistical role model has in the
	// role decision, spread by its probabilities (0: not used).
	RoleWeight float64
	Pos        Pos
}

// DictEntry is one line of the gse user dictionary.
type DictEntry struct {
	Word string
	Freq float64
	POS  string
	Pos  Pos
}

// Set is a parsed rule directory.
type Set struct {
	Settings Settings
	Variants map[rune][]rune // look-alike and homophone variants, declared in data
	Lists    map[string][]string
	Rules    []*Rule
	UserDict []DictEntry
	Certs    []byte // certs.txt, parsed by package classify/extract
	Model    []byte // model.json, nil when absent
	Digest   string // SHA-256 over every file, hex
}

// Version identifies the rule set: the operator's version plus a content digest.
func (s *Set) Version() string {
	return s.Settings.Version + "+" + s.Digest[:8]
}

// Rule returns the rule named n, or nil.
func (s *Set) Rule(n string) *Rule {
	for _, r := range s.Rules {
		if r.Name == n {
			return r
		}
	}
	return nil
}

var nameRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// Load reads and checks a rule directory.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("rules: no *.yaml rule files in the directory")
	}
	sort.Strings(names)
	s := &Set{Variants: map[rune][]rune{}, Lists: map[string][]string{}}
	h := sha256.New()
	p := &parser{set: s, listPos: map[string]Pos{}, rulePos: map[string]Pos{}}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("rules %s: %w", n, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
		if err := p.parseFile(n, b); err != nil {
			return nil, err
		}
	}
	for _, extra := range []string{"userdict.txt", "certs.txt", "model.json"} {
		b, err := fs.ReadFile(fsys, extra)
		if err != nil {
			if extra == "model.json" && isNotExist(err) {
				continue
			}
			return nil, fmt.Errorf("rules %s: %w", extra, err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", extra, len(b))
		h.Write(b)
		switch extra {
		case "userdict.txt":
			if s.UserDict, err = ParseUserDict(extra, string(b)); err != nil {
				return nil, err
			}
		case "certs.txt":
			s.Certs = b
		case "model.json":
			s.Model = b
		}
	}
	s.Digest = hex.EncodeToString(h.Sum(nil))
	if err := p.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

func isNotExist(err error) bool { return errorsIs(err, fs.ErrNotExist) }

// ParseUserDict parses gse user-dictionary lines "word freq [pos]". gse drops
// words below frequency 2 silently, so a missing or low frequency is an error.
func ParseUserDict(name, src string) ([]DictEntry, error) {
	var out []DictEntry
	for i, line := range strings.Split(src, "\n") {
		pos := Pos{name, i + 1}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			return nil, errAt(pos, "want \"word frequency [pos]\", got %q", line)
		}
		var freq float64
		if _, err := fmt.Sscanf(f[1], "%g", &freq); err != nil || freq < 3 {
			return nil, errAt(pos, "frequency of %q must be a number ≥ 3 (gse drops lower ones), got %q", f[0], f[1])
		}
		e := DictEntry{Word: f[0], Freq: freq, Pos: pos}
		if len(f) == 3 {
			e.POS = f[2]
		}
		out = append(out, e)
	}
	return out, nil
}
