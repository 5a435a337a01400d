package guazheng

import (
	"strings"
	"unicode"
)

// SafeLog makes untrusted text (crawled pages, ads) safe to print on one line
// of a log or terminal: control characters, line breaks and bidirectional
// overrides become visible escapes, and the text is cut at 300 runes.
func SafeLog(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= 300 {
			b.WriteString("…")
			break
		}
		n++
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			b.WriteString(`\u{`)
			b.WriteString(strings.ToUpper(strconvHex(r)))
			b.WriteString(`}`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func strconvHex(r rune) string {
	const digits = "0123456789abcdef"
	if r == 0 {
		return "0"
	}
	var buf [8]byte
	i := len(buf)
	for r > 0 {
		i--
		buf[i] = digits[r&0xf]
		r >>= 4
	}
	return string(buf[i:])
}
