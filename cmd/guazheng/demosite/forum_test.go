package demosite

import (
	"bytes"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeGBK decodes a forum page.
func decodeGBK(t *testing.T, b []byte) string {
	t.Helper()
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatalf("decode GBK: %v", err)
	}
	return string(s)
}

// floorRef finds the forum floor of Truth whose key ends in suffix.
func forumRef(t *testing.T, refs []PostRef, match func(PostRef) bool) PostRef {
	t.Helper()
	for _, p := range refs {
		if p.Site == SiteForum && match(p) {
			return p
		}
	}
	t.Fatal("no such forum floor in Truth")
	return PostRef{}
}

func TestForumGBK(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	ds, err := loadData()
	if err != nil {
		t.Fatal(err)
	}
	// the thread with the seller's reply "楼主还收吗？本人二建机电"
	var th forumThread
	var floor forumFloor
	for _, x := range ds.forum.Threads {
		for _, f := range x.Floors {
			if strings.HasPrefix(f.Text, "楼主还收吗？本人二建机电") {
				th, floor = x, f
			}
		}
	}
	if floor.Text == "" {
		t.Fatal("no 楼主还收吗 floor")
	}
	f := site(t, d, SiteForum)
	r := get(t, f.BaseURL+"/thread-"+itoa(th.ID)+"-1.html")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/html" {
		t.Errorf("Content-Type %q, want text/html without charset", ct)
	}
	if utf8.Valid(r.body) {
		t.Error("page is valid UTF-8, want GBK")
	}
	meta := []byte(`<meta charset="gbk">`)
	i := bytes.Index(r.body, meta)
	if i < 0 {
		t.Fatal("no <meta charset=gbk>")
	}
	if i < 512 || i+len(meta) > 1024 {
		t.Errorf("<meta> at byte %d: want after a long head (>512) yet inside the 1024-byte prescan", i)
	}
	for j, c := range r.body[:i] {
		if c >= 0x80 {
			t.Fatalf("non-ASCII byte at %d before the <meta>", j)
		}
	}
	// x/net/html/charset finds "gbk" only in the <meta>: the header names no
	// charset and its fallback guesses are utf-8 or windows-1252.
	if _, name, _ := charset.DetermineEncoding(r.body, r.header.Get("Content-Type")); name != "gbk" {
		t.Errorf("DetermineEncoding = %s, want gbk from the meta", name)
	}
	rd, err := charset.NewReader(bytes.NewReader(r.body), r.header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	page := string(dec)
	for _, want := range []string{
		`<h1 id="thread_subject" class="thread-title">` + th.Title + `</h1>`,
		floor.Text,
		`<a class="floor-no" href="/thread-` + itoa(th.ID) + `-1.html#floor-1">1#</a>`,
		`<span class="floor-label">楼主</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("decoded page lacks %q", want)
		}
	}
}

// TestForumNotGBK checks that characters GBK lacks reach the page as
// character references.
func TestForumNotGBK(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	ds, err := loadData()
	if err != nil {
		t.Fatal(err)
	}
	enc := simplifiedchinese.GBK.NewEncoder()
	found := 0
	for _, th := range ds.forum.Threads {
		for n, f := range th.Floors {
			if _, err := enc.String(f.Text); err == nil || f.From != 1 || th.Gone != "" {
				continue
			}
			found++
			u := site(t, d, SiteForum).BaseURL + "/thread-" + itoa(th.ID) + "-" + itoa(n/floorsPerPage+1) + ".html"
			r := get(t, u)
			page := html.UnescapeString(decodeGBK(t, r.body))
			if !strings.Contains(page, strings.Join(funcsLines(f.Text), "<br />\n")) {
				t.Errorf("%s: floor %d text not intact after GBK + references", u, n+1)
			}
			if !regexp.MustCompile(`&#\d+;`).Match(r.body) {
				t.Errorf("%s: no character reference", u)
			}
		}
	}
	if found == 0 {
		t.Fatal("no floor with characters outside GBK")
	}
}

func funcsLines(s string) []string {
	return templateFuncs()["lines"].(func(string) []string)(s)
}

