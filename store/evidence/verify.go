// Package evidence checks stored evidence and writes evidence packages. It
// works against the store interfaces of package guazheng, not SQL.
//
// Verify re-reads every indexed WARC record, recomputes its digests and
// compares them with the record header and the index, checks that every
// indexed file exists, walks the audit chain and cross-checks the index.
// Export writes a ZIP with byte-exact copies of the WARC records of the
// captures concerned, their texts, a Chinese summary, a manifest with the
// SHA-256 of every file, and optionally an RFC 3161 timestamp and an Ed25519
// signature over the manifest.
package evidence

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

// VerifyStore is what Verify needs from a store.
type VerifyStore interface {
	guazheng.EvidenceStore
	Audit() guazheng.AuditLog
}

// Problem is one discrepancy found by Verify.
type Problem struct {
	Kind      string `json:"kind"` // file, record, audit, index
	File      string `json:"file,omitempty"`
	Offset    int64  `json:"offset,omitempty"`
	RecordID  string `json:"record_id,omitempty"`
	CaptureID int64  `json:"capture_id,omitempty"`
	Message   string `json:"message"`
}

// String renders the problem on one line.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Kind)
	if p.File != "" {
		fmt.Fprintf(&b, " %s", p.File)
		if p.RecordID != "" {
			fmt.Fprintf(&b, "@%d", p.Offset)
		}
	}
	if p.CaptureID != 0 {
		fmt.Fprintf(&b, " (capture %d)", p.CaptureID)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Report is the result of Verify.
type Report struct {
	Files    int           `json:"files"`
	Records  int           `json:"records"`
	Bytes    int64         `json:"bytes"`         // compressed WARC bytes read
	Inflated int64         `json:"inflated"`      // the same records uncompressed
	Audit    int64         `json:"audit_entries"` // length of the chain
	Problems []Problem     `json:"problems"`
	Warnings []string      `json:"warnings"`
	Elapsed  time.Duration `json:"elapsed"`
}

// OK reports whether no discrepancy was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// VerifyOptions tune Verify.
type VerifyOptions struct {
	Workers int // files checked in parallel; default GOMAXPROCS
}

// Verify checks everything the store holds. Discrepancies go to the report;
// the error is for failures to check at all.
func Verify(ctx context.Context, s VerifyStore, opts VerifyOptions) (*Report, error) {
	start := time.Now()
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	rep := &Report{Problems: []Problem{}, Warnings: []string{}}
	dir := s.WARCDir()
	files, err := s.WARCFiles(ctx)
	if err != nil {
		return nil, err
	}
	rep.Files = len(files)
	missing := map[string]bool{}
	known := map[string]bool{}
	for _, f := range files {
		known[f.Name] = true
		st, err := os.Stat(filepath.Join(dir, f.Name))
		switch {
		case os.IsNotExist(err):
			missing[f.Name] = true
			rep.Problems = append(rep.Problems, Problem{Kind: "file", File: f.Name,
				Message: fmt.Sprintf("WARC file missing (%d records indexed in it)", f.Records)})
		case err != nil:
			missing[f.Name] = true
			rep.Problems = append(rep.Problems, Problem{Kind: "file", File: f.Name, Message: err.Error()})
		case st.Size() < f.Size:
			rep.Problems = append(rep.Problems, Problem{Kind: "file", File: f.Name,
				Message: fmt.Sprintf("WARC file is %d bytes, shorter than its indexed %d bytes", st.Size(), f.Size)})
		case st.Size() > f.Size:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: %d bytes after the last indexed record (being written, or a torn tail cut at the next open)",
				f.Name, st.Size()-f.Size))
		}
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".warc.gz") && !known[e.Name()] {
				rep.Warnings = append(rep.Warnings, e.Name()+": WARC file not in the index (left by a crash before its first commit, or by a retention run)")
			}
		}
	}

	// Records, in runs of one file per job.
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		jobs = make(chan []guazheng.IndexedRecord)
	)
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mr warc.MemberReader
			for recs := range jobs {
				probs, n, bytes, inflated := checkFile(&mr, dir, recs)
				mu.Lock()
				rep.Problems = append(rep.Problems, probs...)
				rep.Records += n
				rep.Bytes += bytes
				rep.Inflated += inflated
				mu.Unlock()
			}
		}()
	}
	var batch []guazheng.IndexedRecord
	flush := func() {
		if len(batch) > 0 {
			jobs <- batch
			batch = nil
		}
	}
	err = s.WARCRecords(ctx, func(r guazheng.IndexedRecord) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if missing[r.File] {
			return nil
		}
		// Jobs are runs of records of one file, so that a big file is
		// checked by several workers.
		if len(batch) > 0 && (batch[0].File != r.File || len(batch) >= 128) {
			flush()
		}
		batch = append(batch, r)
		return nil
	})
	flush()
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}

	aps, err := s.Audit().Verify(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range aps {
		rep.Problems = append(rep.Problems, Problem{Kind: "audit", Message: p.String()})
	}
	head, err := s.Audit().Head(ctx)
	if err != nil {
		return nil, err
	}
	rep.Audit = head.Seq
	ips, err := s.CaptureIntegrity(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ips {
		rep.Problems = append(rep.Problems, Problem{Kind: "index", Message: p})
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		a, b := rep.Problems[i], rep.Problems[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Offset < b.Offset
	})
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// checkFile reads back every record of one file.
func checkFile(mr *warc.MemberReader, dir string, recs []guazheng.IndexedRecord) ([]Problem, int, int64, int64) {
	var probs []Problem
	name := recs[0].File
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return []Problem{{Kind: "file", File: name, Message: err.Error()}}, 0, 0, 0
	}
	defer f.Close()
	var bytes, inflated int64
	for _, r := range recs {
		bytes += r.Length
		bad := func(msg string, args ...any) {
			probs = append(probs, Problem{Kind: "record", File: name, Offset: r.Offset, RecordID: r.RecordID,
				CaptureID: r.CaptureID, Message: r.Type + " record " + r.RecordID + ": " + fmt.Sprintf(msg, args...)})
		}
		p, err := mr.ReadAt(f, r.Offset, r.Length)
		if err != nil {
			bad("unreadable: %v", err)
			continue
		}
		inflated += mr.Inflated()
		for _, e := range p.Check() {
			bad("%v", e)
		}
		if got := p.Get("WARC-Record-ID"); got != r.RecordID {
			bad("record id in file is %s", got)
		}
		if got := p.Get("WARC-Type"); got != r.Type {
			bad("type in file is %s", got)
		}
		if r.BlockDigest != "" && !strings.EqualFold(p.Get("WARC-Block-Digest"), r.BlockDigest) {
			bad("block digest in file %s, index says %s", p.Get("WARC-Block-Digest"), r.BlockDigest)
		}
		if r.PayloadDigest != "" && !strings.EqualFold(p.Get("WARC-Payload-Digest"), r.PayloadDigest) {
			bad("payload digest in file %s, index says %s", p.Get("WARC-Payload-Digest"), r.PayloadDigest)
		}
	}
	return probs, len(recs), bytes, inflated
}
