package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

// sandboxCSP forbids scripts, plugins, forms, navigation of other frames
// and every network load: a captured page may carry tracking pixels of the
// broker's site, which would tell him who is looking.
const sandboxCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

const sandboxLinkLife = 10 * time.Minute

func (s *Server) sign(postID, captureID, exp int64) string {
	m := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(m, "capture:%d:%d:%d", postID, captureID, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// sandboxLink is the signed URL of a capture on the sandbox origin.
func (s *Server) sandboxLink(postID, captureID int64) string {
	if s.sandbox == nil {
		return ""
	}
	exp := s.now().Add(sandboxLinkLife).Unix()
	q := url.Values{"post": {strconv.FormatInt(postID, 10)}, "exp": {strconv.FormatInt(exp, 10)},
		"sig": {s.sign(postID, captureID, exp)}}
	return s.sandbox.String() + "/capture/" + strconv.FormatInt(captureID, 10) + "?" + q.Encode()
}

func findCapture(caps []guazheng.CaptureRecord, id int64) *guazheng.CaptureRecord {
	for i := range caps {
		if caps[i].ID == id {
			return &caps[i]
		}
	}
	return nil
}

// capturePage shows a capture's metadata and the raw page in a sandboxed
// iframe served by the sandbox origin.
func (s *Server) capturePage(w http.ResponseWriter, r *http.Request) {
	id, ok1 := pathID(r, "id")
	cid, ok2 := pathID(r, "cid")
	if !ok1 || !ok2 {
		s.errorPage(w, r, http.StatusNotFound, "记录不存在。")
		return
	}
	h, err := s.store.GetHit(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := findCapture(h.Post.Captures, cid)
	if c == nil {
		s.errorPage(w, r, http.StatusNotFound, "该线索没有这条抓取记录。")
		return
	}
	s.render(w, r, "capture", fmt.Sprintf("抓取记录 #%d", cid), map[string]any{"H": h, "C": c,
		"Frame": s.sandboxLink(h.PostID, cid)})
}

// serveSandbox serves the raw body of a capture. It reads no cookie and sets
// none; the link's signature is the authorisation.
func (s *Server) serveSandbox(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", sandboxCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/capture/")
	cid, err := strconv.ParseInt(rest, 10, 64)
	q := r.URL.Query()
	postID, err2 := strconv.ParseInt(q.Get("post"), 10, 64)
	exp, err3 := strconv.ParseInt(q.Get("exp"), 10, 64)
	if !ok || err != nil || err2 != nil || err3 != nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if !hmac.Equal([]byte(q.Get("sig")), []byte(s.sign(postID, cid, exp))) || s.now().Unix() > exp {
		http.Error(w, "链接无效或已过期，请从线索页面重新打开。", http.StatusForbidden)
		return
	}
	caps, err := s.store.Captures(r.Context(), []int64{postID})
	if err != nil {
		s.log.Error("sandbox", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	c := findCapture(caps, cid)
	if c == nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	body, err := s.captureBody(c)
	if err != nil {
		s.log.Error("sandbox: read capture", "capture", cid, "err", err)
		http.Error(w, "抓取内容无法读取。", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", sandboxType(c))
	w.Write(body)
}

// sandboxType is the content type the raw body is served with: HTML as
// HTML in its original charset, anything else as plain text.
func sandboxType(c *guazheng.CaptureRecord) string {
	mt, params, _ := mime.ParseMediaType(c.ResponseHeader.Get("Content-Type"))
	cs := c.Charset
	if cs == "" {
		cs = params["charset"]
	}
	if cs == "" || strings.ContainsAny(cs, ";\r\n\" ") {
		cs = "utf-8"
	}
	if mt == "text/html" || mt == "application/xhtml+xml" || (mt == "" && c.Kind == "page") {
		return "text/html; charset=" + cs
	}
	return "text/plain; charset=" + cs
}

// captureBody reads the response payload of c from its WARC record.
func (s *Server) captureBody(c *guazheng.CaptureRecord) ([]byte, error) {
	for _, rec := range c.Records {
		if rec.Type != "response" {
			continue
		}
		if strings.Contains(rec.File, "/") || strings.Contains(rec.File, `\`) || strings.Contains(rec.File, "..") {
			return nil, fmt.Errorf("capture %d: bad WARC file name %q", c.ID, rec.File)
		}
		f, err := os.Open(filepath.Join(s.store.WARCDir(), rec.File))
		if err != nil {
			return nil, fmt.Errorf("capture %d: %w", c.ID, err)
		}
		defer f.Close()
		p, err := warc.ReadAt(f, rec.Offset, rec.Length)
		if err != nil {
			return nil, fmt.Errorf("capture %d: %w", c.ID, err)
		}
		return p.Payload(), nil
	}
	return nil, fmt.Errorf("capture %d: no response record", c.ID)
}