func TestForumThreadPages(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	grow := forumRef(t, tr.New, func(p PostRef) bool { return p.Floor > 1 }) // a reply added in phase 2
	first := strings.TrimSuffix(grow.Key, "#floor-"+itoa(grow.Floor))
	id := strings.TrimSuffix(strings.TrimPrefix(first, site(t, d, SiteForum).BaseURL+"/thread-"), "-1.html")
	pageURL := func(n int) string { return site(t, d, SiteForum).BaseURL + "/thread-" + id + "-" + itoa(n) + ".html" }
	lastPage := (grow.Floor-1)/floorsPerPage + 1
	tests := []struct {
		phase, page int
		status      int
		floors      []int // first and last floor on the page
		next        bool
	}{
		{1, 1, http.StatusOK, []int{1, 5}, true},
		{1, lastPage - 1, http.StatusOK, []int{(lastPage-2)*floorsPerPage + 1, grow.Floor - 1}, false},
		{1, lastPage, http.StatusNotFound, nil, false},
		{2, lastPage - 1, http.StatusOK, []int{(lastPage-2)*floorsPerPage + 1, (lastPage - 1) * floorsPerPage}, true},
		{2, lastPage, http.StatusOK, []int{(lastPage-1)*floorsPerPage + 1, grow.Floor}, false},
		{2, lastPage + 1, http.StatusNotFound, nil, false},
	}
	if grow.Floor%floorsPerPage != 1 {
		t.Fatalf("the phase-2 reply is floor %d: want the first floor of a new page", grow.Floor)
	}
	for _, tt := range tests {
		if tt.phase == 2 {
			d.Advance()
		}
		r := get(t, pageURL(tt.page))
		if r.status != tt.status {
			t.Errorf("phase %d page %d: status %d, want %d", tt.phase, tt.page, r.status, tt.status)
			continue
		}
		if tt.floors == nil {
			continue
		}
		body := decodeGBK(t, r.body)
		got := floorAnchr.FindAllStringSubmatch(body, -1)
		if len(got) == 0 || got[0][1] != itoa(tt.floors[0]) || got[len(got)-1][1] != itoa(tt.floors[1]) {
			t.Errorf("phase %d page %d: floors %v, want %d…%d", tt.phase, tt.page, got, tt.floors[0], tt.floors[1])
		}
		if has := strings.Contains(body, `class="nxt"`); has != tt.next {
			t.Errorf("phase %d page %d: next link %v, want %v", tt.phase, tt.page, has, tt.next)
		}
	}
	if !strings.Contains(grow.URL, "-"+itoa(lastPage)+".html") {
		t.Errorf("Truth URL %s: want page %d", grow.URL, lastPage)
	}
}

func TestForumBoards(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	f := site(t, d, SiteForum)
	deleted := forumRef(t, tr.Vanished, func(p PostRef) bool { return p.Floor == 1 && p.Gone == goneDeleted })
	missing := forumRef(t, tr.Vanished, func(p PostRef) bool { return p.Floor == 1 && p.Gone == goneNotFound })
	fresh := forumRef(t, tr.New, func(p PostRef) bool { return p.Floor == 1 })
	edited := forumRef(t, tr.Changed, func(p PostRef) bool { return true })
	boards := func() string {
		var b strings.Builder
		for _, u := range f.StartURLs {
			b.WriteString(decodeGBK(t, get(t, u).body))
		}
		return b.String()
	}
	link := func(p PostRef) string { return `href="` + strings.TrimPrefix(p.URL, f.BaseURL) + `"` }
	tests := []struct {
		phase   int
		ref     PostRef
		listed  bool
		status  int
		content string
	}{
		{1, deleted, true, http.StatusOK, deleted.Title},
		{1, missing, true, http.StatusOK, missing.Title},
		{1, fresh, false, http.StatusNotFound, ""},
		{1, edited, true, http.StatusOK, ""},
		{2, deleted, false, http.StatusOK, ForumDeleted},
		{2, missing, false, http.StatusNotFound, ""},
		{2, fresh, true, http.StatusOK, fresh.Title},
		{2, edited, true, http.StatusOK, `<div class="pstatus">本帖最后由`},
	}
	for _, tt := range tests {
		if tt.phase == 2 && d.Phase() == 1 {
			d.Advance()
		}
		if got := strings.Contains(boards(), link(tt.ref)); got != tt.listed && tt.ref.Floor == 1 {
			t.Errorf("phase %d: %s listed %v, want %v", tt.phase, tt.ref.Title, got, tt.listed)
		}
		r := get(t, tt.ref.URL)
		if r.status != tt.status || !strings.Contains(decodeGBK(t, r.body), tt.content) {
			t.Errorf("phase %d: %s: status %d, want %d with %q", tt.phase, tt.ref.URL, r.status, tt.status, tt.content)
		}
	}
	for _, path := range []string{"/", "/forum-2.html", "/home.php"} {
		if r := get(t, f.BaseURL+path); r.status != http.StatusOK {
			t.Errorf("%s: status %d", path, r.status)
		}
	}
	for _, path := range []string{"/forum-99.html", "/thread-1-1.html", "/thread-x-1.html", "/a/b"} {
		if r := get(t, f.BaseURL+path); r.status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, r.status)
		}
	}
}
