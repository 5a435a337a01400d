// Package jsonl is a guazheng.Ingester that appends posts, their verdicts
// and the metadata of their captures to a JSON Lines file. Behind a
// guazheng.Pipeline it is the crawler's sink until (or besides) the evidence
// store: `guazheng crawl --out FILE.jsonl`. Like the store it reports each
// post as new, changed or unchanged by the hash of its title and text, and
// writes only new and changed posts; reopening a file remembers what it holds.
package jsonl

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
)

var _ guazheng.Ingester = (*Writer)(nil)

// Record is one line of the file.
type Record struct {
	Kind    string            `json:"kind"`             // "post" or "takedown"
	Change  string            `json:"change,omitempty"` // "new" or "changed"
	Hash    string            `json:"hash,omitempty"`   // SHA-256 of title + "\n" + text
	Post    *guazheng.Post    `json:"post,omitempty"`
	Verdict *guazheng.Verdict `json:"verdict,omitempty"`
	Capture CaptureMeta       `json:"capture"`
}

// CaptureMeta is a capture without its body, plus the body's digest.
type CaptureMeta struct {
	URL        string        `json:"url"`
	FinalURL   string        `json:"final_url"`
	Redirects  []string      `json:"redirects,omitempty"`
	Status     int           `json:"status"`
	Proto      string        `json:"proto"`
	ServerIP   string        `json:"server_ip,omitempty"`
	FetchedAt  time.Time     `json:"fetched_at"`
	Duration   time.Duration `json:"duration"`
	Charset    string        `json:"charset,omitempty"`
	Truncated  bool          `json:"truncated,omitempty"`
	BodySize   int           `json:"body_size"`
	BodySHA256 string        `json:"body_sha256"`
}

// Meta summarises a capture for a record.
func Meta(c *guazheng.Capture) CaptureMeta {
	sum := sha256.Sum256(c.Body)
	return CaptureMeta{URL: c.URL, FinalURL: c.FinalURL, Redirects: c.Redirects, Status: c.Status, Proto: c.Proto,
		ServerIP: c.ServerIP, FetchedAt: c.FetchedAt, Duration: c.Duration, Charset: c.Charset, Truncated: c.Truncated,
		BodySize: len(c.Body), BodySHA256: hex.EncodeToString(sum[:])}
}

// ContentHash is the hash that decides whether a post changed.
func ContentHash(p guazheng.Post) string {
	sum := sha256.Sum256([]byte(p.Title + "\n" + p.Text))
	return hex.EncodeToString(sum[:])
}

// Writer appends records to a file. It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	w    *bufio.Writer
	f    *os.File // nil when writing to a plain io.Writer
	sync bool
	seen map[string]string // site + "\x00" + key → content hash
}

// New returns a writer to w that knows no earlier posts.
func New(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriter(w), seen: map[string]string{}}
}

// Open opens (creating if needed) the file at path for appending and reads
// back the posts it holds. With sync every write is flushed and fsynced
// before Ingest returns.
func Open(path string, sync bool) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w := &Writer{w: bufio.NewWriter(f), f: f, sync: sync, seen: map[string]string{}}
	if err := w.load(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	// End a torn last line so that the next record starts on its own.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, fmt.Errorf("repair %s: %w", path, err)
			}
		}
	}
	return w, nil
}

// load remembers the posts of an existing file; a torn last line (a
// process killed mid-write) is ignored.
func (w *Writer) load(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			continue
		}
		if rec.Kind == "post" && rec.Post != nil {
			w.seen[rec.Post.Site+"\x00"+rec.Post.Key] = rec.Hash
		}
	}
	return sc.Err()
}

// Ingest writes the new and changed posts of one capture.
func (w *Writer) Ingest(ctx context.Context, c *guazheng.Capture, posts []guazheng.ClassifiedPost) ([]guazheng.PostChange, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	changes := make([]guazheng.PostChange, len(posts))
	meta := Meta(c)
	for i := range posts {
		p := &posts[i]
		k := p.Post.Site + "\x00" + p.Post.Key
		h := ContentHash(p.Post)
		old, known := w.seen[k]
		switch {
		case !known:
			changes[i] = guazheng.PostNew
		case old != h:
			changes[i] = guazheng.PostChanged
		default:
			changes[i] = guazheng.PostUnchanged
			continue
		}
		rec := Record{Kind: "post", Change: map[guazheng.PostChange]string{guazheng.PostNew: "new", guazheng.PostChanged: "changed"}[changes[i]],
			Hash: h, Post: &p.Post, Verdict: &p.Verdict, Capture: meta}
		if err := w.write(rec); err != nil {
			return nil, err
		}
		w.seen[k] = h
	}
	return changes, w.flush()
}

// TakeDown writes a takedown record for the capture's URL.
func (w *Writer) TakeDown(ctx context.Context, c *guazheng.Capture) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.write(Record{Kind: "takedown", Capture: Meta(c)}); err != nil {
		return 0, err
	}
	return 1, w.flush()
}

func (w *Writer) write(rec Record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.w.Write(b); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	return nil
}

func (w *Writer) flush() error {
	if !w.sync {
		return nil
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	if w.f != nil {
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("fsync: %w", err)
		}
	}
	return nil
}

// Close flushes and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.w.Flush()
	if w.f != nil {
		err = errors.Join(err, w.f.Close())
	}
	return err
}

// Flush writes buffered records out.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Flush()
}
