package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/guazheng/guazheng/crawler"
)

// Config is the daemon's configuration file (guazheng run --config FILE).
// docs/config.md documents every setting; zero values take the defaults
// that applyDefaults fills in.
type Config struct {
	DataDir     string    `yaml:"data_dir"`
	DB          string    `yaml:"db"`
	WARCDir     string    `yaml:"warc_dir"`
	ReportsDir  string    `yaml:"reports_dir"`
	WARCMaxSize ByteSize  `yaml:"warc_max_size"`
	Durable     bool      `yaml:"durable"`
	Log         LogConfig `yaml:"log"`
	Rules       struct {
		Dir            string   `yaml:"dir"`
		ReloadInterval Duration `yaml:"reload_interval"`
	} `yaml:"rules"`
	Web struct {
		Enabled       *bool    `yaml:"enabled"`
		Addr          string   `yaml:"addr"`
		SandboxAddr   string   `yaml:"sandbox_addr"`
		SandboxURL    string   `yaml:"sandbox_url"`
		SecureCookies bool     `yaml:"secure_cookies"`
		Unit          string   `yaml:"unit"`
		IdleTimeout   Duration `yaml:"idle_timeout"`
	} `yaml:"web"`
	Report struct {
		Enabled  *bool  `yaml:"enabled"`
		Schedule string `yaml:"schedule"`
	} `yaml:"report"`
	Retention struct {
		Enabled    bool     `yaml:"enabled"`
		Schedule   string   `yaml:"schedule"`
		KeepDays   int      `yaml:"keep_days"`
		KeepStates []string `yaml:"keep_states"`
	} `yaml:"retention"`
	Evidence struct {
		TSAURL  string `yaml:"tsa_url"`
		SignKey string `yaml:"sign_key"`
	} `yaml:"evidence"`
	// Crawler is the site list and crawl settings (docs/sites.md).
	Crawler yaml.Node `yaml:"crawler"`

	crawler *crawler.Config
	source  string
	root    *yaml.Node
}

// LogConfig sets logging.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // auto, json, text
}

// Duration is a time.Duration written like "30s" or "1h30m".
type Duration struct{ time.Duration }

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration like 30s, 5m or 1h", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// ByteSize is a size written like "512MiB", "1GiB" or a plain number of bytes.
type ByteSize int64

// UnmarshalYAML parses a size with an optional KiB/MiB/GiB (or KB/MB/GB) unit.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return fmt.Errorf("line %d: %q is not a size like 512MiB or 1GiB", n.Line, n.Value)
	}
	*b = ByteSize(v * float64(mult))
	return nil
}

// configError names the file, line and setting of a problem.
type configError struct {
	file  string
	line  int
	field string
	msg   string
}

func (e *configError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s: %s", e.file, e.line, e.field, e.msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.file, e.field, e.msg)
}

// LoadConfig reads, defaults and validates a daemon configuration file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseConfig(path, b)
}

// ParseConfig parses a configuration; name is used in error messages.
func ParseConfig(name string, b []byte) (*Config, error) {
	c := &Config{source: name}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty configuration", name)
	}
	c.root = root.Content[0]
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if c.Crawler.Kind == 0 {
		return nil, &configError{name, 0, "crawler", "missing: the sites to crawl (see docs/sites.md)"}
	}
	// The crawler reads its own section (the "crawler:" key) of the file,
	// so its errors carry the file's line numbers.
	cc, crawlErr := crawler.ParseConfig(name, bytes.NewReader(b))
	c.crawler = cc
	c.applyDefaults()
	if err := errors.Join(c.Validate(), crawlErr); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) applyDefaults() {
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "guazheng.db")
	}
	if c.WARCDir == "" {
		c.WARCDir = filepath.Join(c.DataDir, "warc")
	}
	if c.ReportsDir == "" {
		c.ReportsDir = filepath.Join(c.DataDir, "reports")
	}
	if c.WARCMaxSize == 0 {
		c.WARCMaxSize = 1 << 30
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "auto"
	}
	if c.Rules.ReloadInterval.Duration == 0 {
		c.Rules.ReloadInterval.Duration = 5 * time.Second
	}
	if c.Web.Enabled == nil {
		t := true
		c.Web.Enabled = &t
	}
	if c.Web.Addr == "" {
		c.Web.Addr = "127.0.0.1:8080"
	}
	if c.Web.SandboxAddr == "" {
		c.Web.SandboxAddr = "127.0.0.1:8081"
	}
	if c.Web.SandboxURL == "" {
		c.Web.SandboxURL = "http://" + c.Web.SandboxAddr
	}
	if c.Web.IdleTimeout.Duration == 0 {
		c.Web.IdleTimeout.Duration = 30 * time.Minute
	}
	if c.Report.Enabled == nil {
		t := true
		c.Report.Enabled = &t
	}
	if c.Report.Schedule == "" {
		c.Report.Schedule = "0 8 2 * *"
	}
	if c.Retention.Schedule == "" {
		c.Retention.Schedule = "0 3 * * 0"
	}
	if c.Retention.KeepDays == 0 {
		c.Retention.KeepDays = 3 * 365
	}
	if len(c.Retention.KeepStates) == 0 {
		c.Retention.KeepStates = []string{"confirmed", "referred"}
	}
}

