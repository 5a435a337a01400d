package crawler

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/guazheng/guazheng/crawler/decode"
	"github.com/guazheng/guazheng/crawler/extract"
	"github.com/guazheng/guazheng/crawler/urlx"
	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// Config is the crawler's configuration: defaults shared by all sites and
// the list of sites. It decodes from YAML on its own (ParseConfig) or as a
// sub-tree of a larger file (a `crawler:` key): its UnmarshalYAML fills in
// built-in defaults, merges each site over the file's defaults, refuses
// unknown keys and keeps line numbers for Validate's messages.
type Config struct {
	// UserAgent is sent by every site that does not set its own.
	UserAgent string `yaml:"user_agent"`
	// Keywords fill the {kw} placeholder of start URLs.
	Keywords []string `yaml:"keywords"`
	// Data says where crawl state and output go.
	Data Data `yaml:"data"`
	// Defaults apply to every site; a site overrides any part.
	Defaults Settings `yaml:"defaults"`
	// Sites are the sites to crawl.
	Sites []Site `yaml:"sites"`

	// Source names the file in error messages (set by ParseConfig).
	Source string `yaml:"-"`

	node *yaml.Node
}

// Data locates crawl state and output.
type Data struct {
	// DB is the SQLite database holding the frontier, runs and evidence.
	DB string `yaml:"db"`
	// Out is a JSONL file receiving posts when no store is used.
	Out string `yaml:"out"`
}

// Settings are the per-site knobs that Defaults provide and sites override.
type Settings struct {
	UserAgent  string     `yaml:"user_agent"`
	Politeness Politeness `yaml:"politeness"`
	Limits     Limits     `yaml:"limits"`
	Recrawl    Recrawl    `yaml:"recrawl"`
	// StripParams are session and tracking query parameters removed from
	// every URL (a trailing * matches any suffix).
	StripParams []string `yaml:"strip_params"`
	// ChallengeMarkers mark anti-bot pages (treated like 503, never as
	// content).
	ChallengeMarkers []string `yaml:"challenge_markers"`
	// DeletedMarkers mark a page saying its post was removed.
	DeletedMarkers []string `yaml:"deleted_markers"`
}

// Politeness bounds how hard a host is hit.
type Politeness struct {
	Delay         Duration `yaml:"delay"`       // between request starts per host
	Concurrency   int      `yaml:"concurrency"` // requests in flight per host
	Robots        bool     `yaml:"robots"`      // obey robots.txt
	RobotsTTL     Duration `yaml:"robots_ttl"`
	RetryAfterCap Duration `yaml:"retry_after_cap"`
	Retries       int      `yaml:"retries"` // retries of a transient failure
	BackoffBase   Duration `yaml:"backoff_base"`
	BackoffCap    Duration `yaml:"backoff_cap"`
}

// Limits bound what one run fetches.
type Limits struct {
	Timeout             Duration `yaml:"timeout"` // per request, body included
	MaxRedirects        int      `yaml:"max_redirects"`
	MaxBody             ByteSize `yaml:"max_body"`
	MaxURLLength        int      `yaml:"max_url_length"`
	MaxRepeatedSegments int      `yaml:"max_repeated_segments"`
	MaxDepth            int      `yaml:"max_depth"` // links from start URLs
	MaxPages            int      `yaml:"max_pages"` // page budget per run
	// MaxHostBytes is the byte budget of one host in one run (0: none): a
	// host that has sent this much gets no more requests until the next run.
	MaxHostBytes ByteSize `yaml:"max_host_bytes"`
	Lease        Duration `yaml:"lease"` // frontier lease of a claimed URL
}

// Recrawl says when fetched URLs come due again.
type Recrawl struct {
	ListMin Duration `yaml:"list_min"` // shortest list-page interval (content changed)
	ListMax Duration `yaml:"list_max"` // longest list-page interval (content stable)
	// PostRecheck is how often a post page is re-checked (takedown, edits),
	// at most MaxRechecks times; 0 fetches posts once.
	PostRecheck Duration `yaml:"post_recheck"`
	MaxRechecks int      `yaml:"max_rechecks"`
	// ErrorRetry is when a URL that failed (after its retries) comes due
	// again, at most MaxErrors times in a row.
	ErrorRetry Duration `yaml:"error_retry"`
	MaxErrors  int      `yaml:"max_errors"`
}

