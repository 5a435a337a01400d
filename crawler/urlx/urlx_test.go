package urlx

import (
	"errors"
	"testing"
)

func TestCanonical(t *testing.T) {
	c := NewCanonicalizer(DefaultStrip)
	tests := []struct{ in, want string }{
		{"HTTP://Example.COM:80/a/b.html#top", "http://example.com/a/b.html"},
		{"https://example.com:443", "https://example.com/"},
		{"http://example.com:8080/x", "http://example.com:8080/x"},
		{"http://example.com/job/1001.html;jsessionid=A1B2C3", "http://example.com/job/1001.html"},
		{"http://example.com/job/1001.html;JSESSIONID=A1B2C3;lang=zh", "http://example.com/job/1001.html;lang=zh"},
		{"http://example.com/job?sid=9f&id=7&utm_source=x&utm_medium=y", "http://example.com/job?id=7"},
		{"http://example.com/list?page=2&kw=%E6%8C%82%E8%AF%81", "http://example.com/list?kw=%E6%8C%82%E8%AF%81&page=2"},
		{"http://example.com/p?PHPSESSID=0123&spm=a.b&b=2&a=1&a=0", "http://example.com/p?a=1&a=0&b=2"},
		{"http://example.com/p?", "http://example.com/p"},
		{"http://user:pw@example.com/p", "http://example.com/p"},
	}
	for _, tt := range tests {
		got, err := c.Canonical(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"mailto:a@b.c", "javascript:void(0)", "/relative", "ftp://x/y"} {
		if _, err := c.Canonical(bad); err == nil {
			t.Errorf("Canonical(%q) accepted", bad)
		}
	}
}

func TestStripPatterns(t *testing.T) {
	c := NewCanonicalizer([]string{"utm_*", "From"})
	for name, want := range map[string]bool{"utm_source": true, "UTM_x": true, "from": true, "fromage": false, "id": false} {
		if got := c.Strips(name); got != want {
			t.Errorf("Strips(%q) = %v", name, got)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		url       string
		maxLen    int
		maxRepeat int
		want      error
	}{
		{"http://x/a/b/c", 100, 2, nil},
		{"http://x/a/b/a/b", 100, 2, nil},
		{"http://x/a/b/a/b/a", 100, 2, ErrRepeated},
		{"http://x/cal/2024/cal/2024/cal/2024", 100, 2, ErrRepeated},
		{"http://x/" + string(make([]byte, 200)), 100, 2, ErrTooLong},
		{"http://x/a/a/a", 0, 0, nil},
	}
	for _, tt := range tests {
		if err := Check(tt.url, tt.maxLen, tt.maxRepeat); !errors.Is(err, tt.want) {
			t.Errorf("Check(%.40q) = %v, want %v", tt.url, err, tt.want)
		}
	}
}
