package decode

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const ad = "长期收二建市政，挂证不坐班，电话13812345678"
	longHead := "<script>" + strings.Repeat("var a = 1; // padding the head with ASCII\n", 60) + "</script>"
	big5, _ := traditionalchinese.Big5.NewEncoder().Bytes([]byte("掛證不坐班，長期合作"))
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("<p>" + ad + "</p>"))
	tests := []struct {
		name        string
		body        []byte
		contentType string
		override    string
		want        string // substring of the text
		charset     string
		source      string
		mismatch    bool
		bad         bool
	}{
		{"utf-8 header", []byte("<p>" + ad + "</p>"), "text/html; charset=utf-8", "", ad, "utf-8", FromHeader, false, false},
		{"utf-8 BOM beats header", append([]byte{0xEF, 0xBB, 0xBF}, []byte(ad)...), "text/html; charset=gbk", "", ad, "utf-8", FromBOM, false, false},
		{"utf-16 BOM", utf16, "text/html", "", ad, "utf-16le", FromBOM, false, false},
		{"gbk header", gb18030(t, ad), "text/html; charset=GBK", "", ad, "gb18030", FromHeader, false, false},
		{"meta after a long ASCII head", gb18030(t, "<html><head>"+longHead+`<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>`+ad), "text/html", "", ad, "gb18030", FromMeta, false, false},
		{"meta charset attribute", gb18030(t, `<meta charset="x-gbk"><p>`+ad), "", "", ad, "gb18030", FromMeta, false, false},
		{"lying header (utf-8 on GBK)", gb18030(t, `<meta charset="gbk"><p>`+ad), "text/html; charset=utf-8", "", ad, "gb18030", FromMeta, true, false},
		{"lying header (gbk on UTF-8)", []byte(`<meta charset="utf-8"><p>` + ad), "text/html; charset=gbk", "", ad, "utf-8", FromGuess, true, false},
		{"GB18030-only characters under a gb2312 label", gb18030(t, `<meta charset="gb2312"><p>𠀀 刘䶮 㐀</p>`), "", "", "𠀀 刘䶮 㐀", "gb18030", FromMeta, false, false},
		{"no declaration: guess GB18030", gb18030(t, "<p>"+ad+"</p>"), "text/html", "", ad, "gb18030", FromGuess, false, false},
		{"no declaration: guess UTF-8", []byte("<p>" + ad + "</p>"), "", "", ad, "utf-8", FromGuess, false, false},
		{"operator override", big5, "text/html; charset=gbk", "big5", "掛證不坐班", "big5", FromOverride, false, false},
		{"broken header syntax", gb18030(t, ad), "text/html;charset=gbk;", "", ad, "gb18030", FromHeader, false, false},
		{"garbage", []byte{0x81, 0x20, 0xFF, 0xFE, 0x80, 0x81, 0x30, 0xFF, 0x20, 0x81}, "text/html; charset=utf-8", "", "", "", "", false, true},
		{"damaged GBK page", append(gb18030(t, "<p>"+ad), bytes.Repeat([]byte{0xFF, 0x20}, 20)...), "text/html; charset=gbk", "", ad, "gb18030", FromHeader, false, true},
		{"declared latin-1", []byte("<p>caf\xe9</p>"), "text/html; charset=iso-8859-1", "", "café", "windows-1252", FromHeader, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Decode(tt.body, tt.contentType, tt.override)
			if !strings.Contains(r.Text, tt.want) {
				t.Errorf("text %q does not contain %q", r.Text, tt.want)
			}
			if tt.charset != "" && r.Charset != tt.charset {
				t.Errorf("charset %q, want %q", r.Charset, tt.charset)
			}
			if tt.source != "" && r.Source != tt.source {
				t.Errorf("source %q, want %q", r.Source, tt.source)
			}
			if (r.Mismatch != "") != tt.mismatch {
				t.Errorf("mismatch %q, want %v", r.Mismatch, tt.mismatch)
			}
			if r.Bad != tt.bad {
				t.Errorf("bad = %v (replacements %d of %d)", r.Bad, r.Replacements, r.Runes)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	for label, want := range map[string]string{
		"gb2312": "gb18030", "GBK": "gb18030", "x-gbk": "gb18030", "chinese": "gb18030", "csGB2312": "gb18030",
		"gb18030": "gb18030", "utf8": "utf-8", "UTF-8": "utf-8", `"utf-8"`: "utf-8", "big5": "big5", "iso-8859-1": "windows-1252",
	} {
		if _, got, ok := Lookup(label); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", label, got, ok, want)
		}
	}
	if _, _, ok := Lookup("klingon"); ok {
		t.Error("unknown label accepted")
	}
}

func TestMetaCharsetStopsAtBody(t *testing.T) {
	if got := MetaCharset([]byte(`<html><head></head><body><meta charset="gbk">`), MetaScanLimit); got != "" {
		t.Errorf("meta in body taken: %q", got)
	}
	long := `<html><head><script>` + strings.Repeat("x", 2000) + `</script><meta charset="gbk">`
	if got := MetaCharset([]byte(long), MetaScanLimit); got != "gbk" {
		t.Errorf("meta after 2 KB: %q", got)
	}
	if got := MetaCharset([]byte(long), 1024); got != "" {
		t.Errorf("limit ignored: %q", got)
	}
}

func BenchmarkDecodeGBK(b *testing.B) {
	body, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("<html><head><meta charset=gbk></head><body>" + strings.Repeat("长期收二建市政，挂证不坐班。", 2000) + "</body></html>"))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		Decode(body, "text/html", "")
	}
}
