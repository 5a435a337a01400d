package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/guazheng/guazheng"
)

// DefaultPasswordCost is the bcrypt cost of new passwords.
const DefaultPasswordCost = 12

// HashPassword returns the bcrypt hash of password (cost 0: the default).
func HashPassword(password string, cost int) (string, error) {
	if len(password) < 8 {
		return "", errors.New("password shorter than 8 characters")
	}
	if cost == 0 {
		cost = DefaultPasswordCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// GeneratePassword returns a random password of 16 easily typed characters.
func GeneratePassword() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return "", fmt.Errorf("generate password: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the system is unusable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// session is a logged-in browser.
type session struct {
	id      string
	user    string
	csrf    string
	created time.Time
	seen    time.Time
	saved   time.Time // when seen was last written to the database
	flash   string
	flashOK bool
}

// sessionStore keeps sessions in memory and, when db is set, in the
// database too, so that a restart does not log reviewers out. Flash messages
// live in memory only.
type sessionStore struct {
	mu     sync.Mutex
	m      map[string]*session
	db     guazheng.SessionStore // nil: memory only
	log    *slog.Logger
	idle   time.Duration
	maxAge time.Duration
	now    func() time.Time
	lastGC time.Time
}

func newSessionStore(idle time.Duration, now func() time.Time, db guazheng.SessionStore, log *slog.Logger) *sessionStore {
	return &sessionStore{m: map[string]*session{}, db: db, log: log, idle: idle, maxAge: 12 * time.Hour, now: now}
}

// dbCtx bounds one database call of the session store.
func dbCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 5*time.Second)
}

// save writes a session to the database; a failure costs the session its
// survival across a restart, not the request.
func (st *sessionStore) save(s *session) {
	if st.db == nil {
		return
	}
	ctx, cancel := dbCtx()
	defer cancel()
	err := st.db.PutSession(ctx, guazheng.Session{ID: s.id, User: s.user, CSRF: s.csrf, Created: s.created, Seen: s.seen})
	if err != nil {
		st.log.Warn("session not saved", "user", guazheng.SafeLog(s.user), "err", err)
	}
}

func (st *sessionStore) create(user string) *session {
	now := st.now()
	s := &session{id: randomToken(), user: user, csrf: randomToken(), created: now, seen: now, saved: now}
	st.mu.Lock()
	st.m[s.id] = s
	gc := now.Sub(st.lastGC) > time.Minute
	if gc {
		st.lastGC = now
		for id, o := range st.m {
			if st.expired(o, now) {
				delete(st.m, id)
			}
		}
	}
	st.mu.Unlock()
	st.save(s)
	if gc && st.db != nil {
		ctx, cancel := dbCtx()
		defer cancel()
		if err := st.db.DeleteSessionsBefore(ctx, now.Add(-st.idle), now.Add(-st.maxAge)); err != nil {
			st.log.Warn("expired sessions not removed", "err", err)
		}
	}
	return s
}

func (st *sessionStore) expired(s *session, now time.Time) bool {
	return now.Sub(s.seen) > st.idle || now.Sub(s.created) > st.maxAge
}

// get returns a live session and marks it used, or nil. A session missing
// from memory (after a restart) is looked up in the database.
func (st *sessionStore) get(id string) *session {
	now := st.now()
	st.mu.Lock()
	s := st.m[id]
	st.mu.Unlock()
	if s == nil && st.db != nil && id != "" {
		ctx, cancel := dbCtx()
		stored, err := st.db.GetSession(ctx, id)
		cancel()
		if err != nil {
			if !errors.Is(err, guazheng.ErrNotFound) {
				st.log.Warn("session lookup failed", "err", err)
			}
			return nil
		}
		s = &session{id: id, user: stored.User, csrf: stored.CSRF, created: stored.Created, seen: stored.Seen, saved: stored.Seen}
		st.mu.Lock()
		if o := st.m[id]; o != nil {
			s = o // another request loaded it first
		} else {
			st.m[id] = s
		}
		st.mu.Unlock()
	}
	if s == nil {
		return nil
	}
	st.mu.Lock()
	if st.expired(s, now) {
		delete(st.m, id)
		st.mu.Unlock()
		st.deleteStored(id)
		return nil
	}
	s.seen = now
	// write the last use at most once a minute, not on every request
	persist := now.Sub(s.saved) > time.Minute
	if persist {
		s.saved = now
	}
	st.mu.Unlock()
	if persist {
		st.save(s)
	}
	return s
}

func (st *sessionStore) deleteStored(id string) {
	if st.db == nil {
		return
	}
	ctx, cancel := dbCtx()
	defer cancel()
	if err := st.db.DeleteSession(ctx, id); err != nil {
		st.log.Warn("session not removed", "err", err)
	}
}

func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	delete(st.m, id)
	st.mu.Unlock()
	st.deleteStored(id)
}