// Site is one site to crawl.
type Site struct {
	Name    string `yaml:"name"`
	Enabled *bool  `yaml:"enabled"` // default true
	// Schedule is a cron spec ("*/30 * * * *", "@every 30m", "@hourly").
	Schedule string `yaml:"schedule"`
	// Start are the start URLs; {kw} expands over the keywords.
	Start []string `yaml:"start"`
	// Keywords replace the global keywords for this site.
	Keywords []string `yaml:"keywords"`
	// Hosts are the hosts (host or host:port) whose links are followed, in
	// addition to those of the start URLs.
	Hosts []string `yaml:"hosts"`
	// Charset overrides what pages declare (e.g. "gbk"); empty: detect.
	Charset string `yaml:"charset"`
	// TimeZone of dates without one (default Asia/Shanghai, UTC+8).
	TimeZone string `yaml:"time_zone"`
	// Links say which links lead to list pages and which to posts.
	Links Links `yaml:"links"`
	// Extract reads posts from HTML pages.
	Extract *extract.HTMLSpec `yaml:"extract"`
	// JSON reads posts from JSON endpoints.
	JSON *extract.JSONSpec `yaml:"json"`

	Settings `yaml:",inline"`

	line  int
	lines map[string]int
	canon *urlx.Canonicalizer
	loc   *time.Location
}

// Links classify the links found on list pages.
type Links struct {
	Lists []extract.LinkRule `yaml:"lists"` // list, search and pagination pages
	Posts []extract.LinkRule `yaml:"posts"` // detail pages and threads
	// StopWhenNothingNew ends pagination at a list page whose post links
	// are all known (default true; sites that always offer "next" are common).
	StopWhenNothingNew *bool `yaml:"stop_when_nothing_new"`
}

// IsEnabled reports whether the site is switched on.
func (s *Site) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// stopWhenNothingNew reports the pagination rule.
func (s *Site) stopWhenNothingNew() bool {
	return s.Links.StopWhenNothingNew == nil || *s.Links.StopWhenNothingNew
}

// Defaults returns the built-in defaults: 1 s per host, one request at a
// time per host, robots.txt obeyed, Retry-After capped at 10 min, 3 retries
// with backoff from 2 s to 5 min.
func Defaults() Settings {
	return Settings{
		UserAgent: "guazheng/" + versionToken() + " (+https://github.com/guazheng/guazheng)",
		Politeness: Politeness{
			Delay: Duration(time.Second), Concurrency: 1, Robots: true, RobotsTTL: Duration(24 * time.Hour),
			RetryAfterCap: Duration(10 * time.Minute), Retries: 3,
			BackoffBase: Duration(2 * time.Second), BackoffCap: Duration(5 * time.Minute),
		},
		Limits: Limits{
			Timeout: Duration(30 * time.Second), MaxRedirects: 5, MaxBody: 5 << 20, MaxURLLength: 2048,
			MaxRepeatedSegments: 2, MaxDepth: 5, MaxPages: 1000, Lease: Duration(10 * time.Minute),
		},
		Recrawl: Recrawl{
			ListMin: Duration(15 * time.Minute), ListMax: Duration(6 * time.Hour),
			PostRecheck: Duration(24 * time.Hour), MaxRechecks: 14,
			ErrorRetry: Duration(time.Hour), MaxErrors: 5,
		},
		StripParams:      append([]string(nil), urlx.DefaultStrip...),
		ChallengeMarkers: []string{"百度安全验证", "安全验证", "滑动验证", "请完成验证", "captcha", "cf-challenge", "Just a moment"},
		DeletedMarkers:   []string{"该帖已被删除", "信息已过期", "页面不存在", "该信息已删除", "帖子不存在"},
	}
}