// line finds the line of a dotted key path ("web.addr") in the file.
func (c *Config) line(path string) int {
	n := c.root
	line := 0
	for _, k := range strings.Split(path, ".") {
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return line
}

// Validate checks values the YAML types cannot; every problem is listed.
func (c *Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &configError{c.source, c.line(field), field, fmt.Sprintf(format, args...)})
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "must be debug, info, warn or error, not %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "json", "text":
	default:
		bad("log.format", "must be auto, json or text, not %q", c.Log.Format)
	}
	if c.Rules.Dir != "" {
		if st, err := os.Stat(c.Rules.Dir); err != nil || !st.IsDir() {
			bad("rules.dir", "%q is not a readable directory", c.Rules.Dir)
		}
	}
	if *c.Web.Enabled {
		for _, f := range []struct{ name, v string }{{"web.addr", c.Web.Addr}, {"web.sandbox_addr", c.Web.SandboxAddr}} {
			if _, _, err := net.SplitHostPort(f.v); err != nil {
				bad(f.name, "%q is not HOST:PORT", f.v)
			}
		}
		if c.Web.Addr == c.Web.SandboxAddr && !strings.HasSuffix(c.Web.Addr, ":0") {
			bad("web.sandbox_addr", "must differ from web.addr: captured pages are shown from a separate origin")
		}
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	if _, err := parser.Parse(c.Report.Schedule); err != nil {
		bad("report.schedule", "bad cron spec %q: %v", c.Report.Schedule, err)
	}
	if _, err := parser.Parse(c.Retention.Schedule); err != nil {
		bad("retention.schedule", "bad cron spec %q: %v", c.Retention.Schedule, err)
	}
	if c.Retention.KeepDays < 30 {
		bad("retention.keep_days", "must be at least 30 (evidence must outlive the review), got %d", c.Retention.KeepDays)
	}
	for _, s := range c.Retention.KeepStates {
		switch s {
		case "pending", "confirmed", "dismissed", "referred":
		default:
			bad("retention.keep_states", "unknown review state %q (pending, confirmed, dismissed, referred)", s)
		}
	}
	if c.Evidence.TSAURL != "" && !strings.HasPrefix(c.Evidence.TSAURL, "http://") && !strings.HasPrefix(c.Evidence.TSAURL, "https://") {
		bad("evidence.tsa_url", "must be an http(s) URL, got %q", c.Evidence.TSAURL)
	}
	if c.Evidence.SignKey != "" {
		if _, err := os.Stat(c.Evidence.SignKey); err != nil {
			bad("evidence.sign_key", "cannot read %q: %v", c.Evidence.SignKey, err)
		}
	}
	return errors.Join(errs...)
}

// CrawlerConfig is the crawler section, parsed and validated.
func (c *Config) CrawlerConfig() *crawler.Config { return c.crawler }

func runConfig(ctx context.Context, e *env, args []string) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(e.stderr, "usage: guazheng config check FILE\n\nValidates a daemon configuration (see docs/guazheng.example.yaml) and names\nthe file, line and setting of every problem.")
		return nil
	}
	if len(args) != 2 || args[0] != "check" {
		return fmt.Errorf("%w: want: guazheng config check FILE", errUsage)
	}
	c, err := LoadConfig(args[1])
	if err != nil {
		return err
	}
	sites, enabled := len(c.crawler.Sites), 0
	for _, s := range c.crawler.Sites {
		if s.IsEnabled() {
			enabled++
		}
	}
	rules := c.Rules.Dir
	if rules == "" {
		rules = "(embedded default)"
	}
	fmt.Fprintf(e.stdout, "%s: OK — %d sites (%d enabled), database %s, rules %s, web %s\n", args[1], sites, enabled, c.DB, rules, c.Web.Addr)
	return nil
}
