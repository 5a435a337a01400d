package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng/cmd/guazheng/demosite"
)

// TestDaemonServesHealthAndMetrics runs `guazheng run` against the demo
// sites with a rule directory, checks /healthz and /metrics after the first
// crawl, reloads a changed rule file, and stops on cancel.
func TestDaemonServesHealthAndMetrics(t *testing.T) {
	sites, err := demosite.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sites.Close()
	dir := t.TempDir()
	rulesDir := filepath.Join(dir, "rules")
	os.MkdirAll(rulesDir, 0o755)
	copyRules(t, rulesDir)
	crawl := demoCrawlConfig(sites)
	cfgText := "data_dir: " + filepath.Join(dir, "data") + "\nlog: {level: info, format: json}\nrules: {dir: " + rulesDir + ", reload_interval: 100ms}\n" +
		"web: {addr: 127.0.0.1:0, sandbox_addr: 127.0.0.1:0}\ncrawler:\n" + indent(crawl, "  ")
	cfgPath := filepath.Join(dir, "guazheng.yaml")
	os.WriteFile(cfgPath, []byte(cfgText), 0o644)
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	var logs syncBuffer
	go func() { done <- daemon(ctx, cfg, &logs, true, func(app, _ net.Addr) { addrc <- app }) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a.String()
	case err := <-done:
		t.Fatalf("daemon ended: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatal("daemon did not start the web UI")
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	// Wait until the first crawl of every site has been recorded.
	var metrics string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, metrics = get("/metrics")
		if strings.Count(metrics, "guazheng_crawl_runs_total{") >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("crawl runs not in /metrics:\n%s\nlogs:\n%s", metrics, logs.String())
		}
	}
	for _, want := range []string{
		`guazheng_crawl_runs_total{site="zhucai",outcome="ok"} 1`,
		`guazheng_classify_posts_total `,
		`guazheng_classify_flagged_total{role="broker"}`,
		`guazheng_store_posts_total{site="jzsforum",change="new"}`,
		`guazheng_review_hits{state="pending"}`,
		`guazheng_rules_info{version="`,
		`# TYPE guazheng_crawl_requests_total counter`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, _ := get("/queue"); code != 200 && code != 303 {
		t.Errorf("/queue unauthenticated: %d, want the login redirect", code)
	}
	// A broken rule file is refused; the old rules keep serving.
	os.WriteFile(filepath.Join(rulesDir, "zz.yaml"), []byte("rules: [\n"), 0o644)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, metrics = get("/metrics")
		if strings.Contains(metrics, "guazheng_rules_last_reload_failed 1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the broken rule file was not noticed:\n%s", metrics)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not stop")
	}
	if !strings.Contains(logs.String(), `"msg":"guazheng stopped"`) {
		t.Errorf("no JSON stop line in the logs:\n%s", logs.String())
	}
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
