package warc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// Parsed is a WARC record read back.
type Parsed struct {
	Version string  // e.g. "WARC/1.1"
	Fields  []Field // header fields in file order
	Block   []byte
}

// Get returns the first value of the named field (case-insensitive), or "".
func (p *Parsed) Get(name string) string {
	for _, f := range p.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// GetAll returns every value of the named field.
func (p *Parsed) GetAll(name string) []string {
	var out []string
	for _, f := range p.Fields {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Payload returns the payload of the block: after the HTTP head for
// request and response records (Content-Type application/http), the whole
// block otherwise.
func (p *Parsed) Payload() []byte {
	if strings.HasPrefix(strings.ToLower(p.Get("Content-Type")), "application/http") {
		if i := bytes.Index(p.Block, []byte("\r\n\r\n")); i >= 0 {
			return p.Block[i+4:]
		}
		return nil
	}
	return p.Block
}

// Check recomputes the block digest and, when the record declares one, the
// payload digest, and compares them with the header. It returns one error
// per mismatch.
func (p *Parsed) Check() []error {
	var errs []error
	if want := p.Get("WARC-Block-Digest"); want == "" {
		errs = append(errs, errors.New("no WARC-Block-Digest"))
	} else if got := Digest(p.Block); !strings.EqualFold(got, want) {
		errs = append(errs, fmt.Errorf("block digest %s, header says %s", got, want))
	}
	if want := p.Get("WARC-Payload-Digest"); want != "" {
		if got := Digest(p.Payload()); !strings.EqualFold(got, want) {
			errs = append(errs, fmt.Errorf("payload digest %s, header says %s", got, want))
		}
	}
	return errs
}

// Parse parses one uncompressed WARC record, which must be followed by the
// CRLF CRLF terminator and nothing else.
func Parse(raw []byte) (*Parsed, error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, errors.New("warc: no end of header")
	}
	lines := strings.Split(string(raw[:end]), "\r\n")
	p := &Parsed{Version: lines[0]}
	if p.Version != "WARC/1.1" && p.Version != "WARC/1.0" {
		return nil, fmt.Errorf("warc: bad version line %q", p.Version)
	}
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" {
			return nil, fmt.Errorf("warc: bad header line %q", l)
		}
		p.Fields = append(p.Fields, Field{Name: name, Value: strings.TrimSpace(value)})
	}
	cl, err := strconv.ParseInt(p.Get("Content-Length"), 10, 64)
	if err != nil || cl < 0 {
		return nil, fmt.Errorf("warc: bad Content-Length %q", p.Get("Content-Length"))
	}
	rest := raw[end+4:]
	if int64(len(rest)) != cl+4 || !bytes.Equal(rest[cl:], []byte("\r\n\r\n")) {
		return nil, fmt.Errorf("warc: record of %d bytes after header, Content-Length %d + terminator expected", len(rest), cl)
	}
	p.Block = rest[:cl]
	return p, nil
}

// MemberReader reads single records from known locations, reusing its
// buffers. It is not safe for concurrent use.
type MemberReader struct {
	zr  *gzip.Reader
	raw bytes.Buffer
	br  *bufio.Reader
}

// Inflated is the uncompressed size of the last record read.
func (m *MemberReader) Inflated() int64 { return int64(m.raw.Len()) }

// ReadAt reads the gzip member at [off, off+length) of r, which must hold
// exactly one complete member, and parses the record in it. The returned
// record's Block is valid until the next call.
func (m *MemberReader) ReadAt(r io.ReaderAt, off, length int64) (*Parsed, error) {
	sr := io.NewSectionReader(r, off, length)
	if m.br == nil {
		m.br = bufio.NewReaderSize(sr, 64<<10)
	} else {
		m.br.Reset(sr)
	}
	if m.zr == nil {
		zr, err := gzip.NewReader(m.br)
		if err != nil {
			return nil, fmt.Errorf("warc: gzip member at %d: %w", off, err)
		}
		m.zr = zr
	} else if err := m.zr.Reset(m.br); err != nil {
		return nil, fmt.Errorf("warc: gzip member at %d: %w", off, err)
	}
	m.zr.Multistream(false)
	m.raw.Reset()
	if _, err := m.raw.ReadFrom(m.zr); err != nil {
		return nil, fmt.Errorf("warc: gzip member at %d: %w", off, err)
	}
	if _, err := m.br.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("warc: member at %d is shorter than its indexed length %d", off, length)
	}
	return Parse(m.raw.Bytes())
}

// ReadAt reads the record whose gzip member lies at [off, off+length) of r.
func ReadAt(r io.ReaderAt, off, length int64) (*Parsed, error) {
	var m MemberReader
	p, err := m.ReadAt(r, off, length)
	if err != nil {
		return nil, err
	}
	p.Block = bytes.Clone(p.Block)
	return p, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Member is one gzip member found by Scan.
type Member struct {
	Offset, Length int64
	Record         *Parsed // nil when the member did not parse as a WARC record
}

// Scan walks the gzip members of a .warc.gz stream from its start and calls
// fn for each complete member. It returns the end of the last complete
// member: bytes after it are a torn tail (a member cut short by a crash).
func Scan(r io.Reader, fn func(Member) error) (validEnd int64, err error) {
	cr := &countReader{r: r}
	br := bufio.NewReaderSize(cr, 256<<10)
	var zr *gzip.Reader
	var raw bytes.Buffer
	for {
		pos := cr.n - int64(br.Buffered())
		if _, err := br.Peek(1); err == io.EOF {
			return pos, nil
		}
		if zr == nil {
			zr, err = gzip.NewReader(br)
		} else {
			err = zr.Reset(br)
		}
		if err != nil {
			return pos, nil // torn header
		}
		zr.Multistream(false)
		raw.Reset()
		if _, err := raw.ReadFrom(zr); err != nil {
			return pos, nil // torn body
		}
		end := cr.n - int64(br.Buffered())
		m := Member{Offset: pos, Length: end - pos}
		if p, perr := Parse(raw.Bytes()); perr == nil {
			m.Record = p
		}
		if fn != nil {
			if err := fn(m); err != nil {
				return end, err
			}
		}
	}
}

// ValidEnd returns the end of the last complete gzip member of the file.
func ValidEnd(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return Scan(f, nil)
}

// Repair truncates the file at path to end if it is longer (a torn tail, or
// records written but never indexed) and returns how many bytes it removed.
// It refuses when another process holds the file's write lock.
func Repair(path string, end int64) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if st.Size() <= end {
		return 0, nil
	}
	free, err := TryLock(path)
	if err != nil {
		return 0, err
	}
	if !free {
		return 0, fmt.Errorf("warc: %s is being written by another process", path)
	}
	if err := os.Truncate(path, end); err != nil {
		return 0, err
	}
	return st.Size() - end, nil
}
