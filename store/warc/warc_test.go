package warc

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC)

// capture builds the request, response and metadata records of one fetch.
func capture(i int, body []byte) []*Record {
	url := fmt.Sprintf("http://jobs.example/post/%d?a=1", i)
	reqBlock, reqOff := HTTPRequestBlock("GET", "/post/1?a=1", "HTTP/1.1",
		http.Header{"User-Agent": {"guazheng-test"}, "Accept": {"text/html"}}, "jobs.example", nil)
	respBlock, respOff := HTTPResponseBlock("HTTP/1.1", 200,
		http.Header{"Content-Type": {"text/html; charset=utf-8"}, "X-Multi": {"a", "b"}}, body)
	req := &Record{Type: TypeRequest, ID: NewID(), Date: t0, TargetURI: url, ContentType: "application/http;msgtype=request",
		Block: reqBlock, PayloadOffset: reqOff}
	resp := &Record{Type: TypeResponse, ID: NewID(), Date: t0, TargetURI: url, IPAddress: "127.0.0.1",
		ContentType: "application/http;msgtype=response", ConcurrentTo: []string{req.ID},
		Fields: []Field{{"WARC-Protocol", "http/1.1"}}, Block: respBlock, PayloadOffset: respOff}
	req.ConcurrentTo = []string{resp.ID}
	meta := &Record{Type: TypeMetadata, ID: NewID(), Date: t0, TargetURI: url, ContentType: "application/json",
		ConcurrentTo: []string{resp.ID, req.ID}, Block: []byte(`{"tool":"guazheng test","text":"挂证 13800138000"}`), PayloadOffset: -1}
	return []*Record{req, resp, meta}
}

func page(i, size int) []byte {
	var b bytes.Buffer
	b.WriteString("<html><head><title>招聘</title></head><body>")
	for b.Len() < size {
		fmt.Fprintf(&b, "<p>第%d条：高价收一级建造师证书，挂靠，联系电话 1380013%04d。</p>\n", i, b.Len()%10000)
	}
	b.WriteString("</body></html>")
	return b.Bytes()
}

