package web

import (
	"context"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/guazheng/guazheng"
)

func TestRulesConsole(t *testing.T) {
	f := newFixture(t, nil)
	rc := testRules(t) // its own rule directory: this test breaks it
	f.srv.cfg.Rules = rc
	c := f.as(RoleOperator)
	page := c.get("/rules")
	version := strings.ReplaceAll(template.HTMLEscapeString(rc.Status().Version), "+", "&#43;")
	for _, want := range []string{`id="rules-version">` + version, "settings.yaml", "命中挂证广告", "精确率"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("rules page lacks %q", want)
		}
	}
	if p := c.get("/rules/files/settings.yaml"); p.code != 200 || !strings.Contains(p.body, "threshold") {
		t.Errorf("rule file: %d", p.code)
	}
	if p := c.get("/rules/files/..%2f..%2fetc%2fpasswd"); p.code != 404 {
		t.Errorf("traversal: %d", p.code)
	}
	ad := flaggedAd(t, classifierFunc(rc.ClassifyFull))
	resp := c.postCSRF("/rules/test", url.Values{"title": {ad.Title}, "text": {ad.Text}})
	if !strings.Contains(resp.body, "<mark") || !strings.Contains(resp.body, "命中</span>") {
		t.Errorf("test verdict lacks highlights or result")
	}
	// A broken rule file: the reload is refused, the error shown, the old rules serve.
	dir := rc.Status().Dir
	if err := os.WriteFile(filepath.Join(dir, "offer.yaml"), []byte("rules:\n  - name: [broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	resp = c.postCSRF("/rules/reload", nil)
	page = c.get(resp.header.Get("Location"))
	if !strings.Contains(page.body, "重新加载被拒绝") || !strings.Contains(page.body, "offer.yaml") || !strings.Contains(page.body, `id="rules-version">`+version) {
		t.Errorf("failed reload not shown:\n%s", page.body)
	}
	es, _ := f.db.Audit().List(context.Background(), guazheng.AuditFilter{Action: "rules.reload"})
	if len(es) != 1 || !strings.Contains(string(es[0].Details), `"ok":false`) {
		t.Errorf("reload audit %+v", es)
	}
}

func TestAdminUsersAndRetention(t *testing.T) {
	f := newFixture(t, nil)
	admin := f.as(RoleAdmin)
	resp := admin.postCSRF("/admin/users", url.Values{"name": {"zhang.san"}, "role": {"police"}})
	page := admin.get(resp.header.Get("Location"))
	m := regexp.MustCompile(`初始密码：([A-Za-z0-9]+)`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no password shown:\n%s", page.body)
	}
	u, err := f.db.GetUser(context.Background(), "zhang.san")
	if err != nil || u.Role != "police" || strings.Contains(u.PasswordHash, m[1]) || !strings.HasPrefix(u.PasswordHash, "$2") {
		t.Fatalf("user %+v %v", u, err)
	}
	// The new account logs in with the shown password.
	c := f.anon()
	tok := csrfIn(c.get("/login").body)
	if r := c.post("/login", url.Values{"csrf": {tok}, "name": {"zhang.san"}, "password": {m[1]}}); r.code != 303 {
		t.Fatalf("login with new password: %d", r.code)
	}
	if r := c.get("/networks"); r.code != 200 {
		t.Errorf("police home: %d", r.code)
	}
	// Disabling ends its sessions at once.
	admin.postCSRF("/admin/users/zhang.san", url.Values{"action": {"disable"}})
	if r := c.get("/networks"); r.code != 303 {
		t.Errorf("disabled user still served: %d", r.code)
	}
	// An admin cannot lock himself out.
	admin.postCSRF("/admin/users/u-admin", url.Values{"action": {"disable"}})
	if r := admin.get("/admin/users"); r.code != 200 {
		t.Errorf("admin disabled himself: %d", r.code)
	}
	// Retention dry run counts, deletes nothing, and is audited. A date
	// within the last 30 days is refused.
	resp = admin.postCSRF("/admin/retention", url.Values{"before": {"2026-03-12"}, "reason": {"测试"}, "dryrun": {"1"}})
	if page = admin.get(resp.header.Get("Location")); !strings.Contains(page.body, "须早于 30 天前") {
		t.Error("recent retention date accepted")
	}
	f.clock.Add(60 * 24 * time.Hour)
	admin = f.as(RoleAdmin)
	resp = admin.postCSRF("/admin/retention", url.Values{"before": {"2026-03-12"}, "reason": {"测试"}, "dryrun": {"1"}, "keep": {"confirmed", "referred"}})
	page = admin.get(resp.header.Get("Location"))
	if !strings.Contains(page.body, "试运行：将删除 帖子 7 条") {
		t.Errorf("dry run result missing: %d %s", resp.code, regexp.MustCompile(`(?s)<main>.*</main>`).FindString(page.body))
	}
	if hits, total, _ := f.db.ListHits(context.Background(), guazheng.HitFilter{}); total != 6 || len(hits) != 6 {
		t.Errorf("dry run deleted hits: %d", total)
	}
	if p := admin.get("/admin/audit?action=retention"); !strings.Contains(p.body, "retention") {
		t.Error("retention not in the audit page")
	}
}

func TestDashboardAndReports(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	id, _ := f.db.StartRun(ctx, "zhucai", t0)
	f.db.FinishRun(ctx, &guazheng.RunStats{ID: id, Site: "zhucai", Started: t0, Finished: t0.Add(time.Minute),
		Counters: map[string]int64{"requests": 40, "errors": 3, "new_posts": 6}, RobotsConflicts: []string{"/admin/ 被 robots.txt 禁止"}})
	c := f.as(RoleReviewer)
	page := c.get("/dashboard")
	if page.code != 200 {
		t.Fatalf("dashboard %d", page.code)
	}
	if n := strings.Count(page.body, "<svg"); n < 5 {
		t.Errorf("%d charts, want 5", n)
	}
	for _, want := range []string{"zhucai", "/admin/ 被 robots.txt 禁止", "需关注", "近 30 天每日新增线索（按网站）"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	noLiveMarkup(t, "dashboard", page.body)
	// Monthly table generated from the UI and downloaded.
	resp := c.postCSRF("/reports/generate", url.Values{"month": {"2026-03"}})
	if resp.code != 303 {
		t.Fatalf("generate: %d", resp.code)
	}
	list := c.get("/reports")
	if !strings.Contains(list.body, `href="/reports/monthly-2026-03.xlsx"`) {
		t.Fatalf("report not listed:\n%s", list.body)
	}
	dl := c.get("/reports/monthly-2026-03.xlsx")
	if dl.code != 200 || !strings.Contains(dl.header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Fatalf("download %d %v", dl.code, dl.header)
	}
	x, err := excelize.OpenReader(strings.NewReader(dl.body))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("汇总", "A2"); v != "填报单位：某市住房和城乡建设局" {
		t.Errorf("unit cell %q", v)
	}
	if r := c.get("/reports/..%2fg.db"); r.code != 404 {
		t.Errorf("traversal: %d", r.code)
	}
	if r := c.postCSRF("/reports/generate", url.Values{"month": {"2099-01"}}); !strings.Contains(c.get(r.header.Get("Location")).body, "未来月份") {
		t.Error("future month accepted")
	}
}
