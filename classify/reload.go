package classify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/rules"
)

// Load parses a rule directory (the embedded default when dir is empty) and
// compiles it, running the inline tests.
func Load(dir string) (*Engine, error) {
	set, err := rules.Load(ruleFS(dir))
	if err != nil {
		return nil, err
	}
	return Compile(set, Options{})
}

func ruleFS(dir string) fs.FS {
	if dir == "" {
		return rules.Default()
	}
	return os.DirFS(dir)
}

// Status describes what a Reloader is serving and the last failed reload.
type Status struct {
	Version     string    `json:"version"`
	Dir         string    `json:"dir"` // empty: the embedded default
	LoadedAt    time.Time `json:"loaded_at"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// Reloader is a Classifier that reloads its rule directory when the files
// change: it builds the new rule set, runs its inline tests, and swaps it in
// atomically only if they pass; otherwise the old rules keep serving and the
// error is kept for the operator. It is safe for concurrent use.
type Reloader struct {
	dir    string
	log    *slog.Logger
	cur    atomic.Pointer[Engine]
	mu     sync.Mutex // serialises reloads and guards the fields below
	status Status
	stamp  string // fingerprint of the files last tried
}

// NewReloader loads dir (the embedded default when empty); the first load
// must succeed.
func NewReloader(dir string, log *slog.Logger) (*Reloader, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Reloader{dir: dir, log: log}
	stamp, _ := r.fingerprint()
	e, err := Load(dir)
	if err != nil {
		return nil, err
	}
	r.cur.Store(e)
	r.stamp = stamp
	r.status = Status{Version: e.Version(), Dir: dir, LoadedAt: time.Now().UTC()}
	return r, nil
}

// Classify implements guazheng.Classifier with the current rules.
func (r *Reloader) Classify(title, text string) guazheng.Verdict {
	return r.cur.Load().Classify(title, text)
}

// Engine returns the engine currently serving.
func (r *Reloader) Engine() *Engine { return r.cur.Load() }

// Status reports the serving version and the last reload error.
func (r *Reloader) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Reload rebuilds the rules now. On error the current rules stay.
func (r *Reloader) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	stamp, _ := r.fingerprint()
	return r.reloadLocked(stamp)
}

func (r *Reloader) reloadLocked(stamp string) error {
	r.stamp = stamp
	err := r.rebuild()
	if err != nil {
		r.status.LastError = err.Error()
		r.status.LastErrorAt = time.Now().UTC()
		r.log.Error("rules reload failed; old rules keep serving", "dir", r.dir, "version", r.status.Version, "err", guazheng.SafeLog(err.Error()))
		return err
	}
	e := r.cur.Load()
	r.status = Status{Version: e.Version(), Dir: r.dir, LoadedAt: time.Now().UTC()}
	r.log.Info("rules reloaded", "dir", r.dir, "version", e.Version())
	return nil
}

func (r *Reloader) rebuild() error {
	set, err := rules.Load(ruleFS(r.dir))
	if err != nil {
		return err
	}
	old := r.cur.Load()
	var opt Options
	if slices.EqualFunc(old.set.UserDict, set.UserDict, func(a, b rules.DictEntry) bool {
		return a.Word == b.Word && a.Freq == b.Freq && a.POS == b.POS
	}) {
		opt.Segmenter = old.seg // same dictionary: skip reloading it
	}
	e, err := Compile(set, opt)
	if err != nil {
		return err
	}
	r.cur.Store(e)
	return nil
}

// Watch polls the rule directory every interval until ctx ends and reloads
// when a file was added, removed or changed.
func (r *Reloader) Watch(ctx context.Context, interval time.Duration) {
	if r.dir == "" {
		return // the embedded default never changes
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stamp, err := r.fingerprint()
		if err != nil {
			r.log.Warn("rules directory unreadable", "dir", r.dir, "err", err)
			continue
		}
		r.mu.Lock()
		if stamp != r.stamp {
			_ = r.reloadLocked(stamp)
		}
		r.mu.Unlock()
	}
}

// fingerprint hashes the names, sizes and contents of the rule files.
func (r *Reloader) fingerprint() (string, error) {
	if r.dir == "" {
		return "embedded", nil
	}
	ents, err := os.ReadDir(r.dir)
	if err != nil {
		return "", fmt.Errorf("rules %s: %w", r.dir, err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	h := sha256.New()
	for _, de := range ents {
		if de.IsDir() {
			continue
		}
		b, err := os.ReadFile(r.dir + string(os.PathSeparator) + de.Name())
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", de.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

var _ guazheng.Classifier = (*Reloader)(nil)
