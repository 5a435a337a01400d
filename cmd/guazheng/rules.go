package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/classify/normalize"
	"github.com/guazheng/guazheng/classify/stat"
	"github.com/guazheng/guazheng/rules"
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runRules(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: want rules test|train|lint", errUsage)
	}
	switch args[0] {
	case "test":
		return runRulesTest(e, args[1:])
	case "train":
		return runRulesTrain(e, args[1:])
	case "lint":
		return runRulesLint(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stderr, "usage: guazheng rules test|train|lint [flags]\n\n  test   run inline tests and score labeled corpora\n  train  retrain the statistical model from labeled corpora\n  lint   check a rule directory")
		return nil
	}
	return fmt.Errorf("%w: unknown rules subcommand %q (want test, train or lint)", errUsage, args[0])
}

// loadRuleSet parses a rule directory; empty means the embedded default.
func loadRuleSet(dir string) (*rules.Set, error) {
	if dir == "" {
		return rules.Load(rules.Default())
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("rules directory %s: not a readable directory", dir)
	}
	return rules.Load(os.DirFS(dir))
}

// loadEngine parses a rule directory (empty: the embedded default) and
// builds its classifier.
func loadEngine(dir string) (*rules.Set, *classify.Engine, error) {
	set, err := loadRuleSet(dir)
	if err != nil {
		return nil, nil, err
	}
	eng, err := classify.Build(set, classify.Options{})
	if err != nil {
		return nil, nil, err
	}
	return set, eng, nil
}

func runRulesTest(e *env, args []string) error {
	fs := newFlagSet(e, "rules test")
	dir := fs.String("rules", "", "rule directory (default: embedded rules)")
	var corpora multiFlag
	fs.Var(&corpora, "corpus", "labeled JSONL corpus file (repeatable; further files may follow the flags)")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	cv := fs.Int("cv", 0, "cross-validate the statistical layer with `K` folds (retrains the model per fold; for tuning on a training corpus)")
	cvFiles := fs.Bool("cv-files", false, "cross-validate the statistical layer with one fold per corpus file (how it does on writers its model has not seen)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	corpora = append(corpora, fs.Args()...)
	set, eng, err := loadEngine(*dir)
	if err != nil {
		return err
	}
	fails := eng.RunInlineTests()
	fmt.Fprintf(e.stdout, "rule set %s: %d rules, inline tests: %d failed\n", eng.Version(), len(set.Rules), len(fails))
	for _, f := range fails {
		fmt.Fprintf(e.stdout, "  FAIL %s\n", f.Error())
	}
	if len(corpora) > 0 {
		items, err := classify.ReadCorpus(corpora...)
		if err != nil {
			return err
		}
		rep := classify.Evaluate(eng, items)
		switch {
		case *cvFiles:
			if rep, err = classify.EvaluateGroupCV(set, items, corpusFile); err != nil {
				return err
			}
		case *cv > 0:
			if rep, err = classify.EvaluateCV(set, items, *cv); err != nil {
				return err
			}
		}
		fmt.Fprintln(e.stdout)
		rep.WriteText(e.stdout)
		if *jsonOut != "" {
			b, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				return err
			}
			if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
		}
	}
	if len(fails) > 0 {
		return fmt.Errorf("%d inline test(s) failed", len(fails))
	}
	return nil
}

func runRulesTrain(e *env, args []string) error {
	fs := newFlagSet(e, "rules train")
	dir := fs.String("rules", "", "rule directory whose model.json to replace (default: write to --out)")
	out := fs.String("out", "", "model file to write (default: DIR/model.json with --rules, else rules/default/model.json)")
	var corpora multiFlag
	fs.Var(&corpora, "corpus", "labeled JSONL corpus file (repeatable; further files may follow the flags)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	corpora = append(corpora, fs.Args()...)
	if len(corpora) == 0 {
		return fmt.Errorf("%w: rules train needs --corpus FILE", errUsage)
	}
	path := *out
	switch {
	case path != "":
	case *dir != "":
		path = filepath.Join(*dir, "model.json")
	default:
		path = filepath.Join("rules", "default", "model.json")
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			return errors.New("no --out given and rules/default is not here: name the model file with --out")
		}
	}
	items, err := classify.ReadCorpus(corpora...)
	if err != nil {
		return err
	}
	_, eng, err := loadEngine(*dir)
	if err != nil {
		return err
	}
	norm := normalize.New()
	ex := make([]stat.Example, len(items))
	pos := 0
	for i, it := range items {
		ex[i] = stat.Example{Norm: norm.Normalize(it.Title + "\n" + it.Text).Norm, Positive: it.Positive()}
		if it.Positive() {
			pos++
		}
	}
	if pos == 0 || pos == len(items) {
		return fmt.Errorf("the corpus needs both 挂证 ads and other texts to train on (%d of %d are ads)", pos, len(items))
	}
	m := stat.Train(ex, stat.TrainOptions{})
	var roles []stat.RoleExample
	for i, it := range items {
		if it.Positive() {
			roles = append(roles, stat.RoleExample{Norm: ex[i].Norm, Role: it.Role, Rules: eng.RoleFeatures(it.Title, it.Text)})
		}
	}
	m.Roles = stat.TrainRoles(roles, stat.TrainOptions{})
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "trained on %d texts (%d ads): %d features, written to %s\n", len(items), pos, len(m.Weights), path)
	return nil
}

func runRulesLint(e *env, args []string) error {
	fs := newFlagSet(e, "rules lint")
	dir := fs.String("rules", "", "rule directory (default: embedded rules)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set, err := loadRuleSet(*dir)
	if err != nil {
		return err
	}
	eng, err := classify.Compile(set, classify.Options{})
	if err != nil {
		return err
	}
	// Sub-rules nobody uses score nothing and explain nothing.
	used := map[string]bool{}
	names := map[string]bool{}
	for _, r := range set.Rules {
		names[r.Name] = true
	}
	for _, b := range set.Settings.Bands {
		names[b.Name] = true
	}
	for _, r := range set.Rules {
		if r.Expr != "" {
			x, err := rules.ParseExpr(r.Expr, names, r.Name)
			if err == nil {
				for _, n := range rules.Refs(x) {
					used[n] = true
				}
			}
		}
	}
	warnings := 0
	for _, r := range set.Rules {
		if r.Score == 0 && r.Role == "" && !used[r.Name] {
			fmt.Fprintf(e.stdout, "warning %s: rule %s scores 0 and no combination rule uses it\n", r.Pos, r.Name)
			warnings++
		}
	}
	fmt.Fprintf(e.stdout, "rule set %s: %d rules, %d user words, inline tests pass, %d warning(s)\n", eng.Version(), len(set.Rules), len(set.UserDict), warnings)
	return nil
}

// writeFileAtomic writes via a temporary file and rename, so a crash never
// leaves half a file.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// corpusFile is the file an item was read from (its Source without the line).
func corpusFile(it classify.Item) string {
	if i := strings.LastIndexByte(it.Source, ':'); i >= 0 {
		return it.Source[:i]
	}
	return it.Source
}
