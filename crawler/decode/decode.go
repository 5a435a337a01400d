// Package decode turns the raw bytes of a fetched page into UTF-8 text,
// whatever the page's encoding: byte-order mark first, then an operator's
// override, the Content-Type header, the <meta> declaration (searched well
// past the first kilobyte) and a statistical guess last. Every GB-family
// label decodes as GB18030, so characters outside GBK survive. A candidate
// that decodes badly (too many U+FFFD) gives way to the next one, which
// catches lying headers; a page that decodes badly whatever the candidate is
// reported as such.
package decode

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Where a charset came from.
const (
	FromBOM      = "bom"
	FromOverride = "override"
	FromHeader   = "header"
	FromMeta     = "meta"
	FromGuess    = "guess"
)

// MetaScanLimit is how far into a page the <meta> declaration is searched.
// x/net's prescan stops at 1024 bytes, before the <meta> of pages with long
// scripts or styles in their head.
const MetaScanLimit = 64 << 10

// BadRatio is the share of U+FFFD among decoded runes above which a
// decoding is bad.
const BadRatio = 0.005

// Result is a decoded page.
type Result struct {
	Text         string // the page as UTF-8
	Charset      string // canonical name of the encoding used, e.g. "utf-8", "gb18030"
	Source       string // where the charset came from: FromBOM … FromGuess
	Replacements int    // U+FFFD runes produced by decoding
	Runes        int    // runes in Text
	// Mismatch names the declaration that was tried first and decoded badly,
	// e.g. "header:utf-8", when another candidate won.
	Mismatch string
	// Bad is set when even the best candidate decoded badly.
	Bad bool
}

type candidate struct {
	name, source string
	enc          encoding.Encoding
}

// Decode decodes body. contentType is the response's Content-Type header,
// override an operator's charset for the site ("" for none).
func Decode(body []byte, contentType, override string) Result {
	var cands []candidate
	add := func(label, source string) {
		if label == "" {
			return
		}
		enc, name, ok := Lookup(label)
		if !ok {
			return
		}
		for _, c := range cands {
			if c.name == name {
				return
			}
		}
		cands = append(cands, candidate{name: name, source: source, enc: enc})
	}
	if bom := bomLabel(body); bom != "" {
		add(bom, FromBOM)
	}
	add(override, FromOverride)
	add(HeaderCharset(contentType), FromHeader)
	add(MetaCharset(body, MetaScanLimit), FromMeta)
	for _, g := range guesses(body) {
		add(g, FromGuess)
	}

	// Non-ASCII text that is valid UTF-8 is UTF-8 whatever a header or
	// <meta> says: GBK text is almost never valid UTF-8, while GB18030
	// decodes UTF-8 bytes into plausible-looking mojibake with no U+FFFD.
	if cands[0].name != "utf-8" && cands[0].source != FromBOM && hasNonASCII(body) && utf8.Valid(body) {
		r := decodeWith(body, candidate{name: "utf-8", source: FromGuess})
		r.Mismatch = cands[0].source + ":" + cands[0].name
		return r
	}

	var best Result
	for i, c := range cands {
		r := decodeWith(body, c)
		if i == 0 || r.Replacements < best.Replacements {
			best = r
		}
		if !bad(r) {
			if i > 0 {
				r.Mismatch = cands[0].source + ":" + cands[0].name
			}
			return r
		}
	}
	best.Bad = true
	if len(cands) > 0 && best.Charset != cands[0].name {
		best.Mismatch = cands[0].source + ":" + cands[0].name
	}
	return best
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

func bad(r Result) bool {
	return r.Replacements > 0 && float64(r.Replacements) > BadRatio*float64(r.Runes)
}

func decodeWith(body []byte, c candidate) Result {
	b := body
	if c.source == FromBOM || bomLabel(b) == c.name {
		b = stripBOM(b)
	}
	var text string
	if c.name == "utf-8" {
		text = string(b)
		if !utf8.ValidString(text) {
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
	} else {
		out, err := c.enc.NewDecoder().Bytes(b)
		if err != nil {
			text = strings.ToValidUTF8(string(b), "\uFFFD")
		} else {
			text = string(out)
		}
	}
	r := Result{Text: text, Charset: c.name, Source: c.source}
	for _, ch := range text {
		r.Runes++
		if ch == utf8.RuneError {
			r.Replacements++
		}
	}
	return r
}

// Lookup maps a charset label to its encoding and canonical name. Every
// GB-family label (gb2312, gbk, x-gbk, chinese, gb18030, …) maps to GB18030.
func Lookup(label string) (encoding.Encoding, string, bool) {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch label {
	case "":
		return nil, "", false
	case "utf8":
		label = "utf-8"
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, "", false
	}
	switch {
	case name == "gbk" || name == "gb18030" || name == "gb2312" || enc == simplifiedchinese.GBK || enc == simplifiedchinese.GB18030:
		return simplifiedchinese.GB18030, "gb18030", true
	case name == "big5":
		return traditionalchinese.Big5, "big5", true
	}
	return enc, name, true
}

// HeaderCharset returns the charset parameter of a Content-Type value.
func HeaderCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Be lenient with broken headers such as "text/html;charset=gbk;".
		i := strings.Index(strings.ToLower(contentType), "charset=")
		if i < 0 {
			return ""
		}
		v := contentType[i+len("charset="):]
		if j := strings.IndexAny(v, "; "); j >= 0 {
			v = v[:j]
		}
		return strings.Trim(v, `"'`)
	}
	return params["charset"]
}

// MetaCharset finds the charset declared by <meta charset> or
// <meta http-equiv="Content-Type" content="…charset=…"> in the first limit
// bytes of an HTML page, stopping at <body>.
func MetaCharset(body []byte, limit int) string {
	if len(body) > limit {
		body = body[:limit]
	}
	if !bytes.Contains(bytes.ToLower(body), []byte("<meta")) {
		return ""
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				if !hasAttr {
					continue
				}
				var cs, equiv, content string
				for {
					k, v, more := z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "charset":
						cs = string(v)
					case "http-equiv":
						equiv = strings.ToLower(string(v))
					case "content":
						content = string(v)
					}
					if !more {
						break
					}
				}
				if cs != "" {
					return strings.TrimSpace(cs)
				}
				if equiv == "content-type" {
					if c := HeaderCharset(content); c != "" {
						return c
					}
				}
			}
		}
	}
}

func bomLabel(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return "utf-8"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "utf-16be"
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "utf-16le"
	}
	return ""
}

func stripBOM(b []byte) []byte {
	switch bomLabel(b) {
	case "utf-8":
		return b[3:]
	case "utf-16be", "utf-16le":
		return b[2:]
	}
	return b
}

// guesses lists statistical candidates, most likely first: UTF-8 when the
// bytes are valid UTF-8, else GB18030 (the mainland sites this tool reads)
// and Big5. No single-byte charset is guessed: it would decode anything
// without a U+FFFD and hide a damaged page.
func guesses(body []byte) []string {
	if utf8.Valid(body) {
		return []string{"utf-8"}
	}
	return []string{"gb18030", "big5"}
}
