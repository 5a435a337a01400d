// Package ruleconsole adapts a classify.Reloader to the rules console of the
// web UI (web.Rules): the rule files in use, a verdict on pasted text with
// every rule evaluated, reloads, and the latest corpus evaluation written by
// `guazheng rules test --json FILE`.
package ruleconsole

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/rules"
)

// Console is a web.Rules over a classify.Reloader.
type Console struct {
	r        *classify.Reloader
	dir      string
	evalFile string
}

// New returns the console of r, which loads dir (empty: the embedded
// default rules); evalFile is the JSON report of the latest corpus
// evaluation (may be empty or missing).
func New(r *classify.Reloader, dir, evalFile string) *Console {
	return &Console{r: r, dir: dir, evalFile: evalFile}
}

// ClassifyFull evaluates every rule of the serving rule set.
func (c *Console) ClassifyFull(title, text string) guazheng.Verdict {
	return c.r.Engine().ClassifyFull(title, text)
}

// Status is the serving version and the last reload error.
func (c *Console) Status() classify.Status { return c.r.Status() }

// Reload rebuilds the rules; on error the old rules keep serving.
func (c *Console) Reload() error { return c.r.Reload() }

// Files returns the rule files by name (the top level of the directory).
func (c *Console) Files() (map[string][]byte, error) {
	fsys := rules.Default()
	if c.dir != "" {
		fsys = os.DirFS(c.dir)
	}
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("rule files: %w", err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("rule files: %w", err)
		}
		out[e.Name()] = b
	}
	return out, nil
}

// LastEvaluation reads the evaluation report; nil when there is none.
func (c *Console) LastEvaluation() (*classify.Report, error) {
	if c.evalFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(c.evalFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("evaluation: %w", err)
	}
	var rep classify.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("evaluation %s: %w", c.evalFile, err)
	}
	return &rep, nil
}
