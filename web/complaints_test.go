package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
)

// httpCapturer is a real capturer for the tests: it fetches the URL with
// net/http, extracts the page's title and text, and hands them to a
// guazheng.Pipeline with the real classifier and the real store.
type httpCapturer struct {
	pipe *guazheng.Pipeline
	now  func() time.Time
}

func (c *httpCapturer) Capture(ctx context.Context, u string) (guazheng.PageResult, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return guazheng.PageResult{}, err
	}
	req.Header.Set("User-Agent", "guazheng-test")
	var ip string
	resp, err := (&http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, n, a string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, n, a)
		if err == nil {
			ip = conn.RemoteAddr().String()
		}
		return conn, err
	}}}).Do(req)
	if err != nil {
		return guazheng.PageResult{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return guazheng.PageResult{}, fmt.Errorf("fetch %s: %w", u, err)
	}
	cp := &guazheng.Capture{Site: "complaint", Method: "GET", URL: u, FinalURL: resp.Request.URL.String(), Proto: resp.Proto,
		RequestHeader: req.Header, Status: resp.StatusCode, ResponseHeader: resp.Header, Body: body, ServerIP: ip,
		FetchedAt: c.now(), Charset: "utf-8"}
	if resp.StatusCode != 200 {
		return guazheng.PageResult{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	title, text := extract(body)
	return c.pipe.Page(ctx, cp, []guazheng.Post{{Site: "complaint", Key: cp.FinalURL, URL: cp.FinalURL, Title: title, Text: text}})
}

// extract returns the <title> and the visible text of an HTML page.
func extract(b []byte) (title, text string) {
	doc, err := xhtml.Parse(strings.NewReader(string(b)))
	if err != nil {
		return "", string(b)
	}
	var sb strings.Builder
	var walk func(n *xhtml.Node, inBody bool)
	walk = func(n *xhtml.Node, inBody bool) {
		if n.Type == xhtml.ElementNode {
			switch n.Data {
			case "script", "style":
				return
			case "title":
				if n.FirstChild != nil {
					title = strings.TrimSpace(n.FirstChild.Data)
				}
				return
			case "body":
				inBody = true
			}
		}
		if n.Type == xhtml.TextNode && inBody {
			sb.WriteString(n.Data)
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch, inBody)
		}
	}
	walk(doc, false)
	return title, strings.TrimSpace(sb.String())
}

// flaggedAd returns a corpus ad the real classifier flags.
func flaggedAd(t *testing.T, c guazheng.Classifier) classify.Item {
	items, err := classify.ReadCorpus("../testdata/corpus/ads_br.test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if c.Classify(it.Title, it.Text).Flagged && len(it.Phones) > 0 {
			return it
		}
	}
	t.Fatal("no flagged ad in the corpus")
	return classify.Item{}
}

func TestComplaintCapture(t *testing.T) {
	eng := sharedRules(t)
	var capt httpCapturer
	f := newFixture(t, &capt)
	capt.pipe = &guazheng.Pipeline{Classifier: classifierFunc(eng.ClassifyFull), Store: f.db}
	capt.now = f.clock.Now
	ad := flaggedAd(t, classifierFunc(eng.ClassifyFull))
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ad" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>%s</title></head><body><p>%s</p></body></html>", html.EscapeString(ad.Title), html.EscapeString(ad.Text))
	}))
	defer site.Close()

	c := f.as(RoleReviewer)
	// Bad input is explained.
	resp := c.postCSRF("/complaints", url.Values{"channel": {"举报电话"}, "received": {"2026-03-11T09:30"}, "urls": {"javascript:alert(1)"}})
	if resp.code != 400 || !strings.Contains(resp.body, "不是有效的网址") {
		t.Fatalf("bad URL: %d", resp.code)
	}
	resp = c.postCSRF("/complaints", url.Values{"channel": {"举报电话"}, "received": {"2026-03-11T09:30"}, "complainant": {""},
		"urls": {site.URL + "/ad\n" + site.URL + "/missing"}, "contacts": {"13800000001"}, "notes": {"群众来电举报挂证中介"}})
	if resp.code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.code, resp.body)
	}
	loc := resp.header.Get("Location")
	page := c.get(loc)
	if page.code != 200 {
		t.Fatalf("complaint page %d", page.code)
	}
	m := regexp.MustCompile(`<a href="/hits/(\d+)">线索 #`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("captured ad not linked to a hit:\n%s", page.body)
	}
	for _, want := range []string{"匿名", "已登记", "抓取失败：HTTP 404", "群众来电举报挂证中介", fmt.Sprintf(`href="/hits/%d"`, f.hits["a1"])} {
		if !strings.Contains(page.body, want) {
			t.Errorf("complaint page lacks %q", want)
		}
	}
	var hitID int64
	fmt.Sscan(m[1], &hitID)
	h, err := f.db.GetHit(context.Background(), hitID)
	if err != nil || h.Site != "complaint" || len(h.Post.Captures) != 1 {
		t.Errorf("hit %+v %v", h, err)
	}
	// State until closed; closing needs a result; version checked.
	id := strings.TrimPrefix(loc, "/complaints/")
	ver := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.body)[1]
	resp = c.postCSRF(loc+"/state", url.Values{"to": {"closed"}, "version": {ver}})
	if p := c.get(resp.header.Get("Location")); !strings.Contains(p.body, "办结须填写办理结果") {
		t.Error("closing without result accepted")
	}
	c.postCSRF(loc+"/state", url.Values{"to": {"inprogress"}, "version": {ver}, "note": {"已转公安"}})
	resp = c.postCSRF(loc+"/state", url.Values{"to": {"closed"}, "version": {ver}, "note": {"已办结"}})
	if p := c.get(resp.header.Get("Location")); !strings.Contains(p.body, "已被他人修改") {
		t.Error("stale version accepted")
	}
	d, _ := f.db.GetComplaint(context.Background(), mustInt(t, id))
	resp = c.postCSRF(loc+"/state", url.Values{"to": {"closed"}, "version": {fmt.Sprint(d.Version)}, "note": {"中介已被查处"}})
	p := c.get(resp.header.Get("Location"))
	if !strings.Contains(p.body, "已办结") || !strings.Contains(p.body, "中介已被查处") {
		t.Error("not closed")
	}
	if list := c.get("/complaints?state=closed"); !strings.Contains(list.body, `href="/complaints/`+id+`"`) {
		t.Error("closed complaint not listed")
	}
}

type classifierFunc func(title, text string) guazheng.Verdict

func (f classifierFunc) Classify(title, text string) guazheng.Verdict { return f(title, text) }

func mustInt(t *testing.T, s string) int64 {
	var v int64
	if _, err := fmt.Sscan(s, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
