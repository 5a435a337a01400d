package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/web/network"
)

// access is the role matrix as specified, written out independently of
// Role.can: which roles may use each route.
var access = map[string][]Role{
	"GET /{$}":                      {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
	"POST /logout":                  {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
	"GET /dashboard":                {RoleReviewer, RoleOperator, RoleAdmin},
	"GET /queue":                    {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
	"POST /queue/bulk":              {RoleReviewer, RoleAdmin},
	"GET /hits/{id}":                {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
	"POST /hits/{id}/state":         {RoleReviewer, RoleAdmin},
	"POST /hits/{id}/assign":        {RoleReviewer, RoleAdmin},
	"POST /hits/{id}/notes":         {RoleReviewer, RoleAdmin},
	"GET /hits/{id}/captures/{cid}": {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
	"GET /networks":                 {RoleReviewer, RolePolice, RoleAdmin},
	"GET /networks/{id}":            {RoleReviewer, RolePolice, RoleAdmin},
	"POST /leads/export":            {RolePolice, RoleAdmin},
	"GET /complaints":               {RoleReviewer, RoleAdmin},
	"GET /complaints/new":           {RoleReviewer, RoleAdmin},
	"POST /complaints":              {RoleReviewer, RoleAdmin},
	"GET /complaints/{id}":          {RoleReviewer, RoleAdmin},
	"POST /complaints/{id}/state":   {RoleReviewer, RoleAdmin},
	"GET /reports":                  {RoleReviewer, RoleAdmin},
	"GET /reports/{name}":           {RoleReviewer, RoleAdmin},
	"POST /reports/generate":        {RoleReviewer, RoleAdmin},
	"GET /rules":                    {RoleOperator, RoleAdmin},
	"GET /rules/files/{name}":       {RoleOperator, RoleAdmin},
	"POST /rules/test":              {RoleOperator, RoleAdmin},
	"POST /rules/reload":            {RoleOperator, RoleAdmin},
	"GET /admin/users":              {RoleAdmin},
	"POST /admin/users":             {RoleAdmin},
	"POST /admin/users/{name}":      {RoleAdmin},
	"GET /admin/retention":          {RoleAdmin},
	"POST /admin/retention":         {RoleAdmin},
	"GET /admin/audit":              {RoleAdmin},
	"GET /api/counts":               {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
	"GET /api/hits":                 {RoleReviewer, RolePolice, RoleOperator, RoleAdmin},
}

// pathFiller fills route path parameters with records of the fixture.
type pathFiller struct {
	f                         *fixture
	complaint, report, leadID string
}

func (f *fixture) filler(t *testing.T) *pathFiller {
	ctx := context.Background()
	c, err := f.db.CreateComplaint(ctx, guazheng.Complaint{Channel: "举报电话", Notes: "测试"}, "u-reviewer")
	if err != nil {
		t.Fatal(err)
	}
	leads, err := network.Leads(ctx, f.db, network.Options{}, 2)
	if err != nil || len(leads) == 0 {
		t.Fatalf("leads: %v %v", leads, err)
	}
	rep, err := f.srv.reports.Generate(ctx, f.db, t0, f.srv.reportOptions())
	if err != nil {
		t.Fatal(err)
	}
	return &pathFiller{f: f, complaint: fmt.Sprint(c.ID), report: rep.Name, leadID: leads[0].ID}
}

func (p *pathFiller) fill(t *testing.T, path string) string {
	r := strings.NewReplacer("{$}", "", "{cid}", fmt.Sprint(p.f.captures["a1"]))
	path = r.Replace(path)
	switch {
	case strings.HasPrefix(path, "/hits/"):
		path = strings.Replace(path, "{id}", fmt.Sprint(p.f.hits["a1"]), 1)
	case strings.HasPrefix(path, "/networks/"):
		path = strings.Replace(path, "{id}", p.leadID, 1)
	case strings.HasPrefix(path, "/complaints/"):
		path = strings.Replace(path, "{id}", p.complaint, 1)
	case strings.HasPrefix(path, "/reports/"):
		path = strings.Replace(path, "{name}", p.report, 1)
	case strings.HasPrefix(path, "/rules/files/"):
		path = strings.Replace(path, "{name}", "settings.yaml", 1)
	case strings.HasPrefix(path, "/admin/users/"):
		path = strings.Replace(path, "{name}", "u-police", 1)
	}
	if strings.Contains(path, "{") {
		t.Fatalf("unfilled path %s", path)
	}
	return path
}

func TestRouteMatrix(t *testing.T) {
	f := newFixture(t, nil)
	if len(access) != len(f.srv.routes) {
		t.Errorf("access table has %d routes, server %d", len(access), len(f.srv.routes))
	}
	fill := f.filler(t)
	for _, rt := range f.srv.routes {
		key := rt.method + " " + rt.path
		allowed, ok := access[key]
		if !ok {
			t.Errorf("route %s missing from the access table", key)
			continue
		}
		path := fill.fill(t, rt.path)
		t.Run(key, func(t *testing.T) {
			// Unauthenticated: pages redirect to the login form, the rest is 401.
			anon := f.anon()
			var resp response
			if rt.method == "GET" {
				resp = anon.get(path)
			} else {
				resp = anon.post(path, url.Values{"csrf": {"x"}})
			}
			switch {
			case rt.method == "GET" && !strings.HasPrefix(path, "/api/"):
				if resp.code != http.StatusSeeOther || !strings.HasPrefix(resp.header.Get("Location"), "/login") {
					t.Errorf("unauthenticated %s %s: %d → %q", rt.method, path, resp.code, resp.header.Get("Location"))
				}
			default:
				if resp.code != http.StatusUnauthorized {
					t.Errorf("unauthenticated %s %s: %d, want 401", rt.method, path, resp.code)
				}
			}
			for _, role := range Roles() {
				// A fresh session per request: /logout ends it.
				c := f.as(role)
				if rt.method == "GET" {
					resp = c.get(path)
				} else {
					resp = c.postCSRF(path, url.Values{})
				}
				want := contains(rolesStrings(allowed), string(role))
				if !want && resp.code != http.StatusForbidden {
					t.Errorf("%s %s %s: %d, want 403", role, rt.method, path, resp.code)
				}
				if want && (resp.code == http.StatusForbidden || resp.code == http.StatusUnauthorized || resp.code >= 500) {
					t.Errorf("%s %s %s: %d, want access\n%s", role, rt.method, path, resp.code, resp.body)
				}
			}
		})
	}
}

func rolesStrings(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func TestCSRFRequired(t *testing.T) {
	f := newFixture(t, nil)
	admin := f.as(RoleAdmin)
	fill := f.filler(t)
	for _, rt := range f.srv.routes {
		if rt.method != "POST" {
			continue
		}
		path := fill.fill(t, rt.path)
		for name, form := range map[string]url.Values{"missing": {}, "wrong": {"csrf": {"not-the-token"}}} {
			resp := admin.post(path, form)
			if resp.code != http.StatusForbidden || !strings.Contains(resp.body, "CSRF") {
				t.Errorf("%s %s with %s token: %d", rt.method, path, name, resp.code)
			}
		}
	}
	// The login form has its own token.
	resp := f.anon().post("/login", url.Values{"name": {"u-admin"}, "password": {testPassword}})
	if resp.code != http.StatusForbidden {
		t.Errorf("login without token: %d", resp.code)
	}
	// Nothing changed: the admin is still logged in and the hit is pending.
	if resp := admin.get("/admin/users"); resp.code != 200 {
		t.Errorf("admin session lost: %d", resp.code)
	}
}

func TestSessionCookieAndIdleTimeout(t *testing.T) {
	f := newFixture(t, nil)
	c := f.anon()
	tok := csrfIn(c.get("/login").body)
	resp := c.post("/login", url.Values{"csrf": {tok}, "name": {"u-reviewer"}, "password": {testPassword}})
	var cookie *http.Cookie
	for _, ck := range (&http.Response{Header: resp.header}).Cookies() {
		if ck.Name == sessionCookie {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" {
		t.Fatalf("session cookie = %+v", cookie)
	}
	if resp := c.get("/queue"); resp.code != 200 {
		t.Fatalf("queue after login: %d", resp.code)
	}
	f.clock.Add(31 * time.Minute)
	if resp := c.get("/queue"); resp.code != http.StatusSeeOther {
		t.Errorf("after idle timeout: %d, want redirect to login", resp.code)
	}
	// Secure when configured.
	f.srv.cfg.SecureCookies = true
	c = f.anon()
	resp = c.get("/login")
	for _, ck := range (&http.Response{Header: resp.header}).Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s not Secure", ck.Name)
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.limiter = newLimiter(5, time.Minute, f.clock.Now)
	try := func(name, pw string) int {
		c := f.anon()
		tok := csrfIn(c.get("/login").body)
		return c.post("/login", url.Values{"csrf": {tok}, "name": {name}, "password": {pw}}).code
	}
	for i := 0; i < 5; i++ {
		if code := try("u-reviewer", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if code := try("u-reviewer", testPassword); code != http.StatusTooManyRequests {
		t.Errorf("6th attempt: %d, want 429 even with the right password", code)
	}
	f.clock.Add(61 * time.Second)
	if code := try("u-reviewer", testPassword); code != http.StatusSeeOther {
		t.Errorf("after a minute: %d", code)
	}
	// Unknown account and disabled account are refused like a wrong password.
	if code := try("nobody", testPassword); code != http.StatusUnauthorized {
		t.Errorf("unknown user: %d", code)
	}
}

// Sessions live in the database: a restarted server (a new Server over the
// same store) keeps reviewers logged in, with the same CSRF token; logout,
// idle timeout and a changed account end them for every server.
func TestSessionsSurviveRestart(t *testing.T) {
	f := newFixture(t, nil)
	restart := func() {
		t.Helper()
		srv, err := New(Config{Store: f.db, SandboxURL: f.sandbox.URL, ReportDir: t.TempDir(), PasswordCost: bcrypt.MinCost, LoginLimit: 1000, Now: f.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		f.srv = srv
		f.app.Config.Handler = srv.Handler()
	}
	c := f.as(RoleReviewer)
	restart()
	if resp := c.get("/queue"); resp.code != 200 {
		t.Fatalf("queue after a restart: %d, want 200", resp.code)
	}
	// the CSRF token of the session still works after the restart
	if resp := c.postCSRF("/logout", nil); resp.code != http.StatusSeeOther {
		t.Fatalf("logout after a restart: %d", resp.code)
	}
	restart()
	if resp := c.get("/queue"); resp.code != http.StatusSeeOther {
		t.Errorf("queue after logout and restart: %d, want redirect to login", resp.code)
	}

	// a new login is stored
	c = f.as(RoleReviewer)
	var cookie string
	for _, ck := range c.hc.Jar.Cookies(mustURL(t, f.app.URL)) {
		if ck.Name == sessionCookie {
			cookie = ck.Value
		}
	}
	if _, err := f.db.GetSession(context.Background(), cookie); err != nil {
		t.Fatalf("session not stored: %v", err)
	}

	// idle timeout holds across a restart
	f.clock.Add(31 * time.Minute)
	restart()
	if resp := c.get("/queue"); resp.code != http.StatusSeeOther {
		t.Errorf("after idle timeout and restart: %d, want redirect to login", resp.code)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
