package web

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/rules"
	"github.com/guazheng/guazheng/web/ruleconsole"
)

var _ Rules = (*ruleconsole.Console)(nil)

// shared is one rules console for every fixture: loading the rules is the
// slowest part of a fixture. Tests that reload use their own testRules.
var shared struct {
	once sync.Once
	c    *ruleconsole.Console
	dir  string
}

func sharedRules(t *testing.T) *ruleconsole.Console {
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "guazheng-web-rules-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir = dir
		shared.c = buildRules(t, dir)
	})
	return shared.c
}

// testRules copies the default rules into a temporary directory, serves
// them through a real Reloader and writes an evaluation on a few corpus
// texts.
func testRules(t *testing.T) *ruleconsole.Console {
	t.Helper()
	return buildRules(t, t.TempDir())
}

func buildRules(t *testing.T, base string) *ruleconsole.Console {
	dir := filepath.Join(base, "rules")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(rules.Default(), ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(rules.Default(), e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := classify.NewReloader(dir, nil)
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	items, err := classify.ReadCorpus("../testdata/corpus/ads_br.test.jsonl", "../testdata/corpus/neg_job.test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) > 8 {
		items = append(items[:4], items[len(items)-4:]...)
	}
	rep := classify.Evaluate(r.Engine(), items)
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	eval := filepath.Join(base, "eval.json")
	if err := os.WriteFile(eval, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return ruleconsole.New(r, dir, eval)
}
