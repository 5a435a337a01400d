// Package web is the review web application of guazheng, in Simplified
// Chinese: the review queue of HR-bureau reviewers, hit details with
// highlighted evidence, broker networks, lead packages for the police, the
// complaints register, the monthly 汇总表, a dashboard, the rules console of
// operators and the administration of accounts and retention.
//
// Pages are rendered on the server with html/template; the few static assets
// are embedded. Handler serves the application; SandboxHandler serves raw
// captured pages on a separate origin with "Content-Security-Policy:
// sandbox", so that a captured page never runs a script or sees a cookie.
package web

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/web/report"
)

// Store is everything the web UI reads and writes.
type Store interface {
	guazheng.Store
	guazheng.ReviewStats
	guazheng.ComplaintStore
}

// Rules is the rules console's view of the classifier: the integrator adapts
// classify.Reloader to it.
type Rules interface {
	// ClassifyFull evaluates every rule on a text pasted by an operator.
	ClassifyFull(title, text string) guazheng.Verdict
	// Status is the rule-set version serving and the last reload error.
	Status() classify.Status
	// Reload rebuilds the rules from their files; on error the old rules
	// keep serving.
	Reload() error
	// Files returns the rule files in use by name.
	Files() (map[string][]byte, error)
	// LastEvaluation is the latest corpus evaluation (nil when none).
	LastEvaluation() (*classify.Report, error)
}

// Capturer fetches a URL named in a complaint, extracts its posts, classifies
// and stores them (the crawler plus guazheng.Pipeline).
type Capturer interface {
	Capture(ctx context.Context, url string) (guazheng.PageResult, error)
}

// Config configures the server. Store is required.
type Config struct {
	Store    Store
	Rules    Rules    // nil: the rules console says it is not connected
	Capturer Capturer // nil: complaint URLs are registered but not captured
	// SandboxURL is the base URL of the sandbox origin (SandboxHandler), e.g.
	// http://127.0.0.1:8081; it must differ from the application's origin.
	SandboxURL string
	// ReportDir keeps the generated monthly tables.
	ReportDir string
	// Unit is the 填报单位 printed on the monthly table.
	Unit string
	// EvidenceSignKey signs the manifests of lead packages when set.
	EvidenceSignKey ed25519.PrivateKey
	// EvidenceTSA is an RFC 3161 time-stamping authority for lead packages.
	EvidenceTSA string
	// SecureCookies marks cookies Secure even when the request did not
	// arrive over TLS (behind a TLS-terminating proxy).
	SecureCookies bool
	// IdleTimeout ends sessions unused for this long; default 30 minutes.
	IdleTimeout time.Duration
	// LoginLimit is the number of login attempts allowed per minute per
	// client address and per account name; default 5.
	LoginLimit int
	// PasswordCost is the bcrypt cost of new passwords; default 12.
	PasswordCost int
	// CaptureTimeout bounds the capture of one complaint URL; default 60s.
	CaptureTimeout time.Duration
	// Location is the time zone of every date shown; default UTC+8.
	Location *time.Location
	Logger   *slog.Logger
	Now      func() time.Time
	// Secret signs the links to the sandbox; default random per process.
	Secret []byte
}

// Server is the web application. It is safe for concurrent use.
type Server struct {
	cfg      Config
	store    Store
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location
	sandbox  *url.URL
	secret   []byte
	tmpl     map[string]*template.Template
	sessions *sessionStore
	limiter  *limiter
	reports  report.Dir
	mux      *http.ServeMux
	routes   []route
	// dummyHash is compared against when an account does not exist.
	dummyHash []byte
}

// cst is China Standard Time.
var cst = time.FixedZone("CST", 8*3600)

// New checks cfg and builds the server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.LoginLimit <= 0 {
		cfg.LoginLimit = 5
	}
	if cfg.PasswordCost == 0 {
		cfg.PasswordCost = DefaultPasswordCost
	}
	if cfg.CaptureTimeout <= 0 {
		cfg.CaptureTimeout = time.Minute
	}
	if cfg.Location == nil {
		cfg.Location = cst
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ReportDir == "" {
		return nil, errors.New("web: no report directory")
	}
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now, loc: cfg.Location,
		reports: report.Dir{Path: cfg.ReportDir}}
	if cfg.SandboxURL != "" {
		u, err := url.Parse(strings.TrimRight(cfg.SandboxURL, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("web: sandbox URL %q: want http(s)://host:port", cfg.SandboxURL)
		}
		s.sandbox = u
	}
	s.secret = cfg.Secret
	if len(s.secret) == 0 {
		s.secret = make([]byte, 32)
		if _, err := io.ReadFull(rand.Reader, s.secret); err != nil {
			return nil, fmt.Errorf("web: secret: %w", err)
		}
	}
	var err error
	if s.dummyHash, err = bcrypt.GenerateFromPassword([]byte(randomToken()), cfg.PasswordCost); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.tmpl, err = parseTemplates(s.funcs()); err != nil {
		return nil, err
	}
	s.sessions = newSessionStore(cfg.IdleTimeout, cfg.Now, cfg.Store, s.log)
	s.limiter = newLimiter(cfg.LoginLimit, time.Minute, cfg.Now)
	s.mux = http.NewServeMux()
	s.register()
	return s, nil
}

// Handler is the application.
func (s *Server) Handler() http.Handler { return s.secure(s.mux) }

// SandboxHandler serves raw captured pages for the iframes of the
// application, from the origin given as Config.SandboxURL.
func (s *Server) SandboxHandler() http.Handler { return http.HandlerFunc(s.serveSandbox) }

// secure sets the headers every application response carries.
func (s *Server) secure(next http.Handler) http.Handler {
	frame := "'none'"
	if s.sandbox != nil {
		frame = s.sandbox.Scheme + "://" + s.sandbox.Host
	}
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src " + frame +
		"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
