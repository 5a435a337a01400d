package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	Dir     string // directory of the WARC files; created when missing
	MaxSize int64  // a new file is started once the current one reaches this size; default 1 GiB
	Prefix  string // file name prefix; default "guazheng"
	// Software names the tool in each warcinfo record, e.g. "guazheng/0.1.0".
	Software string
	// Info holds further warcinfo fields (operator, hostname, …).
	Info []Field
	// Level is the gzip level; default gzip.DefaultCompression.
	Level int
	// Sync fsyncs the file at the end of every Write.
	Sync bool
	// Now is the clock for warcinfo dates and file names; default time.Now.
	Now func() time.Time
}

// Location is where one record's gzip member lies, with the digests written
// in its header.
type Location struct {
	File          string // base name inside the directory
	Offset        int64  // of the gzip member
	Length        int64  // of the gzip member
	Type          string
	RecordID      string
	BlockDigest   string
	PayloadDigest string // empty when the record has none
}

// FileInfo describes a file the writer started; its warcinfo record takes
// the bytes [0, InfoLength).
type FileInfo struct {
	Name       string
	Created    time.Time
	WarcinfoID string
	InfoLength int64
}

// Batch is the result of one Write.
type Batch struct {
	Locations []Location
	// NewFile is set when this Write started a new file.
	NewFile *FileInfo
	// Closed names the file that this Write rotated away from, if any.
	Closed string
	// End is the size of the file after the batch.
	End int64
}

// Writer appends records to size-rotated .warc.gz files in one directory.
// Each Write puts all its records in one file. It is safe for concurrent use.
// The file being written is locked (flock) so that another process does not
// repair it while it grows.
type Writer struct {
	mu    sync.Mutex
	opts  WriterOptions
	f     *os.File
	bw    *bufio.Writer
	cw    countWriter
	zw    *gzip.Writer
	info  FileInfo
	size  int64
	seq   int
	taint bool // last write failed: start a new file before writing again
	// infoID, when set, is the record id of the next warcinfo record.
	infoID string
	zpool  sync.Pool // *gzip.Writer for Encode
}

// NewWriter returns a writer; no file is created before the first Write.
func NewWriter(opts WriterOptions) *Writer {
	if opts.MaxSize <= 0 {
		opts.MaxSize = 1 << 30
	}
	if opts.Prefix == "" {
		opts.Prefix = "guazheng"
	}
	if opts.Software == "" {
		opts.Software = "guazheng"
	}
	if opts.Level == 0 {
		opts.Level = gzip.DefaultCompression
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Writer{opts: opts}
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Current is the file being written ("" before the first Write).
func (w *Writer) Current() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.info.Name
}

// Encoded is a batch of records compressed ahead of WriteEncoded, outside
// the writer's lock, so that concurrent callers compress in parallel.
type Encoded struct {
	infoID  string // warcinfo id the members were encoded against
	recs    []*Record
	members [][]byte
}

// Encode fills the records' ids and digests and compresses them, each into
// its own gzip member, against the warcinfo record of the current file. If
// the file has changed by the time of WriteEncoded, the records are encoded
// again there. Encode does not hold the writer's lock while compressing.
func (w *Writer) Encode(recs ...*Record) (*Encoded, error) {
	for _, r := range recs {
		if r.ID == "" {
			r.ID = NewID()
		}
		r.Digests()
	}
	e := &Encoded{recs: recs}
	w.mu.Lock()
	if w.f != nil && w.size < w.opts.MaxSize && !w.taint {
		e.infoID = w.info.WarcinfoID
	}
	w.mu.Unlock()
	if e.infoID == "" {
		return e, nil // the file is about to change: encode in WriteEncoded
	}
	zw, _ := w.zpool.Get().(*gzip.Writer)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(io.Discard, w.opts.Level); err != nil {
			return nil, fmt.Errorf("warc: gzip: %w", err)
		}
	}
	defer w.zpool.Put(zw)
	for _, r := range recs {
		var buf bytes.Buffer
		buf.Grow(len(r.Block)/3 + 1024)
		if err := encodeMember(zw, &buf, r, e.infoID); err != nil {
			return nil, fmt.Errorf("warc: encode %s record: %w", r.Type, err)
		}
		e.members = append(e.members, buf.Bytes())
	}
	return e, nil
}

func encodeMember(zw *gzip.Writer, dst io.Writer, r *Record, warcinfoID string) error {
	head, _, _ := r.head(warcinfoID)
	zw.Reset(dst)
	if _, err := zw.Write(head); err != nil {
		return err
	}
	if _, err := zw.Write(r.Block); err != nil {
		return err
	}
	if _, err := zw.Write([]byte("\r\n\r\n")); err != nil {
		return err
	}
	return zw.Close()
}

// Write appends recs, in order, as one gzip member each, rotating to a new
// file first when the current one has reached MaxSize. On error nothing of
// the batch remains in the file.
func (w *Writer) Write(recs ...*Record) (Batch, error) {
	for _, r := range recs {
		if r.ID == "" {
			r.ID = NewID()
		}
	}
	return w.WriteEncoded(&Encoded{recs: recs})
}

