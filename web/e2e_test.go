package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// newBrowser starts Debian's headless Chromium. Without it the test fails
// under CI and is skipped elsewhere.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: install Debian's chromium (apt-get install -y chromium) for the browser tests", chromiumPath)
		}
		t.Skipf("%s is missing: skipping the browser tests (apt-get install -y chromium to run them)", chromiumPath)
	}
	dir := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 900),
		// Keep sandboxed frames in the page's process so that the test can
		// read their DOM; the sandbox itself is the CSP and the attribute.
		chromedp.Flag("disable-features", "IsolateSandboxedIframes"),
		chromedp.Flag("disable-site-isolation-trials", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// waitJS polls a JavaScript condition until it holds.
func waitJS(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : ""`))
			t.Fatalf("timed out waiting for %s (at %s, last error %v)\n%s", cond, loc, err, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestBrowserReviewFlow(t *testing.T) {
	ctx := newBrowser(t)
	f := newFixture(t, nil)
	app := f.app.URL
	C := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// Log in: the queue sends us to the login form and back.
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(app+"/queue"),
		chromedp.WaitVisible(C(`input[name=name]`)),
		chromedp.SendKeys(C(`input[name=name]`), "u-admin"),
		chromedp.SendKeys(C(`input[name=password]`), testPassword),
		chromedp.Click(C(`.login button[type=submit]`)),
	))
	waitJS(t, ctx, `location.pathname === "/queue" && document.querySelectorAll("tr.hit-row").length === 6`)

	// Filter the queue by site.
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(C(`#filters input[name=site]`), "jzsforum"),
		chromedp.Click(C(`#filters button[type=submit]`)),
	))
	waitJS(t, ctx, `location.search.includes("site=jzsforum") && document.querySelectorAll("tr.hit-row").length === 1`)

	// Confirm that hit from its page.
	must(t, chromedp.Do(ctx, chromedp.Click(C(`tr.hit-row td.title a`))))
	waitJS(t, ctx, fmt.Sprintf(`location.pathname === "/hits/%d"`, f.hits["a2"]))
	must(t, chromedp.Do(ctx,
		chromedp.SendKeys(C(`form.state-form input[name=reason]`), "核实为中介挂证广告"),
		chromedp.Click(C(`form.state-form button[value=confirmed]`)),
	))
	waitJS(t, ctx, `document.getElementById("hit-state") && document.getElementById("hit-state").textContent === "已确认"`)
	if h, _ := f.db.GetHit(ctx, f.hits["a2"]); h == nil || h.State != "confirmed" || h.History[len(h.History)-1].Actor != "u-admin" {
		t.Fatalf("hit not confirmed in the store: %+v", h)
	}

	// Open the largest network.
	must(t, chromedp.Do(ctx, chromedp.Navigate(app+"/networks")))
	waitJS(t, ctx, `document.querySelectorAll("tr.network-row").length === 2`)
	must(t, chromedp.Do(ctx, chromedp.Click(C(`tr.network-row a`))))
	waitJS(t, ctx, `location.pathname.startsWith("/networks/") && document.getElementById("export-package") !== null`)
	text, err := chromedp.Run(ctx, chromedp.Text(C(`ul.contacts`)))
	must(t, err)
	if !strings.Contains(text, "13800000001") || !strings.Contains(text, "gz_a") {
		t.Errorf("network contacts %q", text)
	}

	// Export its lead package: the browser downloads a ZIP.
	dl := t.TempDir()
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	yes := true
	must(t, chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: &yes})
			return err
		}),
		chromedp.Click(C(`#export-package`)),
	))
	var file string
	for ev, err := range progress {
		must(t, err)
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dl, ev.GUID)
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download canceled")
		}
	}
	b, err := os.ReadFile(file)
	must(t, err)
	files := unzip(t, b)
	if _, ok := files["线索清单.xlsx"]; !ok {
		t.Errorf("downloaded package lacks the list: %v", keys(files))
	}
	if len(files) != 4 {
		t.Errorf("package files %v", keys(files))
	}

	// A captured page with scripts: shown in the sandbox, its scripts never run.
	capPage := fmt.Sprintf("%s/hits/%d/captures/%d", app, f.hits["evil"], f.captures["evil"])
	must(t, chromedp.Do(ctx, chromedp.Navigate(capPage), chromedp.WaitReady(C(`iframe.capture`))))
	// Listen for what the captured scripts would post, then load the frame again.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__msgs = []; window.addEventListener("message", e => window.__msgs.push(String(e.data)));
		const f = document.querySelector("iframe.capture"); f.src = f.src; true`))
	must(t, err)
	time.Sleep(1500 * time.Millisecond)
	// Read the frame's document through the DOM domain: no script runs in it.
	depth, pierce := int64(-1), true
	doc, err := chromedp.Call(ctx, dom.GetDocument, dom.GetDocumentParams{Depth: &depth, Pierce: &pierce})
	must(t, err)
	frameDoc := findNode(doc.Root, func(n *cdp.Node) bool { return n.LocalName == "iframe" && n.ContentDocument != nil })
	if frameDoc == nil {
		t.Fatal("no iframe document")
	}
	var h1 string
	if n := findNode(frameDoc.ContentDocument, func(n *cdp.Node) bool { return attr(n, "id") == "captured" }); n != nil && len(n.Children) > 0 {
		h1 = n.Children[0].NodeValue
	}
	if h1 != "高价收一级建造师" {
		t.Errorf("captured page not rendered in the frame: %q", h1)
	}
	body := findNode(frameDoc.ContentDocument, func(n *cdp.Node) bool { return n.LocalName == "body" })
	if body == nil {
		t.Fatal("frame has no body")
	}
	ran := attr(body, "data-ran") != ""
	msgs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__msgs`))
	must(t, err)
	title, err := chromedp.Run(ctx, chromedp.Title())
	must(t, err)
	if ran || len(msgs) != 0 || title == "PWNED" {
		t.Errorf("captured script ran: data-ran=%v messages=%v title=%q", ran, msgs, title)
	}

	// Control: the same page in an ordinary frame does run, so the check above can fail.
	ctrl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/evil" {
			fmt.Fprint(w, evilPage)
			return
		}
		fmt.Fprint(w, `<html><body><script>window.__msgs = []; addEventListener("message", e => __msgs.push(String(e.data)));</script><iframe src="/evil"></iframe></body></html>`)
	}))
	defer ctrl.Close()
	must(t, chromedp.Do(ctx, chromedp.Navigate(ctrl.URL)))
	waitJS(t, ctx, `window.__msgs && window.__msgs.includes("script-ran")`)
}

func findNode(n *cdp.Node, match func(*cdp.Node) bool) *cdp.Node {
	if n == nil {
		return nil
	}
	if match(n) {
		return n
	}
	for _, c := range n.Children {
		if m := findNode(c, match); m != nil {
			return m
		}
	}
	return findNode(n.ContentDocument, match)
}

func attr(n *cdp.Node, name string) string {
	for i := 0; i+1 < len(n.Attributes); i += 2 {
		if n.Attributes[i] == name {
			return n.Attributes[i+1]
		}
	}
	return ""
}