func TestWriteReadBackIndependently(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(WriterOptions{Dir: dir, MaxSize: 3 << 10, Software: "guazheng/test", Now: func() time.Time { return t0 }})
	var locs []Location
	var infos []FileInfo
	bodies := map[string][]byte{}
	for i := range 12 {
		recs := capture(i, page(i, 10<<10+i*997))
		b, err := w.Write(recs...)
		if err != nil {
			t.Fatal(err)
		}
		if b.NewFile != nil {
			infos = append(infos, *b.NewFile)
		}
		if len(b.Locations) != 3 {
			t.Fatalf("got %d locations", len(b.Locations))
		}
		for _, l := range b.Locations {
			if l.File != b.Locations[0].File {
				t.Errorf("batch split over files")
			}
		}
		locs = append(locs, b.Locations...)
		bodies[b.Locations[1].RecordID] = page(i, 10<<10+i*997)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(infos) < 3 {
		t.Errorf("rotation: %d files, want ≥ 3", len(infos))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) != len(infos) {
		t.Errorf("%d files on disk, %d started", len(files), len(infos))
	}

	// Our reader, by location.
	for _, l := range locs {
		f, err := os.Open(filepath.Join(dir, l.File))
		if err != nil {
			t.Fatal(err)
		}
		p, err := ReadAt(f, l.Offset, l.Length)
		f.Close()
		if err != nil {
			t.Fatalf("ReadAt %+v: %v", l, err)
		}
		if errs := p.Check(); len(errs) > 0 {
			t.Errorf("Check: %v", errs)
		}
		if p.Get("WARC-Record-ID") != l.RecordID || p.Get("WARC-Block-Digest") != l.BlockDigest ||
			p.Get("WARC-Payload-Digest") != l.PayloadDigest || p.Get("WARC-Type") != l.Type {
			t.Errorf("header mismatch for %+v: %v", l, p.Fields)
		}
		if l.Type == TypeResponse && !bytes.Equal(p.Payload(), bodies[l.RecordID]) {
			t.Errorf("payload differs")
		}
	}

	// The independent reader (gowarc, strict), whole files in sequence.
	byFile := map[string][]Location{}
	for _, l := range locs {
		byFile[l.File] = append(byFile[l.File], l)
	}
	for _, info := range infos {
		r, err := gowarc.NewWarcFileReader(filepath.Join(dir, info.Name), 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		var got []gowarc.Record
		for rec, err := range r.Records() {
			if err != nil {
				t.Fatalf("gowarc %s: %v", info.Name, err)
			}
			if len(rec.Validation) > 0 {
				t.Errorf("gowarc validation: %v", rec.Validation)
			}
			v, ok := rec.WarcRecord.(interface{ ValidateDigest() ([]error, error) })
			if !ok {
				t.Fatal("gowarc record has no ValidateDigest")
			}
			if vs, err := v.ValidateDigest(); err != nil || len(vs) > 0 {
				t.Errorf("gowarc digest %s: %v %v", rec.WarcRecord.RecordId(), vs, err)
			}
			got = append(got, rec)
		}
		r.Close()
		want := byFile[info.Name]
		if len(got) != len(want)+1 {
			t.Fatalf("%s: gowarc read %d records, want %d + warcinfo", info.Name, len(got), len(want))
		}
		if got[0].WarcRecord.Type() != gowarc.Warcinfo || got[0].Size != info.InfoLength || got[0].WarcRecord.RecordId() != strings.Trim(info.WarcinfoID, "<>") {
			t.Errorf("warcinfo: %v size %d id %s", got[0].WarcRecord.Type(), got[0].Size, got[0].WarcRecord.RecordId())
		}
		for i, l := range want {
			g := got[i+1]
			if g.Offset != l.Offset || g.Size != l.Length {
				t.Errorf("%s record %d at %d+%d, indexed %d+%d", info.Name, i, g.Offset, g.Size, l.Offset, l.Length)
			}
			h := g.WarcRecord.WarcHeader()
			if h.Get(gowarc.WarcRecordID) != l.RecordID || h.Get(gowarc.WarcBlockDigest) != l.BlockDigest {
				t.Errorf("gowarc header mismatch: %v", h)
			}
			if h.Get(gowarc.WarcWarcinfoID) != info.WarcinfoID {
				t.Errorf("WARC-Warcinfo-ID %q, want %q", h.Get(gowarc.WarcWarcinfoID), info.WarcinfoID)
			}
			if l.Type == TypeResponse {
				if h.Get(gowarc.WarcIPAddress) != "127.0.0.1" || len(h.GetAll(gowarc.WarcConcurrentTo)) != 1 {
					t.Errorf("response header: %v", h)
				}
				pb, ok := g.WarcRecord.Block().(gowarc.HttpResponseBlock)
				if !ok {
					t.Fatalf("response block is %T", g.WarcRecord.Block())
				}
				if pb.HttpStatusLine() != "200 OK" {
					t.Errorf("status line %q", pb.HttpStatusLine())
				}
			}
			g.Close()
		}
		// Scan agrees on the member boundaries.
		var scanned []Member
		f, _ := os.Open(filepath.Join(dir, info.Name))
		end, err := Scan(f, func(m Member) error { scanned = append(scanned, m); return nil })
		st, _ := f.Stat()
		f.Close()
		if err != nil || end != st.Size() || len(scanned) != len(want)+1 {
			t.Errorf("Scan: end %d of %d, %d members, %v", end, st.Size(), len(scanned), err)
		}
	}
}

func TestTornTail(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(WriterOptions{Dir: dir})
	var last Batch
	for i := range 3 {
		b, err := w.Write(capture(i, page(i, 5000))...)
		if err != nil {
			t.Fatal(err)
		}
		last = b
	}
	w.Close()
	path := filepath.Join(dir, last.Locations[0].File)
	full, _ := os.ReadFile(path)
	cuts := []struct {
		name    string
		size    int64
		wantEnd int64
	}{
		{"complete", int64(len(full)), int64(len(full))},
		{"cut inside last member", last.Locations[2].Offset + last.Locations[2].Length/2, last.Locations[2].Offset},
		{"cut in gzip header", last.Locations[2].Offset + 5, last.Locations[2].Offset},
		{"one byte short", int64(len(full)) - 1, last.Locations[2].Offset},
		{"cut after first of batch", last.Locations[1].Offset, last.Locations[1].Offset},
	}
	for _, c := range cuts {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "x.warc.gz")
			os.WriteFile(p, full[:c.size], 0o644)
			end, err := ValidEnd(p)
			if err != nil || end != c.wantEnd {
				t.Errorf("ValidEnd = %d, %v; want %d", end, err, c.wantEnd)
			}
			n, err := Repair(p, end)
			if err != nil || n != c.size-end {
				t.Errorf("Repair = %d, %v", n, err)
			}
			st, _ := os.Stat(p)
			if st.Size() != end {
				t.Errorf("size after repair %d", st.Size())
			}
		})
	}
}

