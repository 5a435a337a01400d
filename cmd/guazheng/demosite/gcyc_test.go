package demosite

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestGcycShell(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	g := site(t, d, SiteGcyc)
	tr := d.Truth()
	var ad PostRef
	for _, p := range tr.Ads {
		if p.Site == SiteGcyc && p.Phase == 1 && p.Gone == "" {
			ad = p
			break
		}
	}
	tests := []struct {
		path, want string
		status     int
	}{
		{"/", `<div id="app" data-post-id=""></div>`, http.StatusOK},
		{strings.TrimPrefix(ad.URL, g.BaseURL), `data-post-id="` + strings.TrimPrefix(ad.URL, g.BaseURL+"/post/") + `"`, http.StatusOK},
		{"/static/app.js", "/api/list?page=", http.StatusOK},
		{"/post/123", "", http.StatusNotFound},
		{"/post/abc", "", http.StatusNotFound},
		{"/nowhere", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		r := get(t, g.BaseURL+tt.path)
		if r.status != tt.status || !strings.Contains(string(r.body), tt.want) {
			t.Errorf("%s: status %d, want %d with %q", tt.path, r.status, tt.status, tt.want)
		}
	}
	// the shell carries no post content: titles come only from the API
	home := string(get(t, g.BaseURL+"/").body)
	for _, p := range tr.Posts {
		if p.Site == SiteGcyc && strings.Contains(home, p.Title) {
			t.Errorf("the shell shows the title %q", p.Title)
		}
	}
}

func TestGcycList(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	g := site(t, d, SiteGcyc)
	n := len(d.state().gcyc.listed)
	last := (n + perPage - 1) / perPage
	tests := []struct {
		query   string
		page    int
		items   int
		hasMore bool
	}{
		{"page=1", 1, perPage, true},
		{"", 1, perPage, true},
		{"page=-3", 1, perPage, true},
		{"page=" + itoa(last), last, n - (last-1)*perPage, false},
		{"page=" + itoa(last+1), last + 1, 0, false},
		{"page=9223372036854775807", maxPage, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, g.BaseURL+"/api/list?"+tt.query)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			// the exact shape: items is an array (never null), page, has_more
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(r.body, &raw); err != nil {
				t.Fatal(err)
			}
			if len(raw) != 3 || raw["items"] == nil || raw["page"] == nil || raw["has_more"] == nil || string(raw["items"])[0] != '[' {
				t.Fatalf("shape %s", r.body)
			}
			var lp ListPage
			if err := json.Unmarshal(r.body, &lp); err != nil {
				t.Fatal(err)
			}
			if lp.Page != tt.page || len(lp.Items) != tt.items || lp.HasMore != tt.hasMore {
				t.Errorf("page %d, %d items, has_more %v; want %d, %d, %v", lp.Page, len(lp.Items), lp.HasMore, tt.page, tt.items, tt.hasMore)
			}
			var prev time.Time
			for i, it := range lp.Items {
				tm, err := time.ParseInLocation(apiTime, it.Time, cst)
				if err != nil || it.ID == 0 || it.Title == "" || it.Summary == "" || it.City == "" {
					t.Errorf("item %d: %+v (%v)", i, it, err)
				}
				if i > 0 && tm.After(prev) {
					t.Errorf("item %d newer than item %d", i, i-1)
				}
				prev = tm
			}
		})
	}
}

func TestGcycPost(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	var broker PostRef
	for _, p := range tr.Ads {
		if p.Site == SiteGcyc && strings.Contains(p.Title, "蜀匠") || p.Site == SiteGcyc && strings.Contains(p.Title, "人才引进 共赢") {
			broker = p
		}
	}
	if broker.API == "" {
		t.Fatal("no 蜀匠 ad on gcyc")
	}
	r := get(t, broker.API)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "title", "content", "company", "contact", "published"} {
		if raw[k] == nil {
			t.Errorf("post JSON lacks %q", k)
		}
	}
	var contact map[string]string
	if err := json.Unmarshal(raw["contact"], &contact); err != nil || len(contact) != 3 {
		t.Errorf("contact %s: want phone, wechat, qq", raw["contact"])
	}
	var pd PostDetail
	if err := json.Unmarshal(r.body, &pd); err != nil {
		t.Fatal(err)
	}
	if pd.Title != broker.Title || !strings.Contains(pd.Content, "sjzz8866") || pd.Company != "成都蜀匠企业管理咨询有限公司" {
		t.Errorf("post %+v", pd)
	}
	if _, err := time.ParseInLocation(apiTime, pd.Published, cst); err != nil {
		t.Errorf("published %q: %v", pd.Published, err)
	}
	if r := get(t, site(t, d, SiteGcyc).BaseURL+"/api/post/1"); r.status != http.StatusNotFound {
		t.Errorf("unknown post: status %d", r.status)
	}
	// a deleted post: 200 with the deleted flag after Advance
	var del PostRef
	for _, p := range tr.Vanished {
		if p.Site == SiteGcyc && p.Gone == goneDeleted {
			del = p
		}
	}
	d.Advance()
	var ae struct {
		Deleted bool   `json:"deleted"`
		Message string `json:"message"`
	}
	if r := getJSON(t, del.API, &ae); r.status != http.StatusOK || !ae.Deleted || ae.Message != GcycDeleted {
		t.Errorf("deleted post: status %d, %+v", r.status, ae)
	}
	if r := get(t, del.URL); r.status != http.StatusOK {
		t.Errorf("deleted post's shell: status %d", r.status)
	}
}
