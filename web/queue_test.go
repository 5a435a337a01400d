package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/guazheng/guazheng"
)

// rowIDs returns the hit ids listed in a queue page, in order.
func rowIDs(body string) []int64 {
	var out []int64
	for _, m := range regexp.MustCompile(`class="hit-row" data-id="(\d+)"`).FindAllStringSubmatch(body, -1) {
		var id int64
		fmt.Sscan(m[1], &id)
		out = append(out, id)
	}
	return out
}

func TestQueueFilters(t *testing.T) {
	f := newFixture(t, nil)
	c := f.as(RoleReviewer)
	h := f.hits
	all := []int64{h["a1"], h["a2"], h["a3"], h["b1"], h["b2"], h["evil"]}
	sorted := func(v []int64) []int64 { sort.Slice(v, func(i, j int) bool { return v[i] < v[j] }); return v }
	for _, tc := range []struct {
		name  string
		query string
		want  []int64
	}{
		{"default pending", "", all},
		{"site", "site=jzsforum", []int64{h["a2"]}},
		{"role", "role=seller", []int64{h["b1"], h["b2"]}},
		{"cert type", "cert=" + url.QueryEscape("二级建造师"), []int64{h["b1"], h["b2"]}},
		{"score range", "min=8.5&max=9.6", []int64{h["a2"], h["evil"]}},
		{"date range", "from=2026-03-10&to=2026-03-10", all},
		{"date range empty", "from=2026-03-11", nil},
		{"text", "q=" + url.QueryEscape("求合作单位"), []int64{h["b1"]}},
		{"text in URL", "q=gcyc.example", []int64{h["a3"]}},
		{"confirmed none", "state=confirmed", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.get("/queue?" + tc.query)
			if resp.code != 200 {
				t.Fatalf("%d %s", resp.code, resp.body)
			}
			got := sorted(rowIDs(resp.body))
			if fmt.Sprint(got) != fmt.Sprint(sorted(append([]int64(nil), tc.want...))) {
				t.Errorf("rows %v, want %v", got, tc.want)
			}
		})
	}
	// Sorting by score, descending.
	got := rowIDs(c.get("/queue?sort=-score").body)
	if len(got) != 6 || got[0] != h["a3"] || got[1] != h["evil"] || got[len(got)-1] != h["b2"] && got[len(got)-1] != h["b1"] {
		t.Errorf("sorted by score: %v", got)
	}
	// Bad input is a clear error, not a 500.
	if resp := c.get("/queue?min=abc"); resp.code != http.StatusBadRequest || !strings.Contains(resp.body, "不是数字") {
		t.Errorf("bad score: %d", resp.code)
	}
	// Counts per state.
	resp := c.get("/queue")
	if !strings.Contains(resp.body, `data-state="pending">6<`) || !strings.Contains(resp.body, `data-state="confirmed">0<`) {
		t.Errorf("state counts missing")
	}
	// JSON API.
	resp = c.get("/api/counts")
	var counts map[string]int
	if err := json.Unmarshal([]byte(resp.body), &counts); err != nil || counts["pending"] != 6 {
		t.Errorf("api counts %s %v", resp.body, err)
	}
}

func TestQueuePaging(t *testing.T) {
	f := newFixture(t, nil)
	for i := 0; i < 55; i++ {
		text := fmt.Sprintf("长期收二建第%d本，电话 1370000%04d", i, i)
		v := verdict(guazheng.RoleBuyer, 5, "收二建", text, phonesIn(text), nil)
		f.ingest("bulk", fmt.Sprintf("p%d", i), "收二建", text, t0, &v, "<html></html>")
	}
	c := f.as(RoleReviewer)
	p1 := c.get("/queue?site=bulk")
	p2 := c.get("/queue?site=bulk&page=2")
	if n1, n2 := len(rowIDs(p1.body)), len(rowIDs(p2.body)); n1 != 50 || n2 != 5 {
		t.Errorf("pages of %d and %d rows", n1, n2)
	}
	if !strings.Contains(p1.body, "下一页") || !strings.Contains(p1.body, "第 1/2 页") {
		t.Error("no pager")
	}
}

func TestBulkAndConflict(t *testing.T) {
	f := newFixture(t, nil)
	alice, bob := f.as(RoleReviewer), f.as(RoleAdmin)
	a1, a2 := f.hits["a1"], f.hits["a2"]
	v1, v2 := f.hitVersion(a1), f.hitVersion(a2)
	sel := url.Values{"hit": {fmt.Sprintf("%d:%d", a1, v1), fmt.Sprintf("%d:%d", a2, v2)}, "to": {"confirmed"}}
	// A reason is required.
	resp := alice.postCSRF("/queue/bulk", sel)
	if resp.code != http.StatusSeeOther || f.hitVersion(a1) != v1 {
		t.Fatalf("bulk without reason: %d, version %d", resp.code, f.hitVersion(a1))
	}
	// Bob assigns a2 to himself first: Alice's bulk action read the old version.
	if resp := bob.postCSRF(fmt.Sprintf("/hits/%d/assign", a2), url.Values{"version": {fmt.Sprint(v2)}}); resp.code != http.StatusSeeOther {
		t.Fatalf("assign: %d", resp.code)
	}
	sel.Set("reason", "确属挂证广告")
	resp = alice.postCSRF("/queue/bulk", sel)
	page := alice.get(resp.header.Get("Location"))
	if !strings.Contains(page.body, "已被他人修改") {
		t.Errorf("conflict not reported")
	}
	h1, _ := f.db.GetHit(context.Background(), a1)
	if h1.State != guazheng.HitPending {
		t.Errorf("all or nothing: a1 is %s", h1.State)
	}
	// With fresh versions it goes through, with who and when.
	sel["hit"] = []string{fmt.Sprintf("%d:%d", a1, f.hitVersion(a1)), fmt.Sprintf("%d:%d", a2, f.hitVersion(a2))}
	alice.postCSRF("/queue/bulk", sel)
	for _, id := range []int64{a1, a2} {
		h, _ := f.db.GetHit(context.Background(), id)
		last := h.History[len(h.History)-1]
		if h.State != guazheng.HitConfirmed || last.Actor != "u-reviewer" || last.Reason != "确属挂证广告" {
			t.Errorf("hit %d: %s %+v", id, h.State, last)
		}
	}
	resp = alice.get("/queue")
	if !strings.Contains(resp.body, `data-state="confirmed">2<`) {
		t.Error("confirmed count not 2")
	}
	// Police may not change states.
	police := f.as(RolePolice)
	if resp := police.postCSRF("/queue/bulk", sel); resp.code != http.StatusForbidden {
		t.Errorf("police bulk: %d", resp.code)
	}
}

func TestAssignToSelfAndMine(t *testing.T) {
	f := newFixture(t, nil)
	c := f.as(RoleReviewer)
	id := f.hits["b1"]
	c.postCSRF(fmt.Sprintf("/hits/%d/assign", id), url.Values{"version": {fmt.Sprint(f.hitVersion(id))}})
	got := rowIDs(c.get("/queue?mine=1").body)
	if len(got) != 1 || got[0] != id {
		t.Errorf("mine = %v", got)
	}
	// Stale version: refused.
	resp := c.postCSRF(fmt.Sprintf("/hits/%d/assign", id), url.Values{"version": {"1"}, "release": {"1"}})
	if page := c.get(resp.header.Get("Location")); !strings.Contains(page.body, "已被他人修改") {
		t.Error("stale assign not refused")
	}
}
