package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

//go:embed templates
var templateFS embed.FS

// navItem is one entry of the menu.
type navItem struct {
	Path, Label string
	perm        perm
}

var nav = []navItem{
	{"/dashboard", "概览", permDashboard},
	{"/queue", "审核队列", permQueue},
	{"/networks", "关联团伙", permNetworks},
	{"/complaints", "投诉举报", permComplaints},
	{"/reports", "月度汇总表", permReports},
	{"/rules", "规则控制台", permRules},
	{"/admin/users", "账户", permAdmin},
	{"/admin/retention", "数据保留", permAdmin},
	{"/admin/audit", "审计日志", permAdmin},
}

// page is what every template gets.
type page struct {
	Title   string
	Path    string
	User    *viewer
	Role    string
	CSRF    string
	Nav     []navItem
	Flash   string
	FlashOK bool
	Can     map[string]bool
	D       any
}

func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		out[base] = t
	}
	return out, nil
}

var kindLabels = map[string]string{"phone": "电话", "wechat": "微信", "qq": "QQ", "email": "电子邮箱", "company": "公司/机构", "cert": "证书"}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"time": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(s.loc).Format("2006-01-02 15:04")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(s.loc).Format("2006-01-02")
		},
		"state":  func(h guazheng.HitState) string { return h.Chinese() },
		"role":   func(r guazheng.Role) string { return r.Chinese() },
		"cstate": func(c guazheng.ComplaintState) string { return c.Chinese() },
		"urole":  func(r string) string { return Role(r).Chinese() },
		"kind": func(k string) string {
			if l, ok := kindLabels[k]; ok {
				return l
			}
			return k
		},
		"join":  strings.Join,
		"score": func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"pct":   func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
		"add":   func(a, b int) int { return a + b },
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12] + "…"
			}
			return s
		},
	}
}

func (s *Server) pageFor(r *http.Request, title string, d any) *page {
	p := &page{Title: title, Path: r.URL.Path, D: d, Can: map[string]bool{}}
	if v := viewerOf(r.Context()); v != nil {
		p.User, p.CSRF, p.Role = v, v.sess.csrf, v.role.Chinese()
		for _, n := range nav {
			if v.role.can(n.perm) {
				p.Nav = append(p.Nav, n)
			}
		}
		for pm, name := range permNames {
			p.Can[name] = v.role.can(pm)
		}
		p.Flash, p.FlashOK = s.sessions.takeFlash(v.sess)
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, d any) {
	s.renderStatus(w, r, http.StatusOK, name, title, d)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) {
	t := s.tmpl[name]
	if t == nil {
		s.log.Error("no template", "name", name)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", s.pageFor(r, title, d)); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage shows msg with status.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.renderStatus(w, r, status, "error", http.StatusText(status), map[string]any{"Status": status, "Message": msg})
}

// fail logs err and shows a generic error page (500) or, for not found and
// conflicts, a specific one.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case isNotFound(err):
		s.errorPage(w, r, http.StatusNotFound, "记录不存在。")
	case isConflict(err):
		s.errorPage(w, r, http.StatusConflict, "该记录已被他人修改，请刷新后重试。")
	default:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "处理请求时出错，请稍后重试或联系管理员。")
	}
}

// flash shows msg on the next page of the session and redirects there.
func (s *Server) flashRedirect(w http.ResponseWriter, r *http.Request, to, msg string, ok bool) {
	if v := viewerOf(r.Context()); v != nil && msg != "" {
		s.sessions.setFlash(v.sess, msg, ok)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
