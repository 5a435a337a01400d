package rules

import (
	"strings"
	"testing"
	"testing/fstest"
)

const okSettings = "settings:\n  version: t1\n  threshold: 5\n"

func dir(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"userdict.txt": {Data: []byte("挂证 60 v\n")},
		"certs.txt":    {Data: []byte("")},
	}
	for n, s := range files {
		m[n] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}

func TestDefaultLoads(t *testing.T) {
	s, err := Load(Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rules) < 20 || s.Settings.Threshold <= 0 || len(s.UserDict) == 0 || len(s.Certs) == 0 {
		t.Fatalf("default set looks empty: %d rules, threshold %v", len(s.Rules), s.Settings.Threshold)
	}
	if !strings.HasPrefix(s.Version(), s.Settings.Version+"+") {
		t.Fatalf("Version() = %q", s.Version())
	}
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown field", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    wrods: [a]\n"}, "a.yaml:7: unknown rule field \"wrods\""},
		{"bad regex", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    regex: ['a(b']\n"}, "a.yaml:7: rule X: bad regex"},
		{"two matchers", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    words: [a]\n    regex: [b]\n"}, "a.yaml:5: rule X: give exactly one of"},
		{"duplicate rule across files", map[string]string{
			"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    words: [a]\n",
			"b.yaml": "rules:\n  - name: X\n    description: d\n    words: [b]\n"}, "b.yaml:2: rule X defined twice (first at a.yaml:5)"},
		{"unknown list", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    words: ['@NOPE']\n"}, "a.yaml:7: unknown list @NOPE"},
		{"list cycle", map[string]string{"a.yaml": okSettings + "lists:\n  A: ['@B']\n  B: ['@A']\n"}, "includes itself"},
		{"unknown rule in expr", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    expr: Y && Z\n"}, "a.yaml:7: rule X: expr: unknown rule Y"},
		{"self reference", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    expr: X\n"}, "refers to itself"},
		{"scoring rule without test", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    score: 2\n    words: [a]\n"}, "a.yaml:5: rule X: a scoring rule needs at least one tests.hit"},
		{"bad score", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    score: lots\n    words: [a]\n"}, "a.yaml:7: expected a number"},
		{"bad role", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    role: boss\n    words: [a]\n"}, "role must be buyer, seller or broker"},
		{"no settings", map[string]string{"a.yaml": "rules: []\n"}, "no settings"},
		{"no threshold", map[string]string{"a.yaml": "settings:\n  version: x\n"}, "a.yaml:2: settings.threshold must be given"},
		{"yaml syntax", map[string]string{"a.yaml": okSettings + "rules: [\n"}, "rules a.yaml: yaml:"},
		{"bad variant", map[string]string{"a.yaml": okSettings + "variants:\n  挂证: 桂\n"}, "a.yaml:5: variant key \"挂证\" must be a single character"},
		{"unknown fact", map[string]string{"a.yaml": okSettings + "rules:\n  - name: X\n    description: d\n    fact: salary\n"}, "a.yaml:7: unknown fact \"salary\""},
		{"lower-case name", map[string]string{"a.yaml": okSettings + "rules:\n  - name: x1\n    description: d\n    words: [a]\n"}, "a.yaml:5: rule name \"x1\""},
		{"bad count", map[string]string{"a.yaml": okSettings + "rules:\n  - name: A\n    description: d\n    words: [a]\n  - name: X\n    description: d\n    expr: count(A) 2\n"}, "must be compared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(dir(tt.files))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestUserDictErrors(t *testing.T) {
	_, err := Load(fstest.MapFS{
		"a.yaml":       {Data: []byte(okSettings)},
		"userdict.txt": {Data: []byte("# c\n挂证 60\n一建 1\n")},
		"certs.txt":    {Data: nil},
	})
	if err == nil || !strings.Contains(err.Error(), "userdict.txt:3: frequency of \"一建\" must be a number ≥ 3") {
		t.Fatalf("err = %v", err)
	}
}

func TestListsAndWildcards(t *testing.T) {
	s, err := Load(dir(map[string]string{"a.yaml": okSettings + `lists:
  A: [x, y]
  B: ['@A', z]
rules:
  - name: R_ONE
    description: d
    words: ['@B', w]
  - name: R_TWO
    description: d
    text: [q]
  - name: META
    description: d
    expr: count(R_*) >= 2 && !R_TWO
`}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Rule("R_ONE").Keywords, ","); got != "x,y,z,w" {
		t.Fatalf("keywords = %s", got)
	}
	if s.Rule("R_TWO").Mode != ModeText {
		t.Fatalf("text rule mode = %s", s.Rule("R_TWO").Mode)
	}
	x, err := ParseExpr(s.Rule("META").Expr, map[string]bool{"R_ONE": true, "R_TWO": true, "META": true}, "META")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(Refs(x), ","); got != "R_ONE,R_TWO,R_TWO" {
		t.Fatalf("refs = %s", got)
	}
}
