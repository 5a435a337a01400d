package demosite

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// templateFuncs are the template helpers shared by the three sites.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		// lines splits a text into its non-empty lines.
		"lines": func(s string) []string {
			var out []string
			for _, l := range strings.Split(s, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, l)
				}
			}
			return out
		},
		"date":     func(t time.Time) string { return t.In(cst).Format("2006-01-02") },
		"datetime": func(t time.Time) string { return t.In(cst).Format("2006-01-02 15:04") },
		"iso":      func(t time.Time) string { return t.In(cst).Format(time.RFC3339) },
		// discuzTime is how the forum writes times: 2025-6-3 09:12.
		"discuzTime": func(t time.Time) string { return t.In(cst).Format("2006-1-2 15:04") },
		"add":        func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i + 1
			}
			return s
		},
	}
}

func parseTemplates(name string) (*template.Template, error) {
	t, err := template.New("").Funcs(templateFuncs()).ParseFS(content, name)
	if err != nil {
		return nil, fmt.Errorf("parse embedded %s: %w", name, err)
	}
	return t, nil
}

// render executes the named template into UTF-8 bytes.
func render(t *template.Template, name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// toGBK encodes a UTF-8 page as GBK. Characters GBK lacks (emoji, math
// digits) become HTML character references, as old GBK forums store them.
func toGBK(page []byte) ([]byte, error) {
	enc := encoding.HTMLEscapeUnsupported(simplifiedchinese.GBK.NewEncoder())
	b, err := enc.Bytes(page)
	if err != nil {
		return nil, fmt.Errorf("encode page as GBK: %w", err)
	}
	return b, nil
}

// reply says how to answer one request.
type reply struct {
	status      int
	contentType string
	body        []byte
	etag        bool      // send an ETag and honour If-None-Match (200 only)
	modified    time.Time // send Last-Modified and honour If-Modified-Since (200 only)
}

func (rp reply) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", rp.contentType)
	if rp.status != http.StatusOK {
		h.Set("Content-Length", fmt.Sprint(len(rp.body)))
		w.WriteHeader(rp.status)
		if r.Method != http.MethodHead {
			w.Write(rp.body)
		}
		return
	}
	if rp.etag {
		sum := sha256.Sum256(rp.body)
		h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	}
	// ServeContent answers conditional and HEAD requests.
	http.ServeContent(w, r, "", rp.modified, bytes.NewReader(rp.body))
}

// fail answers a rendering failure, which only a broken template causes.
func fail(w http.ResponseWriter, err error) {
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// jsonBody encodes v as indented JSON, leaving <, > and & as they are.
func jsonBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return buf.Bytes(), nil
}