func TestUndoAndLock(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(WriterOptions{Dir: dir})
	b1, err := w.Write(capture(1, page(1, 3000))...)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := w.Write(capture(2, page(2, 3000))...)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Undo(b1); err == nil {
		t.Error("Undo of an earlier batch succeeded")
	}
	path := filepath.Join(dir, w.Current())
	if free, _ := TryLock(path); free {
		t.Error("file being written is not locked")
	}
	if _, err := Repair(path, 0); err == nil {
		t.Error("Repair of a locked file succeeded")
	}
	if err := w.Undo(b2); err != nil {
		t.Fatal(err)
	}
	b3, err := w.Write(capture(3, page(3, 3000))...)
	if err != nil {
		t.Fatal(err)
	}
	if b3.Locations[0].Offset != b2.Locations[0].Offset {
		t.Errorf("after undo, next batch at %d, want %d", b3.Locations[0].Offset, b2.Locations[0].Offset)
	}
	w.Close()
	st, _ := os.Stat(path)
	if st.Size() != b3.End {
		t.Errorf("file size %d, want %d", st.Size(), b3.End)
	}
	if free, _ := TryLock(path); !free {
		t.Error("closed file still locked")
	}
	var n int
	f, _ := os.Open(path)
	Scan(f, func(m Member) error { n++; return nil })
	f.Close()
	if n != 7 {
		t.Errorf("%d members, want warcinfo + 2×3", n)
	}
}

func TestReadAtRejectsDamage(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(WriterOptions{Dir: dir})
	b, _ := w.Write(capture(1, page(1, 20000))...)
	w.Close()
	full, _ := os.ReadFile(filepath.Join(dir, b.Locations[0].File))
	resp := b.Locations[1]
	tests := []struct {
		name   string
		mutate func([]byte) []byte
		off    int64
		length int64
	}{
		{"flipped byte in member", func(d []byte) []byte { d[resp.Offset+resp.Length/2] ^= 0x01; return d }, resp.Offset, resp.Length},
		{"wrong length", func(d []byte) []byte { return d }, resp.Offset, resp.Length - 1},
		{"length too long", func(d []byte) []byte { return d }, resp.Offset, resp.Length + 1},
		{"wrong offset", func(d []byte) []byte { return d }, resp.Offset + 1, resp.Length},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.mutate(bytes.Clone(full))
			p, err := ReadAt(bytes.NewReader(d), tc.off, tc.length)
			if err == nil && len(p.Check()) == 0 {
				t.Error("damage not detected")
			}
		})
	}
	// A block changed consistently with gzip still fails the digest check.
	p, err := ReadAt(bytes.NewReader(full), resp.Offset, resp.Length)
	if err != nil {
		t.Fatal(err)
	}
	p.Block[len(p.Block)-3] ^= 1
	if errs := p.Check(); len(errs) != 2 {
		t.Errorf("Check after block change: %v, want block and payload mismatch", errs)
	}
	_ = io.EOF
	_ = sort.Strings
}

func TestEncodeAhead(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(WriterOptions{Dir: dir, MaxSize: 5 << 10})
	// Before any file exists, Encode defers the work to WriteEncoded.
	e0, err := w.Encode(capture(0, page(0, 3000))...)
	if err != nil || e0.members != nil {
		t.Fatalf("Encode before first file: %v %v", err, e0.members)
	}
	b0, err := w.WriteEncoded(e0)
	if err != nil || b0.NewFile == nil {
		t.Fatal(err)
	}
	// Encoded against the current file, written into it.
	e1, _ := w.Encode(capture(1, page(1, 3000))...)
	if len(e1.members) != 3 {
		t.Fatalf("members = %d", len(e1.members))
	}
	// Another batch fills the file, so e2 (encoded now) lands in a new
	// file and must be re-encoded against that file's warcinfo.
	e2, _ := w.Encode(capture(2, page(2, 3000))...)
	if _, err := w.WriteEncoded(e1); err != nil {
		t.Fatal(err)
	}
	noise := make([]byte, 10<<10)
	rand.Read(noise)
	big := capture(3, noise) // incompressible: fills the file
	if _, err := w.Write(big...); err != nil {
		t.Fatal(err)
	}
	b2, err := w.WriteEncoded(e2)
	if err != nil {
		t.Fatal(err)
	}
	if b2.NewFile == nil || b2.Locations[0].File == b0.Locations[0].File {
		t.Fatalf("e2 not in a new file: %+v", b2)
	}
	w.Close()
	for _, name := range []string{b0.Locations[0].File, b2.Locations[0].File} {
		r, err := gowarc.NewWarcFileReader(filepath.Join(dir, name), 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		var info string
		for rec, err := range r.Records() {
			if err != nil {
				t.Fatal(err)
			}
			h := rec.WarcRecord.WarcHeader()
			if rec.WarcRecord.Type() == gowarc.Warcinfo {
				info = h.Get(gowarc.WarcRecordID)
			} else if h.Get(gowarc.WarcWarcinfoID) != info {
				t.Errorf("%s: record refers to warcinfo %s, file has %s", name, h.Get(gowarc.WarcWarcinfoID), info)
			}
			rec.Close()
		}
		r.Close()
	}
}
