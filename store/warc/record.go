// Package warc writes and reads WARC 1.1 files (ISO 28500:2017) as the store
// uses them: .warc.gz files with one gzip member per record, a warcinfo
// record at the start of each file, SHA-256 block and payload digests, and
// rotation by size. The writer reports the exact offset and length of every
// record's gzip member so that an index can fetch or copy it later; the
// reader reads one member back from such a location and checks it.
package warc

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Record types used by the store.
const (
	TypeWarcinfo = "warcinfo"
	TypeRequest  = "request"
	TypeResponse = "response"
	TypeMetadata = "metadata"
	TypeResource = "resource"
)

// Field is one WARC header field.
type Field struct {
	Name, Value string
}

// Record is a WARC record to write. The writer fills ID (when empty), the
// digests, Content-Length and WARC-Warcinfo-ID.
type Record struct {
	Type         string
	ID           string // "<urn:uuid:…>"; NewID() when empty
	Date         time.Time
	TargetURI    string
	ContentType  string
	IPAddress    string
	ConcurrentTo []string // record ids of the same capture
	Fields       []Field  // further fields, e.g. WARC-Protocol, WARC-Truncated
	Block        []byte
	// PayloadOffset is where the payload starts inside Block (after the HTTP
	// head of a request or response); -1 means the record has no payload
	// digest.
	PayloadOffset int
	// BlockDigest and PayloadDigest, when set (by Digests), are written as
	// they are instead of being computed during Write.
	BlockDigest, PayloadDigest string
}

// Digests computes (once) and returns the record's block and payload
// digests; the payload digest is "" when PayloadOffset is -1.
func (r *Record) Digests() (block, payload string) {
	if r.BlockDigest == "" {
		r.BlockDigest = Digest(r.Block)
		if r.PayloadOffset >= 0 && r.PayloadOffset <= len(r.Block) {
			r.PayloadDigest = Digest(r.Block[r.PayloadOffset:])
		}
	}
	return r.BlockDigest, r.PayloadDigest
}

// NewID returns a fresh record id, "<urn:uuid:…>" with a random (v4) UUID.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return "<urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:] + ">"
}

// Digest returns the WARC digest label of b: "sha256:" and 64 lower-case hex
// digits, the same value sha256sum prints.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// FormatDate formats t as a WARC-Date (UTC, RFC 3339 with up to nanoseconds).
func FormatDate(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// head renders the record's header, with digests computed over the block.
func (r *Record) head(warcinfoID string) (h []byte, blockDigest, payloadDigest string) {
	var b bytes.Buffer
	b.Grow(512)
	field := func(name, value string) {
		if value == "" {
			return
		}
		// Field values may not contain CR or LF: fold them to spaces.
		value = strings.NewReplacer("\r", " ", "\n", " ").Replace(value)
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteString("\r\n")
	}
	b.WriteString("WARC/1.1\r\n")
	field("WARC-Type", r.Type)
	field("WARC-Record-ID", r.ID)
	field("WARC-Date", FormatDate(r.Date))
	field("WARC-Target-URI", r.TargetURI)
	field("WARC-IP-Address", r.IPAddress)
	for _, c := range r.ConcurrentTo {
		field("WARC-Concurrent-To", c)
	}
	if r.Type != TypeWarcinfo {
		field("WARC-Warcinfo-ID", warcinfoID)
	}
	for _, f := range r.Fields {
		field(f.Name, f.Value)
	}
	field("Content-Type", r.ContentType)
	blockDigest, payloadDigest = r.Digests()
	field("WARC-Block-Digest", blockDigest)
	field("WARC-Payload-Digest", payloadDigest)
	field("Content-Length", strconv.Itoa(len(r.Block)))
	b.WriteString("\r\n")
	return b.Bytes(), blockDigest, payloadDigest
}

// HTTPRequestBlock renders an HTTP/1.1 request head (request line and
// header, sorted) followed by body, and returns it with the payload offset.
func HTTPRequestBlock(method, target, proto string, header http.Header, host string, body []byte) ([]byte, int) {
	var b bytes.Buffer
	if proto == "" {
		proto = "HTTP/1.1"
	}
	if method == "" {
		method = http.MethodGet
	}
	fmt.Fprintf(&b, "%s %s %s\r\n", method, target, proto)
	if host != "" && header.Get("Host") == "" {
		fmt.Fprintf(&b, "Host: %s\r\n", host)
	}
	writeHeader(&b, header)
	b.WriteString("\r\n")
	off := b.Len()
	b.Write(body)
	return b.Bytes(), off
}

// HTTPResponseBlock renders an HTTP response head (status line and header,
// sorted) followed by body, and returns it with the payload offset.
func HTTPResponseBlock(proto string, status int, header http.Header, body []byte) ([]byte, int) {
	var b bytes.Buffer
	b.Grow(len(body) + 1024)
	if proto == "" {
		proto = "HTTP/1.1"
	}
	text := http.StatusText(status)
	if text == "" {
		text = "Status"
	}
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, status, text)
	writeHeader(&b, header)
	b.WriteString("\r\n")
	off := b.Len()
	b.Write(body)
	return b.Bytes(), off
}

func writeHeader(b *bytes.Buffer, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	clean := strings.NewReplacer("\r", " ", "\n", " ")
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(clean.Replace(k))
			b.WriteString(": ")
			b.WriteString(clean.Replace(v))
			b.WriteString("\r\n")
		}
	}
}
