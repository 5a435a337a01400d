package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/sqlite"
)

// t0 is the fixture's time: captures were fetched around it.
var t0 = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Hostile texts: what a broker could write to attack the reviewers.
const (
	evilTitle = `<script>alert("t")</script>"><img src=x onerror=alert(1)>高价收一级建造师`
	evilText  = `=HYPERLINK("http://evil.example/","点我领取") "><img src=x onerror=alert(2)> <script>alert(3)</script> 长期收一建市政，不坐班，微信 gz_evil`
	evilPage  = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>证书挂靠</title></head><body>
<h1 id="captured">高价收一级建造师</h1><p>不坐班，唯一社保，电话 13800000009</p>
<script>parent.postMessage("script-ran", "*"); document.title = "PWNED"; document.body.setAttribute("data-ran", "1");</script>
<img src="x" onerror="parent.postMessage('onerror-ran', '*'); document.body.setAttribute('data-ran', '2')">
</body></html>`
)

// fixture is a server over a real SQLite store with accounts of every role
// and a few hits: two broker networks and one hostile ad.
type fixture struct {
	t        *testing.T
	db       *sqlite.DB
	srv      *Server
	app      *httptest.Server
	sandbox  *httptest.Server
	clock    *clock
	hits     map[string]int64 // by post key suffix
	captures map[string]int64
	users    map[Role]string
}

const testPassword = "correct-horse-9"

func newFixture(t *testing.T, capt Capturer) *fixture {
	t.Helper()
	dir := t.TempDir()
	clk := &clock{t: t0.Add(24 * time.Hour)}
	db, err := sqlite.Open(filepath.Join(dir, "g.db"), sqlite.Options{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{t: t, db: db, clock: clk, hits: map[string]int64{}, captures: map[string]int64{}, users: map[Role]string{}}
	f.ingestFixture()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Roles() {
		name := "u-" + string(r)
		if _, err := db.CreateUser(context.Background(), guazheng.User{Name: name, Role: string(r), PasswordHash: string(hash)}); err != nil {
			t.Fatal(err)
		}
		f.users[r] = name
	}
	f.sandbox = httptest.NewServer(nil)
	t.Cleanup(f.sandbox.Close)
	f.srv, err = New(Config{Store: db, Rules: sharedRules(t), Capturer: capt, SandboxURL: f.sandbox.URL, ReportDir: filepath.Join(dir, "reports"),
		Unit: "某市住房和城乡建设局", PasswordCost: bcrypt.MinCost, LoginLimit: 1000, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.sandbox.Config.Handler = f.srv.SandboxHandler()
	f.app = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.app.Close)
	return f
}

func capture(site, u string, at time.Time, body string) *guazheng.Capture {
	return &guazheng.Capture{Site: site, Method: "GET", URL: u, FinalURL: u, Proto: "HTTP/1.1",
		RequestHeader: http.Header{"User-Agent": {"guazheng/test"}}, Status: 200,
		ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		Body:           []byte(body), ServerIP: "127.0.0.1:80", FetchedAt: at, Duration: 50 * time.Millisecond, Charset: "utf-8"}
}

// verdict builds a flagged verdict whose spans point into text.
func verdict(role guazheng.Role, score float64, title, text string, phones, wechat []string, certs ...guazheng.Cert) guazheng.Verdict {
	v := guazheng.Verdict{Flagged: true, Role: role, Score: score, RuleSet: "test-1",
		Entities: guazheng.Entities{Phones: phones, WeChat: wechat, Certs: certs}}
	for _, word := range []string{"高价收", "不坐班", "长期收"} {
		if i := strings.Index(text, word); i >= 0 {
			v.Rules = append(v.Rules, guazheng.FiredRule{Rule: "offer." + word, Score: 3, Description: "收/出证表述 " + word, Role: role,
				Spans: []guazheng.Span{{Field: "text", Start: i, End: i + len(word), Text: word}}})
		}
		if i := strings.Index(title, word); i >= 0 {
			v.Rules = append(v.Rules, guazheng.FiredRule{Rule: "title." + word, Score: 1, Description: "标题 " + word,
				Spans: []guazheng.Span{{Field: "title", Start: i, End: i + len(word), Text: word}}})
		}
	}
	for _, p := range phones {
		if i := strings.Index(text, p); i >= 0 {
			v.Contacts = append(v.Contacts, guazheng.Contact{Kind: guazheng.ContactPhone, Value: p, Span: guazheng.Span{Field: "text", Start: i, End: i + len(p), Text: p}})
		} else {
			v.Contacts = append(v.Contacts, guazheng.Contact{Kind: guazheng.ContactPhone, Value: p})
		}
	}
	for _, w := range wechat {
		v.Contacts = append(v.Contacts, guazheng.Contact{Kind: guazheng.ContactWeChat, Value: w})
	}
	return v
}

func (f *fixture) ingest(site, key, title, text string, at time.Time, v *guazheng.Verdict, body string) {
	f.t.Helper()
	u := "http://" + site + ".example/" + key
	c := capture(site, u, at, body)
	cv := guazheng.Verdict{RuleSet: "test-1", Rules: []guazheng.FiredRule{}}
	if v != nil {
		cv = *v
	}
	if _, err := f.db.Ingest(context.Background(), c, []guazheng.ClassifiedPost{{Post: guazheng.Post{Site: site, Key: u, URL: u,
		Title: title, Text: text}, Verdict: cv}}); err != nil {
		f.t.Fatal(err)
	}
	f.captures[key] = c.ID
	hits, _, err := f.db.ListHits(context.Background(), guazheng.HitFilter{Text: u})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, h := range hits {
		if h.URL == u {
			f.hits[key] = h.ID
		}
	}
}

func (f *fixture) ingestFixture() {
	yj := guazheng.Cert{Name: "一级建造师", Specialty: "市政"}
	ej := guazheng.Cert{Name: "二级建造师", Specialty: "机电"}
	// Network A: one broker, phone 13800000001 on two sites, WeChat gz_a links a third post.
	for i, p := range []struct{ site, key, title, text string }{
		{"zhucai", "a1", "高价收一级建造师市政", "高价收一建市政，不坐班，电话 13800000001"},
		{"jzsforum", "a2", "长期收各类证书", "长期收一建二建，电话 13800000001 微信 gz_a"},
		{"gcyc", "a3", "资质合作", "长期收证，微信 gz_a，价格面议"},
	} {
		v := verdict(guazheng.RoleBroker, 8+float64(i), p.title, p.text, phonesIn(p.text), wechatIn(p.text), yj)
		f.ingest(p.site, p.key, p.title, p.text, t0.Add(time.Duration(i)*time.Hour), &v, "<html><body>"+p.text+"</body></html>")
	}
	// Network B: two seller posts with the same phone.
	for i, p := range []struct{ site, key, title, text string }{
		{"zhucai", "b1", "本人二建机电求挂", "本人有二建机电，求合作单位，不坐班，电话 13900000002"},
		{"zhucai", "b2", "二建机电出证", "二建机电初始证，电话 13900000002"},
	} {
		v := verdict(guazheng.RoleSeller, 6, p.title, p.text, phonesIn(p.text), nil, ej)
		f.ingest(p.site, p.key, p.title, p.text, t0.Add(time.Duration(3+i)*time.Hour), &v, "<html><body>"+p.text+"</body></html>")
	}
	// The hostile ad, whose capture carries a script.
	v := verdict(guazheng.RoleBuyer, 9.5, evilTitle, evilText, []string{"13800000009"}, []string{"gz_evil"}, yj)
	f.ingest("zhucai", "evil", evilTitle, evilText, t0.Add(5*time.Hour), &v, evilPage)
	// An ordinary job ad: not a hit.
	f.ingest("zhucai", "job", "招聘资料员", "五险一金，双休，需到岗", t0.Add(6*time.Hour), nil, "<html><body>招聘</body></html>")
}

var phoneRE = regexp.MustCompile(`1[3-9]\d{9}`)
var wechatRE = regexp.MustCompile(`gz_[a-z]+`)

func phonesIn(s string) []string { return phoneRE.FindAllString(s, -1) }
func wechatIn(s string) []string { return wechatRE.FindAllString(s, -1) }

// client is a browser-like HTTP client of the fixture's app.
type client struct {
	f    *fixture
	hc   *http.Client
	csrf string
}

func (f *fixture) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// as returns a client logged in through the login form.
func (f *fixture) as(r Role) *client {
	f.t.Helper()
	c := f.anon()
	resp := c.get("/login")
	tok := csrfIn(resp.body)
	resp = c.post("/login", url.Values{"csrf": {tok}, "name": {f.users[r]}, "password": {testPassword}})
	if resp.code != http.StatusSeeOther {
		f.t.Fatalf("login as %s: %d %s", r, resp.code, resp.body)
	}
	c.csrf = c.get("/queue").csrfOrEmpty()
	if c.csrf == "" {
		// Roles without queue access still get a token on their home page.
		c.csrf = csrfIn(c.get(r.home()).body)
	}
	return c
}

type response struct {
	code   int
	body   string
	header http.Header
}

func (r response) csrfOrEmpty() string { return csrfIn(r.body) }

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfIn(body string) string {
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func (c *client) do(req *http.Request) response {
	c.f.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return response{code: resp.StatusCode, body: string(b), header: resp.Header}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest("GET", c.f.app.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	req, _ := http.NewRequest("POST", c.f.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// postCSRF posts form with the client's CSRF token.
func (c *client) postCSRF(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.post(path, form)
}

func (f *fixture) hitVersion(id int64) int64 {
	f.t.Helper()
	h, err := f.db.GetHit(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return h.Version
}

func ids(v ...int64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}