// ParseConfig reads and validates a crawler configuration. name labels
// error messages (usually the file name). A file whose top level has a
// `crawler:` key (the daemon's larger configuration) is read from that key;
// its other keys are left to their owners.
func ParseConfig(name string, r io.Reader) (*Config, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(r).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty configuration", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	n := &root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if sub := mapValue(n, "crawler"); sub != nil {
		n = sub
	}
	var c Config
	if err := n.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c.Source = name
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// UnmarshalYAML decodes the configuration, refusing unknown keys, and
// resolves every site against the defaults.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: crawler configuration must be a mapping", n.Line)
	}
	type plain Config
	if err := checkKnown(n, reflect.TypeOf(plain{}), ""); err != nil {
		return err
	}
	var p plain
	p.Defaults = Defaults()
	if err := n.Decode(&p); err != nil {
		return err
	}
	if p.Defaults.UserAgent == Defaults().UserAgent && p.UserAgent != "" {
		p.Defaults.UserAgent = p.UserAgent
	}
	// Re-decode each site over a copy of the defaults, so that a site sets
	// only what it overrides.
	if sites := mapValue(n, "sites"); sites != nil && sites.Kind == yaml.SequenceNode {
		p.Sites = make([]Site, len(sites.Content))
		for i, sn := range sites.Content {
			s := Site{Settings: cloneSettings(p.Defaults)}
			if err := sn.Decode(&s); err != nil {
				return err
			}
			s.line = sn.Line
			s.lines = map[string]int{}
			collectLines(sn, "", s.lines)
			p.Sites[i] = s
		}
	}
	*c = Config(p)
	c.node = n
	return nil
}

func cloneSettings(s Settings) Settings {
	s.StripParams = append([]string(nil), s.StripParams...)
	s.ChallengeMarkers = append([]string(nil), s.ChallengeMarkers...)
	s.DeletedMarkers = append([]string(nil), s.DeletedMarkers...)
	return s
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// collectLines records the line of every dotted key path under n.
func collectLines(n *yaml.Node, prefix string, out map[string]int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if prefix != "" {
				p = prefix + "." + p
			}
			out[p] = n.Content[i].Line
			collectLines(n.Content[i+1], p, out)
		}
	case yaml.SequenceNode:
		for i, e := range n.Content {
			p := prefix + "[" + strconv.Itoa(i) + "]"
			out[p] = e.Line
			collectLines(e, p, out)
		}
	}
}