// deleteUser ends every session of user.
func (st *sessionStore) deleteUser(user string) {
	st.mu.Lock()
	for id, s := range st.m {
		if s.user == user {
			delete(st.m, id)
		}
	}
	st.mu.Unlock()
	if st.db != nil {
		ctx, cancel := dbCtx()
		defer cancel()
		if err := st.db.DeleteUserSessions(ctx, user); err != nil {
			st.log.Warn("sessions of a user not removed", "user", guazheng.SafeLog(user), "err", err)
		}
	}
}

func (st *sessionStore) setFlash(s *session, msg string, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s.flash, s.flashOK = msg, ok
}

func (st *sessionStore) takeFlash(s *session) (string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	msg, ok := s.flash, s.flashOK
	s.flash = ""
	return msg, ok
}

// limiter counts events per key in a sliding window.
type limiter struct {
	mu     sync.Mutex
	events map[string][]time.Time
	limit  int
	window time.Duration
	now    func() time.Time
}

func newLimiter(limit int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{events: map[string][]time.Time{}, limit: limit, window: window, now: now}
}

// allow records an attempt for every key and reports whether all of them
// are within the limit.
func (l *limiter) allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	ok := true
	for _, k := range keys {
		ev := l.events[k]
		i := 0
		for i < len(ev) && now.Sub(ev[i]) >= l.window {
			i++
		}
		ev = append(ev[i:], now)
		l.events[k] = ev
		if len(ev) > l.limit {
			ok = false
		}
	}
	if len(l.events) > 10000 {
		for k, ev := range l.events {
			if len(ev) == 0 || now.Sub(ev[len(ev)-1]) >= l.window {
				delete(l.events, k)
			}
		}
	}
	return ok
}

const (
	sessionCookie = "gz_session"
	loginCookie   = "gz_login"
)

func (s *Server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil || s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode}
}

// viewer is the logged-in user of a request.
type viewer struct {
	guazheng.User
	role Role
	sess *session
}

type ctxKey struct{}

func viewerOf(ctx context.Context) *viewer {
	v, _ := ctx.Value(ctxKey{}).(*viewer)
	return v
}

// authenticate returns the request's user, or nil.
func (s *Server) authenticate(r *http.Request) *viewer {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess := s.sessions.get(c.Value)
	if sess == nil {
		return nil
	}
	u, err := s.store.GetUser(r.Context(), sess.user)
	if err != nil || u.Disabled || !Role(u.Role).Valid() {
		s.sessions.delete(sess.id)
		return nil
	}
	return &viewer{User: u, role: Role(u.Role), sess: sess}
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// checkCSRF compares the form's token with the session's.
func checkCSRF(r *http.Request, want string) bool {
	got := r.PostFormValue("csrf")
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if v := s.authenticate(r); v != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	// Reuse the browser's token: a second GET of the form (another tab, a
	// favicon redirect) must not invalidate the first.
	tok := ""
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) == 43 {
		tok = c.Value
	} else {
		tok = randomToken()
	}
	http.SetCookie(w, s.cookie(r, loginCookie, tok, 600))
	next := r.FormValue("next")
	if !safeNext(next) {
		next = ""
	}
	s.renderStatus(w, r, status, "login", "登录", map[string]any{"Token": tok, "Error": msg, "Next": next})
}

// safeNext accepts only local paths as redirect targets after login.
func safeNext(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\") && !strings.ContainsAny(p, "\r\n")
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	c, err := r.Cookie(loginCookie)
	if err != nil || !checkCSRF(r, c.Value) {
		s.renderLogin(w, r, http.StatusForbidden, "页面已过期，请重新登录。")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	pw := r.PostFormValue("password")
	if !s.limiter.allow("ip:"+clientIP(r), "user:"+strings.ToLower(name)) {
		s.log.Warn("login rate limited", "ip", clientIP(r), "user", guazheng.SafeLog(name))
		w.Header().Set("Retry-After", "60")
		s.renderLogin(w, r, http.StatusTooManyRequests, "登录尝试过于频繁，请一分钟后再试。")
		return
	}
	u, err := s.store.GetUser(r.Context(), name)
	hash := s.dummyHash // a missing account takes as long as a wrong password
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pw)) != nil || err != nil || u.Disabled || !Role(u.Role).Valid() {
		s.log.Info("login failed", "ip", clientIP(r), "user", guazheng.SafeLog(name))
		s.renderLogin(w, r, http.StatusUnauthorized, "用户名或密码错误，或账户已停用。")
		return
	}
	sess := s.sessions.create(u.Name)
	http.SetCookie(w, s.cookie(r, sessionCookie, sess.id, 0))
	http.SetCookie(w, s.cookie(r, loginCookie, "", -1))
	s.log.Info("login", "ip", clientIP(r), "user", u.Name, "role", u.Role)
	next := r.PostFormValue("next")
	if !safeNext(next) {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if v := viewerOf(r.Context()); v != nil {
		s.sessions.delete(v.sess.id)
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