// WriteEncoded appends an encoded batch (see Write).
func (w *Writer) WriteEncoded(e *Encoded) (Batch, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b Batch
	if w.f != nil && (w.size >= w.opts.MaxSize || w.taint) {
		b.Closed = w.info.Name
		if err := w.closeFile(); err != nil {
			return b, err
		}
	}
	if w.f == nil {
		if err := w.newFile(); err != nil {
			return Batch{}, err
		}
		info := w.info
		b.NewFile = &info
	}
	start := w.size
	b.Locations = make([]Location, 0, len(e.recs))
	fresh := e.infoID != w.info.WarcinfoID || len(e.members) != len(e.recs)
	for i, r := range e.recs {
		var loc Location
		var err error
		if fresh {
			loc, err = w.writeRecord(r)
		} else {
			off := w.cw.n
			if _, err = w.cw.Write(e.members[i]); err == nil {
				w.size = w.cw.n
				loc = Location{File: w.info.Name, Offset: off, Length: w.cw.n - off, Type: r.Type,
					RecordID: r.ID, BlockDigest: r.BlockDigest, PayloadDigest: r.PayloadDigest}
			}
		}
		if err != nil {
			w.undo(start)
			return Batch{}, fmt.Errorf("write %s record to %s: %w", r.Type, w.info.Name, err)
		}
		b.Locations = append(b.Locations, loc)
	}
	if err := w.bw.Flush(); err != nil {
		w.undo(start)
		return Batch{}, fmt.Errorf("write %s: %w", w.info.Name, err)
	}
	if w.opts.Sync {
		if err := w.f.Sync(); err != nil {
			w.undo(start)
			return Batch{}, fmt.Errorf("sync %s: %w", w.info.Name, err)
		}
	}
	b.End = w.size
	return b, nil
}

// Undo removes batch b from the end of the current file (used when the
// index of the batch could not be committed). It fails if other records
// were written after b.
func (w *Writer) Undo(b Batch) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(b.Locations) == 0 {
		return nil
	}
	if w.f == nil || b.Locations[0].File != w.info.Name || b.End != w.size {
		return errors.New("warc: undo of a batch that is not the last one written")
	}
	w.undo(b.Locations[0].Offset)
	if w.taint {
		return fmt.Errorf("warc: undo: could not truncate %s", w.info.Name)
	}
	return nil
}

// undo truncates the current file to off; on failure the file is marked so
// that the next Write starts a new one.
func (w *Writer) undo(off int64) {
	w.bw.Reset(&fileAt{w.f})
	if err := w.f.Truncate(off); err != nil {
		w.taint = true
		return
	}
	if _, err := w.f.Seek(off, io.SeekStart); err != nil {
		w.taint = true
		return
	}
	w.size = off
	w.cw.n = off
}

type fileAt struct{ f *os.File }

func (f *fileAt) Write(p []byte) (int, error) { return f.f.Write(p) }

func (w *Writer) writeRecord(r *Record) (Location, error) {
	off := w.cw.n
	if err := encodeMember(w.zw, &w.cw, r, w.info.WarcinfoID); err != nil {
		return Location{}, err
	}
	w.size = w.cw.n
	return Location{File: w.info.Name, Offset: off, Length: w.cw.n - off, Type: r.Type,
		RecordID: r.ID, BlockDigest: r.BlockDigest, PayloadDigest: r.PayloadDigest}, nil
}

func (w *Writer) newFile() error {
	if err := os.MkdirAll(w.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("warc: create directory: %w", err)
	}
	now := w.opts.Now().UTC()
	var f *os.File
	var name string
	for try := 0; ; try++ {
		w.seq++
		name = fmt.Sprintf("%s-%s-%05d-%s.warc.gz", w.opts.Prefix, now.Format("20060102150405"), w.seq, NewID()[10:18])
		var err error
		f, err = os.OpenFile(filepath.Join(w.opts.Dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || try > 10 {
			return fmt.Errorf("warc: create file: %w", err)
		}
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return fmt.Errorf("warc: lock %s: %w", name, err)
	}
	w.f = f
	w.info = FileInfo{Name: name, Created: now}
	w.size, w.taint = 0, false
	if w.bw == nil {
		w.bw = bufio.NewWriterSize(&fileAt{f}, 256<<10)
	} else {
		w.bw.Reset(&fileAt{f})
	}
	w.cw = countWriter{w: w.bw}
	if w.zw == nil {
		zw, err := gzip.NewWriterLevel(io.Discard, w.opts.Level)
		if err != nil {
			return fmt.Errorf("warc: gzip: %w", err)
		}
		w.zw = zw
	}
	id := w.infoID
	if id == "" {
		id = NewID()
	}
	info := &Record{Type: TypeWarcinfo, ID: id, Date: now, ContentType: "application/warc-fields",
		Fields: []Field{{"WARC-Filename", name}}, PayloadOffset: -1}
	var blk []byte
	for _, fl := range append([]Field{
		{"software", w.opts.Software},
		{"format", "WARC File Format 1.1"},
		{"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
	}, w.opts.Info...) {
		blk = append(blk, fl.Name+": "+fl.Value+"\r\n"...)
	}
	info.Block = blk
	w.info.WarcinfoID = info.ID
	if _, err := w.writeRecord(info); err != nil {
		w.closeFile()
		return fmt.Errorf("warc: write warcinfo: %w", err)
	}
	if err := w.bw.Flush(); err != nil {
		w.closeFile()
		return fmt.Errorf("warc: write warcinfo: %w", err)
	}
	w.info.InfoLength = w.size
	return nil
}

func (w *Writer) closeFile() error {
	if w.f == nil {
		return nil
	}
	var errs []error
	if !w.taint {
		errs = append(errs, w.bw.Flush())
	}
	if w.opts.Sync {
		errs = append(errs, w.f.Sync())
	}
	errs = append(errs, w.f.Close())
	w.f = nil
	w.info = FileInfo{}
	w.size = 0
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("warc: close: %w", err)
	}
	return nil
}

// Close flushes and closes the current file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closeFile()
}
