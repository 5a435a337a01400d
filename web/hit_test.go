package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

// noLiveMarkup fails if hostile markup from the fixture appears unescaped.
func noLiveMarkup(t *testing.T, where, body string) {
	t.Helper()
	for _, bad := range []string{`<script>alert`, `<img src=x`, `onerror=alert(1)>`, `"><img`} {
		if strings.Contains(body, bad) {
			t.Errorf("%s: unescaped %q", where, bad)
		}
	}
}

func TestHitDetail(t *testing.T) {
	f := newFixture(t, nil)
	c := f.as(RoleReviewer)
	id := f.hits["a1"]
	// A second version and a takedown.
	text2 := "高价收一建市政，不坐班，唯一社保，电话 13800000001"
	v := verdict(guazheng.RoleBroker, 9, "高价收一级建造师市政", text2, phonesIn(text2), nil, guazheng.Cert{Name: "一级建造师", Specialty: "市政"})
	f.ingest("zhucai", "a1", "高价收一级建造师市政", text2, t0.Add(12*time.Hour), &v, "<html>v2</html>")
	gone := capture("zhucai", "http://zhucai.example/a1", t0.Add(20*time.Hour), "该信息已被删除")
	gone.Status = 404
	if _, err := f.db.TakeDown(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	c.postCSRF(fmt.Sprintf("/hits/%d/notes", id), url.Values{"text": {"已电话核实，<b>中介</b>"}})
	resp := c.get(fmt.Sprintf("/hits/%d", id))
	if resp.code != 200 {
		t.Fatalf("%d %s", resp.code, resp.body)
	}
	for _, want := range []string{
		`<mark title="offer.高价收：收/出证表述 高价收">高价收</mark>`,   // rule span in the text
		`<mark title="电话 13800000001">13800000001</mark>`, // contact span
		"唯一社保",           // latest version shown
		"第 1 版", "第 2 版", // every version
		"<strong class=\"gone\">2026-03-11 06:00</strong>", // taken down, shown in UTC+8
		"收/出证表述 不坐班",                                       // rule description
		"13800000001", "一级建造师/市政",                          // entities
		fmt.Sprintf(`href="/hits/%d"`, f.hits["a2"]), // post sharing the phone
		"已电话核实，&lt;b&gt;中介&lt;/b&gt;",                // note, escaped
		fmt.Sprintf(`/hits/%d/captures/%d`, id, f.captures["a1"]),
		"href=\"/networks/",
	} {
		if !strings.Contains(resp.body, want) {
			t.Errorf("hit page lacks %q", want)
		}
	}
	// State change with reason and version check.
	ver := f.hitVersion(id)
	resp = c.postCSRF(fmt.Sprintf("/hits/%d/state", id), url.Values{"to": {"referred"}, "reason": {"移交公安"}, "version": {fmt.Sprint(ver)}})
	if resp.code != http.StatusSeeOther {
		t.Fatalf("state: %d", resp.code)
	}
	resp = c.postCSRF(fmt.Sprintf("/hits/%d/state", id), url.Values{"to": {"dismissed"}, "reason": {"误报"}, "version": {fmt.Sprint(ver)}})
	page := c.get(resp.header.Get("Location"))
	if !strings.Contains(page.body, "已被他人修改") || !strings.Contains(page.body, `id="hit-state">已移交<`) {
		t.Errorf("stale state change not refused")
	}
	if !strings.Contains(page.body, "u-reviewer") || !strings.Contains(page.body, "待审核 → 已移交") {
		t.Errorf("history lacks who and what")
	}
}

func TestHostileTextEscaped(t *testing.T) {
	f := newFixture(t, nil)
	id := f.hits["evil"]
	for _, r := range Roles() {
		c := f.as(r)
		for _, p := range []string{"/queue", fmt.Sprintf("/hits/%d", id), "/queue?q=" + url.QueryEscape(`"><img src=x onerror=alert(1)>`)} {
			resp := c.get(p)
			if resp.code == 200 {
				noLiveMarkup(t, string(r)+" "+p, resp.body)
			}
		}
	}
	c := f.as(RoleAdmin)
	resp := c.get(fmt.Sprintf("/hits/%d", id))
	if !strings.Contains(resp.body, "&lt;script&gt;alert(3)&lt;/script&gt;") || !strings.Contains(resp.body, "=HYPERLINK(") {
		t.Error("hostile text not shown as text")
	}
	// Networks list and page carry its title too.
	resp = c.get("/networks?min=1")
	noLiveMarkup(t, "networks", resp.body)
	m := regexp.MustCompile(`href="/networks/([0-9a-f]+)"`).FindAllStringSubmatch(resp.body, -1)
	for _, x := range m {
		noLiveMarkup(t, "network "+x[1], c.get("/networks/"+x[1]).body)
	}
	// Rules console test of the same text.
	resp = c.postCSRF("/rules/test", url.Values{"title": {evilTitle}, "text": {evilText}})
	noLiveMarkup(t, "rules test", resp.body)
	// Exports of it are inert: CSV cells escaped, XLSX cells are strings.
	resp = c.postCSRF("/leads/export", url.Values{"hit": {fmt.Sprint(id)}, "format": {"csv"}})
	if resp.code != 200 || !strings.HasPrefix(resp.body, "\uFEFF") {
		t.Fatalf("csv export: %d", resp.code)
	}
	if !strings.Contains(resp.body, `"'=HYPERLINK(""http://evil.example/""`) {
		t.Errorf("formula not escaped in CSV:\n%s", resp.body)
	}
}

func TestSandbox(t *testing.T) {
	f := newFixture(t, nil)
	c := f.as(RolePolice)
	id, cid := f.hits["evil"], f.captures["evil"]
	resp := c.get(fmt.Sprintf("/hits/%d/captures/%d", id, cid))
	if resp.code != 200 {
		t.Fatalf("capture page: %d", resp.code)
	}
	m := regexp.MustCompile(`<iframe class="capture" sandbox src="([^"]+)"`).FindStringSubmatch(resp.body)
	if m == nil {
		t.Fatalf("no sandboxed iframe in\n%s", resp.body)
	}
	frame := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.HasPrefix(frame, f.sandbox.URL+"/capture/") {
		t.Fatalf("iframe src %q not on the sandbox origin", frame)
	}
	if csp := resp.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src "+f.sandbox.URL) || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("app CSP %q", csp)
	}
	get := func(u string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", u, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "whatever"})
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, string(b)
	}
	r, body := get(frame)
	if r.StatusCode != 200 || body != evilPage {
		t.Fatalf("sandbox: %d %q", r.StatusCode, body)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("sandbox CSP %q", csp)
	}
	if len(r.Cookies()) != 0 || r.Header.Get("Set-Cookie") != "" {
		t.Error("sandbox sets cookies")
	}
	if r.Header.Get("Content-Type") != "text/html; charset=utf-8" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", r.Header)
	}
	// Tampered, foreign and expired links are refused.
	u, _ := url.Parse(frame)
	q := u.Query()
	q.Set("post", "1")
	u.RawQuery = q.Encode()
	if r, _ := get(u.String()); r.StatusCode != http.StatusForbidden {
		t.Errorf("tampered link: %d", r.StatusCode)
	}
	if r, _ := get(f.sandbox.URL + "/capture/" + fmt.Sprint(cid)); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned link: %d", r.StatusCode)
	}
	f.clock.Add(11 * time.Minute)
	if r, _ := get(frame); r.StatusCode != http.StatusForbidden {
		t.Errorf("expired link: %d", r.StatusCode)
	}
	// A capture of another hit is not shown under this one.
	if resp := c.get(fmt.Sprintf("/hits/%d/captures/%d", id, f.captures["a1"])); resp.code != http.StatusNotFound {
		t.Errorf("foreign capture: %d", resp.code)
	}
}