// checkKnown refuses mapping keys that match no field of t (yaml.v3's
// KnownFields works only on a Decoder, not on nodes decoded by hand).
func checkKnown(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		fields := map[string]reflect.Type{}
		collectFields(t, fields)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			ft, ok := fields[k.Value]
			if !ok {
				return fmt.Errorf("line %d: unknown field %q", k.Line, p)
			}
			if err := checkKnown(v, ft, p); err != nil {
				return err
			}
		}
	case n.Kind == yaml.SequenceNode && t.Kind() == reflect.Slice:
		for i, e := range n.Content {
			if err := checkKnown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func collectFields(t reflect.Type, out map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			collectFields(f.Type, out)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
}

// ConfigError is one problem found by Validate.
type ConfigError struct {
	Source string
	Line   int
	Site   string
	Field  string
	Msg    string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Site != "" {
		fmt.Fprintf(&b, ": site %q", e.Site)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Validate checks the whole configuration and prepares it for crawling
// (compiled selectors, patterns and canonicalizers). It returns every problem
// found, each naming the site, the field and the line.
func (c *Config) Validate() error {
	src := c.Source
	if src == "" {
		src = "config"
	}
	var errs []error
	top := func(field, format string, args ...any) {
		line := 0
		if c.node != nil {
			lines := map[string]int{}
			collectLines(c.node, "", lines)
			line = lines[field]
		}
		errs = append(errs, &ConfigError{Source: src, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if err := checkSettings(&c.Defaults); err != nil {
		top("defaults."+err.Field, "%s", err.Msg)
	}
	if len(c.Sites) == 0 {
		top("sites", "no sites configured")
	}
	names := map[string]bool{}
	for i := range c.Sites {
		s := &c.Sites[i]
		bad := func(field, format string, args ...any) {
			line := s.line
			if l, ok := s.lines[field]; ok {
				line = l
			} else if j := strings.LastIndexByte(field, '.'); j > 0 {
				if l, ok := s.lines[field[:j]]; ok {
					line = l
				}
			}
			name := s.Name
			if name == "" {
				name = fmt.Sprintf("#%d", i+1)
			}
			errs = append(errs, &ConfigError{Source: src, Line: line, Site: name, Field: field, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case s.Name == "":
			bad("name", "empty")
		case !validName.MatchString(s.Name):
			bad("name", "%q: use letters, digits, '.', '_' and '-'", s.Name)
		case names[s.Name]:
			bad("name", "duplicate site name")
		}
		names[s.Name] = true
		if s.Schedule == "" {
			bad("schedule", "empty cron spec (e.g. \"@every 30m\" or \"*/30 * * * *\")")
		} else if _, err := cron.ParseStandard(s.Schedule); err != nil {
			bad("schedule", "bad cron spec %q: %v", s.Schedule, err)
		}
		if len(s.Start) == 0 {
			bad("start", "no start URLs")
		}
		if needsKeywords(s.Start) && len(s.keywords(c)) == 0 {
			bad("start", "uses {kw} but no keywords are configured")
		}
		for j, raw := range s.Start {
			u, err := url.Parse(strings.ReplaceAll(raw, "{kw}", "x"))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				bad(fmt.Sprintf("start[%d]", j), "not an absolute http(s) URL: %q", raw)
			}
		}
		if s.Charset != "" && !knownCharset(s.Charset) {
			bad("charset", "unknown charset %q", s.Charset)
		}
		loc, err := loadZone(s.TimeZone)
		if err != nil {
			bad("time_zone", "%v", err)
		}
		s.loc = loc
		if s.Extract == nil && s.JSON == nil {
			bad("extract", "neither extract (HTML) nor json is configured: nothing to read posts with")
		}
		if len(s.Links.Posts) == 0 && s.Extract != nil && s.JSON == nil {
			bad("links.posts", "no rule: which links lead to posts?")
		}
		for j := range s.Links.Lists {
			if err := s.Links.Lists[j].Compile(fmt.Sprintf("links.lists[%d]", j)); err != nil {
				bad(fieldOf(err), "%s", msgOf(err))
			}
		}
		for j := range s.Links.Posts {
			if err := s.Links.Posts[j].Compile(fmt.Sprintf("links.posts[%d]", j)); err != nil {
				bad(fieldOf(err), "%s", msgOf(err))
			}
		}
		if s.Extract != nil {
			if err := s.Extract.Compile("extract"); err != nil {
				bad(fieldOf(err), "%s", msgOf(err))
			}
		}
		if s.JSON != nil {
			if err := s.JSON.Compile("json"); err != nil {
				bad(fieldOf(err), "%s", msgOf(err))
			}
		}
		if err := checkSettings(&s.Settings); err != nil {
			bad(err.Field, "%s", err.Msg)
		}
		for j, h := range s.Hosts {
			if h == "" || strings.ContainsAny(h, "/ ") {
				bad(fmt.Sprintf("hosts[%d]", j), "not a host name: %q", h)
			}
		}
		s.canon = urlx.NewCanonicalizer(s.StripParams)
	}
	return errors.Join(errs...)
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func fieldOf(err error) string {
	var fe *extract.Error
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func msgOf(err error) string {
	var fe *extract.Error
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}

func checkSettings(s *Settings) *extract.Error {
	p, l, r := &s.Politeness, &s.Limits, &s.Recrawl
	switch {
	case s.UserAgent == "":
		return &extract.Error{Field: "user_agent", Msg: "empty"}
	case p.Delay < 0:
		return &extract.Error{Field: "politeness.delay", Msg: "negative"}
	case p.Concurrency < 1:
		return &extract.Error{Field: "politeness.concurrency", Msg: "must be at least 1"}
	case p.Concurrency > 64:
		return &extract.Error{Field: "politeness.concurrency", Msg: "more than 64 requests at once per host is not polite"}
	case p.Retries < 0:
		return &extract.Error{Field: "politeness.retries", Msg: "negative"}
	case p.BackoffBase < 0 || p.BackoffCap < p.BackoffBase:
		return &extract.Error{Field: "politeness.backoff_cap", Msg: "must be at least backoff_base"}
	case p.RetryAfterCap < 0:
		return &extract.Error{Field: "politeness.retry_after_cap", Msg: "negative"}
	case p.Robots && p.RobotsTTL <= 0:
		return &extract.Error{Field: "politeness.robots_ttl", Msg: "must be positive"}
	case l.Timeout <= 0:
		return &extract.Error{Field: "limits.timeout", Msg: "must be positive"}
	case l.MaxRedirects < 0:
		return &extract.Error{Field: "limits.max_redirects", Msg: "negative"}
	case l.MaxBody <= 0:
		return &extract.Error{Field: "limits.max_body", Msg: "must be positive"}
	case l.MaxURLLength < 32:
		return &extract.Error{Field: "limits.max_url_length", Msg: "must be at least 32"}
	case l.MaxRepeatedSegments < 1:
		return &extract.Error{Field: "limits.max_repeated_segments", Msg: "must be at least 1"}
	case l.MaxDepth < 0:
		return &extract.Error{Field: "limits.max_depth", Msg: "negative"}
	case l.MaxPages < 1:
		return &extract.Error{Field: "limits.max_pages", Msg: "must be at least 1"}
	case l.MaxHostBytes < 0:
		return &extract.Error{Field: "limits.max_host_bytes", Msg: "must not be negative"}
	case l.Lease < Duration(time.Second):
		return &extract.Error{Field: "limits.lease", Msg: "must be at least 1s"}
	case r.ListMin <= 0 || r.ListMax < r.ListMin:
		return &extract.Error{Field: "recrawl.list_max", Msg: "need 0 < list_min <= list_max"}
	case r.PostRecheck < 0 || r.MaxRechecks < 0:
		return &extract.Error{Field: "recrawl.post_recheck", Msg: "negative"}
	case r.ErrorRetry <= 0 || r.MaxErrors < 0:
		return &extract.Error{Field: "recrawl.error_retry", Msg: "must be positive"}
	}
	for i, m := range s.ChallengeMarkers {
		if strings.TrimSpace(m) == "" {
			return &extract.Error{Field: fmt.Sprintf("challenge_markers[%d]", i), Msg: "empty marker"}
		}
	}
	for i, m := range s.DeletedMarkers {
		if strings.TrimSpace(m) == "" {
			return &extract.Error{Field: fmt.Sprintf("deleted_markers[%d]", i), Msg: "empty marker"}
		}
	}
	return nil
}

func needsKeywords(start []string) bool {
	for _, s := range start {
		if strings.Contains(s, "{kw}") {
			return true
		}
	}
	return false
}

func (s *Site) keywords(c *Config) []string {
	if len(s.Keywords) > 0 {
		return s.Keywords
	}
	return c.Keywords
}

// Site returns the named site, or nil.
func (c *Config) Site(name string) *Site {
	for i := range c.Sites {
		if c.Sites[i].Name == name {
			return &c.Sites[i]
		}
	}
	return nil
}

// StartURLs returns the site's start URLs with {kw} expanded over its
// keywords (query-escaped after '?', path-escaped before).
func (c *Config) StartURLs(s *Site) []string {
	var out []string
	for _, raw := range s.Start {
		if !strings.Contains(raw, "{kw}") {
			out = append(out, raw)
			continue
		}
		q := strings.IndexByte(raw, '?')
		for _, kw := range s.keywords(c) {
			var b strings.Builder
			rest := raw
			for {
				i := strings.Index(rest, "{kw}")
				if i < 0 {
					b.WriteString(rest)
					break
				}
				b.WriteString(rest[:i])
				pos := len(raw) - len(rest) + i
				if q >= 0 && pos > q {
					b.WriteString(url.QueryEscape(kw))
				} else {
					b.WriteString(url.PathEscape(kw))
				}
				rest = rest[i+len("{kw}"):]
			}
			out = append(out, b.String())
		}
	}
	return out
}

func knownCharset(label string) bool {
	_, _, ok := decode.Lookup(label)
	return ok
}

func loadZone(name string) (*time.Location, error) {
	switch name {
	case "", "Asia/Shanghai", "Asia/Chongqing", "PRC", "CST", "+08:00":
		return extract.ChinaTime, nil
	case "UTC":
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}

// Duration is a time.Duration written in YAML as "1s", "30m", "1h30m" (or 0).
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML reads "1s", "2m30s", or 0.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a duration such as \"1s\" or \"30m\"", n.Line)
	}
	if n.Value == "0" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: bad duration %q (want e.g. \"1s\", \"30m\", \"1h\")", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// ByteSize is a size in bytes written in YAML as 1048576, "512KiB", "5MiB",
// "5MB" (decimal) or "1GiB".
type ByteSize int64

var sizeRe = regexp.MustCompile(`^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$`)

// UnmarshalYAML reads a size.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	m := sizeRe.FindStringSubmatch(n.Value)
	if n.Kind != yaml.ScalarNode || m == nil {
		return fmt.Errorf("line %d: bad size %q (want e.g. 1048576, \"512KiB\", \"5MiB\")", n.Line, n.Value)
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	mult := map[string]float64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[m[2]]
	*b = ByteSize(f * mult)
	return nil
}
