package web

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

//go:embed static
var staticFS embed.FS

// route is one page or action with the permission it needs.
type route struct {
	method, path string
	perm         perm
	h            http.HandlerFunc
}

func (s *Server) register() {
	s.routes = []route{
		{"GET", "/{$}", permAny, s.home},
		{"POST", "/logout", permAny, s.logout},
		{"GET", "/dashboard", permDashboard, s.dashboard},
		{"GET", "/queue", permQueue, s.queue},
		{"POST", "/queue/bulk", permReview, s.bulk},
		{"GET", "/hits/{id}", permQueue, s.hit},
		{"POST", "/hits/{id}/state", permReview, s.hitState},
		{"POST", "/hits/{id}/assign", permReview, s.hitAssign},
		{"POST", "/hits/{id}/notes", permReview, s.hitNote},
		{"GET", "/hits/{id}/captures/{cid}", permQueue, s.capturePage},
		{"GET", "/networks", permNetworks, s.networks},
		{"GET", "/networks/{id}", permNetworks, s.networkPage},
		{"POST", "/leads/export", permLeads, s.exportLeads},
		{"GET", "/complaints", permComplaints, s.complaints},
		{"GET", "/complaints/new", permComplaints, s.complaintNew},
		{"POST", "/complaints", permComplaints, s.complaintCreate},
		{"GET", "/complaints/{id}", permComplaints, s.complaintPage},
		{"POST", "/complaints/{id}/state", permComplaints, s.complaintState},
		{"GET", "/reports", permReports, s.reportsPage},
		{"GET", "/reports/{name}", permReports, s.reportDownload},
		{"POST", "/reports/generate", permReports, s.reportGenerate},
		{"GET", "/rules", permRules, s.rulesPage},
		{"GET", "/rules/files/{name}", permRules, s.ruleFile},
		{"POST", "/rules/test", permRules, s.rulesTest},
		{"POST", "/rules/reload", permRules, s.rulesReload},
		{"GET", "/admin/users", permAdmin, s.users},
		{"POST", "/admin/users", permAdmin, s.userCreate},
		{"POST", "/admin/users/{name}", permAdmin, s.userUpdate},
		{"GET", "/admin/retention", permAdmin, s.retentionPage},
		{"POST", "/admin/retention", permAdmin, s.retention},
		{"GET", "/admin/audit", permAdmin, s.auditPage},
		{"GET", "/api/counts", permQueue, s.apiCounts},
		{"GET", "/api/hits", permQueue, s.apiHits},
	}
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.path, s.guard(rt))
	}
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.authenticate(r) == nil {
			s.refuse(w, r)
			return
		}
		s.errorPage(w, r, http.StatusNotFound, "页面不存在。")
	})
}

// refuse answers an unauthenticated request: pages redirect to the login
// form, API calls and actions get 401.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte("未登录\n"))
}

// guard authenticates, checks the role and, for POST, the CSRF token.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := s.authenticate(r)
		if v == nil {
			s.refuse(w, r)
			return
		}
		if !v.role.can(rt.perm) {
			s.errorPage(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)), http.StatusForbidden, "您的角色（"+v.role.Chinese()+"）无权访问此页面。")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
			if !checkCSRF(r, v.sess.csrf) {
				s.log.Warn("CSRF token missing or wrong", "user", v.Name, "path", r.URL.Path)
				s.errorPage(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)), http.StatusForbidden, "请求已过期或来源不明（CSRF 校验失败），请返回重试。")
				return
			}
		}
		rt.h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, v)))
	})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, viewerOf(r.Context()).role.home(), http.StatusSeeOther)
}
