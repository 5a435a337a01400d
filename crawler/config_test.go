package crawler

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const goodConfig = `
user_agent: "guazheng/1.0 (+https://example.org)"
keywords: [挂证, 二建]
defaults:
  politeness: {delay: 2s}
  limits: {max_body: 1MiB}
sites:
  - name: board
    schedule: "@every 30m"
    start:
      - "https://jobs.example.com/search?q={kw}&page=1"
      - "https://jobs.example.com/tag/{kw}/list"
      - "https://jobs.example.com/latest"
    links:
      posts: [{pattern: '/job/\d+'}]
    extract: {title: h1, text: div.desc}
  - name: quiet
    enabled: false
    schedule: "0 */2 * * *"
    keywords: [一建]
    start: ["http://old.example.cn/s?kw={kw}"]
    charset: gbk
    politeness: {concurrency: 2, robots: false}
    strip_params: [sid]
    links:
      posts: [{selector: "a.t"}]
    extract: {title: h1, text: div.desc}
`

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("sites.yaml", strings.NewReader(goodConfig))
	if err != nil {
		t.Fatal(err)
	}
	b, q := cfg.Site("board"), cfg.Site("quiet")
	if b == nil || q == nil || cfg.Site("none") != nil {
		t.Fatal("sites missing")
	}
	// Defaults: built-in, then the file's defaults, then the site's own.
	if b.Politeness.Delay.D() != 2*time.Second || b.Politeness.Concurrency != 1 || !b.Politeness.Robots ||
		b.Limits.MaxBody != 1<<20 || b.Limits.Timeout.D() != 30*time.Second || b.UserAgent != "guazheng/1.0 (+https://example.org)" {
		t.Errorf("board settings %+v", b.Settings)
	}
	if q.Politeness.Delay.D() != 2*time.Second || q.Politeness.Concurrency != 2 || q.Politeness.Robots ||
		!slices.Equal(q.StripParams, []string{"sid"}) || q.IsEnabled() || !b.IsEnabled() {
		t.Errorf("quiet settings %+v", q.Settings)
	}
	want := []string{
		"https://jobs.example.com/search?q=%E6%8C%82%E8%AF%81&page=1", "https://jobs.example.com/search?q=%E4%BA%8C%E5%BB%BA&page=1",
		"https://jobs.example.com/tag/%E6%8C%82%E8%AF%81/list", "https://jobs.example.com/tag/%E4%BA%8C%E5%BB%BA/list",
		"https://jobs.example.com/latest"}
	if got := cfg.StartURLs(b); !slices.Equal(got, want) {
		t.Errorf("start URLs\n got %q\nwant %q", got, want)
	}
	if got := cfg.StartURLs(q); !slices.Equal(got, []string{"http://old.example.cn/s?kw=%E4%B8%80%E5%BB%BA"}) {
		t.Errorf("site keywords: %q", got)
	}
}

// The crawler's configuration can be a sub-tree of a larger file.
func TestConfigSubtree(t *testing.T) {
	indented := "  " + strings.ReplaceAll(strings.TrimSpace(goodConfig), "\n", "\n  ")
	big := "web:\n  addr: :8080\nrules_dir: rules\ncrawler:\n" + indented + "\n"
	cfg, err := ParseConfig("guazheng.yaml", strings.NewReader(big))
	if err != nil || len(cfg.Sites) != 2 {
		t.Fatalf("%v %+v", err, cfg)
	}
	var outer struct {
		Crawler Config `yaml:"crawler"`
	}
	if err := yaml.Unmarshal([]byte(big), &outer); err != nil {
		t.Fatal(err)
	}
	outer.Crawler.Source = "guazheng.yaml"
	if err := outer.Crawler.Validate(); err != nil || outer.Crawler.Sites[0].Politeness.Delay.D() != 2*time.Second {
		t.Fatalf("embedded: %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	site := func(extra string) string {
		return "sites:\n  - name: zhaopin-demo\n    schedule: \"@every 30m\"\n    start: [\"https://z.example.com/list\"]\n" +
			"    links: {posts: [{pattern: '/job/'}]}\n" + extra
	}
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"empty selector", site("    extract: {title: \"\", text: div.c}\n"),
			[]string{`test.yaml:6: site "zhaopin-demo": field "extract.title": empty selector`}},
		{"bad selector", site("    extract: {title: \"h1[\", text: div.c}\n"), []string{`field "extract.title": bad CSS selector`}},
		{"unknown key", site("    extract: {title: h1, txt: div.c}\n"), []string{`line 6: unknown field "sites[0].extract.txt"`}},
		{"unknown top key", "sitez: []\n", []string{`unknown field "sitez"`}},
		{"bad cron", strings.Replace(site("    extract: {title: h1, text: p}\n"), "@every 30m", "every half hour", 1),
			[]string{`test.yaml:3: site "zhaopin-demo": field "schedule": bad cron spec`}},
		{"bad duration", site("    extract: {title: h1, text: p}\n    politeness: {delay: fast}\n"), []string{`bad duration "fast"`}},
		{"bad size", site("    extract: {title: h1, text: p}\n    limits: {max_body: lots}\n"), []string{`bad size "lots"`}},
		{"zero concurrency", site("    extract: {title: h1, text: p}\n    politeness: {concurrency: 0}\n"),
			[]string{`test.yaml:7: site "zhaopin-demo": field "politeness.concurrency": must be at least 1`}},
		{"no extraction", site(""), []string{`field "extract": neither extract (HTML) nor json`}},
		{"keyword without keywords", strings.Replace(site("    extract: {title: h1, text: p}\n"), "/list", "/s?q={kw}", 1),
			[]string{`field "start": uses {kw} but no keywords`}},
		{"relative start", strings.Replace(site("    extract: {title: h1, text: p}\n"), "https://z.example.com/list", "/list", 1),
			[]string{`field "start[0]": not an absolute http(s) URL`}},
		{"bad charset", site("    extract: {title: h1, text: p}\n    charset: klingon\n"), []string{`field "charset": unknown charset "klingon"`}},
		{"bad pattern", strings.Replace(site("    extract: {title: h1, text: p}\n"), "'/job/'", "'(('", 1),
			[]string{`field "links.posts[0].pattern": bad regular expression`}},
		{"json without url", site("    json: {list: data, fields: {text: t}}\n"), []string{`field "json.url": empty item URL template`}},
		{"duplicate names", "sites:\n  - {name: a, schedule: '@hourly', start: ['http://a/'], json: {list: l, url: '/{id}', fields: {text: t}}}\n" +
			"  - {name: a, schedule: '@hourly', start: ['http://a/'], json: {list: l, url: '/{id}', fields: {text: t}}}\n",
			[]string{`test.yaml:3: site "a": field "name": duplicate site name`}},
		{"several problems at once", "sites:\n  - name: x\n    start: []\n    json: {list: l, url: '/{id}', fields: {text: t}}\n",
			[]string{`field "schedule": empty cron spec`, `field "start": no start URLs`}},
		{"no sites", "keywords: [a]\n", []string{`field "sites": no sites configured`}},
		{"empty file", "", []string{"test.yaml: empty configuration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("test.yaml", strings.NewReader(tt.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}
