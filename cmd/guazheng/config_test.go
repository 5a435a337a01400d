package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleConfigIsValid(t *testing.T) {
	out, errOut, code := runMain(t, "", "config", "check", filepath.Join("..", "..", "docs", "guazheng.example.yaml"))
	if code != 0 || !strings.Contains(out, "OK — 1 sites (1 enabled)") {
		t.Fatalf("config check: exit %d\n%s%s", code, out, errOut)
	}
}

func TestConfigErrors(t *testing.T) {
	const sites = "crawler:\n  sites:\n    - name: s\n      schedule: \"@every 1h\"\n      start: [\"http://127.0.0.1/\"]\n      links: {posts: [{selector: a}]}\n      extract: {title: h1, text: p}\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", "data_dirr: x\n" + sites, "line 1: field data_dirr not found"},
		{"bad duration", "rules:\n  reload_interval: soon\n" + sites, `line 2: "soon" is not a duration`},
		{"bad size", "warc_max_size: big\n" + sites, `"big" is not a size`},
		{"bad level", "log:\n  level: loud\n" + sites, "cfg.yaml:2: log.level: must be debug, info, warn or error"},
		{"same web ports", "web:\n  addr: 127.0.0.1:9000\n  sandbox_addr: 127.0.0.1:9000\n" + sites, "cfg.yaml:3: web.sandbox_addr: must differ from web.addr"},
		{"bad cron", "report:\n  schedule: monthly\n" + sites, `cfg.yaml:2: report.schedule: bad cron spec "monthly"`},
		{"bad state", "retention:\n  keep_states: [done]\n" + sites, `cfg.yaml:2: retention.keep_states: unknown review state "done"`},
		{"short retention", "retention:\n  keep_days: 7\n" + sites, "retention.keep_days: must be at least 30"},
		{"missing rules dir", "rules:\n  dir: /nonexistent/rules\n" + sites, "cfg.yaml:2: rules.dir"},
		{"no crawler", "data_dir: x\n", "crawler: missing"},
		{"bad site", "crawler:\n  sites:\n    - name: s\n      schedule: never\n      start: [\"http://127.0.0.1/\"]\n      links: {posts: [{selector: a}]}\n      extract: {title: h1, text: p}\n", `site "s"`},
		{"two errors listed", "log:\n  level: loud\n  format: xml\n" + sites, "log.format: must be auto, json or text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "cfg.yaml")
			os.WriteFile(p, []byte(tt.yaml), 0o644)
			_, err := LoadConfig(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tt.want)
			}
			_, errOut, code := runMain(t, "", "config", "check", p)
			if code == 0 || !strings.Contains(errOut, tt.want) {
				t.Fatalf("config check: exit %d, stderr %q", code, errOut)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := ParseConfig("cfg.yaml", []byte("data_dir: /srv/gz\ncrawler:\n  sites:\n    - name: s\n      schedule: \"@every 1h\"\n      start: [\"http://127.0.0.1/\"]\n      links: {posts: [{selector: a}]}\n      extract: {title: h1, text: p}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/srv/gz/guazheng.db" || c.WARCDir != "/srv/gz/warc" || c.WARCMaxSize != 1<<30 || !*c.Web.Enabled ||
		c.Report.Schedule != "0 8 2 * *" || c.Rules.ReloadInterval.Duration.String() != "5s" || c.Web.SandboxURL != "http://127.0.0.1:8081" {
		t.Fatalf("defaults: %+v", c)
	}
}
