package crawler

import (
	"slices"
	"strings"
	"testing"

	"github.com/guazheng/guazheng/crawler/stats"
)

const forumSite = `
  - name: forum
    schedule: "*/20 * * * *"
    start: ["FORUM/forum-1.html"]
    links:
      posts: [{selector: "a.xst", pattern: 'thread-\d+-1\.html$'}]
    extract:
      item: div.floor
      title: "#thread-title"
      text: div.post-body
      author: span.author
      published: {selector: span.post-time, regexp: '\d{4}-\d{2}-\d{2} \d{2}:\d{2}'}
      floor_id: span.floor-no
      thread:
        next: div.pg a.nxt
        page_regexp: '-\d+\.html$'
        page_replace: "-1.html"
`

func TestGBKForum(t *testing.T) {
	site, srv := fixtureSite(t, "gbkforum")
	h := newHarness(t, testDefaults+"sites:"+forumSite, "FORUM", srv.URL)
	st := h.crawl(t, "forum")

	t100 := srv.URL + "/thread-100-1.html"
	var want []string
	for _, k := range []string{"100-1.html#floor-1", "100-1.html#floor-2", "100-1.html#floor-3", "100-1.html#floor-4", "100-1.html#floor-5",
		"101-1.html#floor-1", "101-1.html#floor-2", "101-1.html#floor-3", "102-1.html#floor-1"} {
		want = append(want, srv.URL+"/thread-"+k)
	}
	if got := h.store.Keys(); !slices.Equal(got, want) {
		t.Fatalf("keys:\n got %q\nwant %q", got, want)
	}
	// Thread pagination: floors of page 2 are keyed on page 1's URL.
	p4, _ := h.store.Post("forum", t100+"#floor-4")
	if p4.URL != srv.URL+"/thread-100-2.html" || p4.Title != "长期收二建市政、机电，价格从优" ||
		!strings.Contains(p4.Text, "本人二建机电，初始注册") || p4.Author != "证书持有人" || p4.Published.IsZero() {
		t.Errorf("floor 4 = %+v", p4)
	}
	// GBK with the charset only in a <meta> behind a long ASCII head.
	p1, _ := h.store.Post("forum", t100+"#floor-1")
	if !strings.Contains(p1.Text, "长期收二建市政、机电，资质延续用") {
		t.Errorf("floor 1 text %q", p1.Text)
	}
	// A lying header (utf-8 on GBK bytes) is overruled by the <meta>.
	p101, _ := h.store.Post("forum", srv.URL+"/thread-101-1.html#floor-2")
	if !strings.Contains(p101.Text, "住建部专项整治") {
		t.Errorf("lying-header page text %q", p101.Text)
	}
	// gb2312 label, GB18030-only characters.
	p102, _ := h.store.Post("forum", srv.URL+"/thread-102-1.html#floor-1")
	if !strings.Contains(p102.Text, "𠀀") || !strings.Contains(p102.Text, "刘䶮") {
		t.Errorf("GB18030 text %q", p102.Text)
	}
	for _, c := range h.store.CaptureList() {
		if c.Charset != "gb18030" {
			t.Errorf("%s decoded as %s", c.URL, c.Charset)
		}
	}
	if counter(st, stats.DecodeFailures) != 0 || counter(st, stats.CharsetMismatch) != 1 {
		t.Errorf("decode failures %d, mismatches %d", counter(st, stats.DecodeFailures), counter(st, stats.CharsetMismatch))
	}
	// A floor saying 该帖已被删除 does not take the thread down.
	if n := len(h.store.TakeDowns()); n != 0 {
		t.Errorf("%d takedowns", n)
	}
	if site.Count("/thread-100-2.html") != 1 {
		t.Error("thread page 2 not fetched once")
	}
}
