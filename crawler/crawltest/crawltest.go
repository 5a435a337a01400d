// Package crawltest holds test doubles for the crawler's collaborators: an
// in-memory Ingester that counts what it is given, and a Classifier that
// flags nothing. Benchmarks and the demo may use them too.
package crawltest

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/jsonl"
)

// NopClassifier flags nothing.
type NopClassifier struct{}

// Classify returns an empty verdict.
func (NopClassifier) Classify(title, text string) guazheng.Verdict {
	return guazheng.Verdict{RuleSet: "none"}
}

// KeywordClassifier flags posts whose title or text contains any keyword; a
// stand-in for the real classifier in benchmarks.
type KeywordClassifier []string

// Classify flags a post containing a keyword.
func (k KeywordClassifier) Classify(title, text string) guazheng.Verdict {
	for _, w := range k {
		if strings.Contains(title, w) || strings.Contains(text, w) {
			return guazheng.Verdict{Flagged: true, Score: 1, RuleSet: "keywords"}
		}
	}
	return guazheng.Verdict{RuleSet: "keywords"}
}

// Store is an in-memory guazheng.Ingester that dedupes posts by the hash of
// title and text, like the evidence store, and remembers what it saw.
type Store struct {
	mu        sync.Mutex
	latest    map[string]string // site\x00key → hash
	posts     map[string]guazheng.Post
	captures  int
	takedowns []*guazheng.Capture
	newCount  map[string]int // site\x00key → times reported new
	keepCapts bool
	capts     []*guazheng.Capture
}

// NewStore returns an empty store. With keepCaptures it keeps every capture
// (tests that inspect them); without, only counts (long benchmarks).
func NewStore(keepCaptures bool) *Store {
	return &Store{latest: map[string]string{}, posts: map[string]guazheng.Post{}, newCount: map[string]int{}, keepCapts: keepCaptures}
}

// Ingest records a capture and its posts.
func (s *Store) Ingest(ctx context.Context, c *guazheng.Capture, posts []guazheng.ClassifiedPost) ([]guazheng.PostChange, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.captures++
	if s.keepCapts {
		s.capts = append(s.capts, c)
	}
	out := make([]guazheng.PostChange, len(posts))
	for i, p := range posts {
		k := p.Post.Site + "\x00" + p.Post.Key
		h := jsonl.ContentHash(p.Post)
		old, ok := s.latest[k]
		switch {
		case !ok:
			out[i] = guazheng.PostNew
			s.newCount[k]++
		case old != h:
			out[i] = guazheng.PostChanged
		default:
			out[i] = guazheng.PostUnchanged
		}
		s.latest[k] = h
		if s.keepCapts {
			s.posts[k] = p.Post
		}
	}
	return out, nil
}

// TakeDown records a takedown.
func (s *Store) TakeDown(ctx context.Context, c *guazheng.Capture) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.takedowns = append(s.takedowns, c)
	return 1, nil
}

// Keys returns the post keys stored, sorted.
func (s *Store) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.latest))
	for k := range s.latest {
		_, key, _ := strings.Cut(k, "\x00")
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// Post returns a stored post (kept only with keepCaptures).
func (s *Store) Post(site, key string) (guazheng.Post, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.posts[site+"\x00"+key]
	return p, ok
}

// Len returns the number of distinct posts.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.latest)
}

// Captures returns how many captures were ingested.
func (s *Store) Captures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.captures
}

// CaptureList returns the captures kept.
func (s *Store) CaptureList() []*guazheng.Capture {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*guazheng.Capture(nil), s.capts...)
}

// TakeDowns returns the captures of takedowns.
func (s *Store) TakeDowns() []*guazheng.Capture {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*guazheng.Capture(nil), s.takedowns...)
}

// DuplicateNew returns the keys reported new more than once.
func (s *Store) DuplicateNew() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k, n := range s.newCount {
		if n > 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
