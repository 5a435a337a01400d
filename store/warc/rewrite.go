package warc

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Span is a byte range of a file (one gzip member).
type Span struct{ Offset, Length int64 }

// Rewrite copies the members spans of the file src (in dir) byte for byte
// into a new file in dir that starts with a fresh warcinfo record whose
// record id is warcinfoID (the id the copied records refer to), and returns
// the new file's info and each span's new offset. The new file is synced
// before Rewrite returns; src is left alone.
func Rewrite(opts WriterOptions, src, warcinfoID string, spans []Span) (FileInfo, []int64, error) {
	in, err := os.Open(filepath.Join(opts.Dir, src))
	if err != nil {
		return FileInfo{}, nil, fmt.Errorf("warc: rewrite: %w", err)
	}
	defer in.Close()
	opts.Sync = true
	opts.MaxSize = 1 << 62
	opts.Info = append(opts.Info, Field{Name: "description", Value: "rewritten by a retention run from " + src})
	w := NewWriter(opts)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.infoID = warcinfoID
	if err := w.newFile(); err != nil {
		return FileInfo{}, nil, err
	}
	fail := func(err error) (FileInfo, []int64, error) {
		name := w.info.Name
		w.closeFile()
		os.Remove(filepath.Join(opts.Dir, name))
		return FileInfo{}, nil, fmt.Errorf("warc: rewrite %s: %w", src, err)
	}
	offs := make([]int64, len(spans))
	for i, s := range spans {
		offs[i] = w.cw.n
		if _, err := io.Copy(&w.cw, io.NewSectionReader(in, s.Offset, s.Length)); err != nil {
			return fail(err)
		}
	}
	info := w.info
	if err := w.closeFile(); err != nil {
		return fail(err)
	}
	return info, offs, nil
}
