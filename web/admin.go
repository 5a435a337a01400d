package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	list, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "users", "账户管理", map[string]any{"Users": list, "Roles": Roles()})
}

// validName accepts account names of letters, digits, '.', '_' and '-'.
func validName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	role := Role(r.PostFormValue("role"))
	if !validName(name) || !role.Valid() {
		s.flashRedirect(w, r, "/admin/users", "账户名只能含字母、数字和 . _ -，并须选择角色。", false)
		return
	}
	pw, err := GeneratePassword()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hash, err := HashPassword(pw, s.cfg.PasswordCost)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.store.CreateUser(r.Context(), guazheng.User{Name: name, Role: string(role), PasswordHash: hash})
	if errors.Is(err, guazheng.ErrExists) {
		s.flashRedirect(w, r, "/admin/users", "账户 "+name+" 已存在。", false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "user.create", "user:"+name, map[string]any{"role": role})
	s.flashRedirect(w, r, "/admin/users", fmt.Sprintf("已创建账户 %s（%s），初始密码：%s —— 仅显示这一次，请当面或通过安全渠道交给本人。", name, role.Chinese(), pw), true)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	name := r.PathValue("name")
	u, err := s.store.GetUser(r.Context(), name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := ""
	switch r.PostFormValue("action") {
	case "role":
		role := Role(r.PostFormValue("role"))
		if !role.Valid() {
			s.errorPage(w, r, http.StatusBadRequest, "未知角色。")
			return
		}
		if u.Name == v.Name && role != RoleAdmin {
			s.flashRedirect(w, r, "/admin/users", "不能取消自己的管理员角色。", false)
			return
		}
		u.Role, msg = string(role), "已将 "+name+" 的角色改为"+role.Chinese()+"。"
	case "disable":
		if u.Name == v.Name {
			s.flashRedirect(w, r, "/admin/users", "不能停用自己的账户。", false)
			return
		}
		u.Disabled, msg = true, "已停用账户 "+name+"。"
	case "enable":
		u.Disabled, msg = false, "已启用账户 "+name+"。"
	case "password":
		pw, err := GeneratePassword()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if u.PasswordHash, err = HashPassword(pw, s.cfg.PasswordCost); err != nil {
			s.fail(w, r, err)
			return
		}
		msg = "已重置 " + name + " 的密码，新密码：" + pw + " —— 仅显示这一次。"
	default:
		s.errorPage(w, r, http.StatusBadRequest, "未知操作。")
		return
	}
	if err := s.store.UpdateUser(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.deleteUser(name) // a changed account logs in again
	s.audit(r, "user."+r.PostFormValue("action"), "user:"+name, map[string]any{"role": u.Role, "disabled": u.Disabled})
	s.flashRedirect(w, r, "/admin/users", msg, true)
}

// audit appends an entry for the viewer; failures are logged.
func (s *Server) audit(r *http.Request, action, object string, details any) {
	v := viewerOf(r.Context())
	if _, err := s.store.Audit().Append(r.Context(), v.Name, action, object, details); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}

func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request) {
	def := s.now().In(s.loc).AddDate(-2, 0, 0).Format("2006-01-02")
	s.render(w, r, "retention", "数据保留", map[string]any{"Before": def, "States": guazheng.HitStates,
		"Keep": map[guazheng.HitState]bool{guazheng.HitConfirmed: true, guazheng.HitReferred: true}})
}

func (s *Server) retention(w http.ResponseWriter, r *http.Request) {
	before, err := time.ParseInLocation("2006-01-02", r.PostFormValue("before"), s.loc)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if err != nil || reason == "" {
		s.flashRedirect(w, r, "/admin/retention", "请填写截止日期（年-月-日）和理由。", false)
		return
	}
	if before.After(s.now().AddDate(0, 0, -30)) {
		s.flashRedirect(w, r, "/admin/retention", "截止日期须早于 30 天前。", false)
		return
	}
	p := guazheng.RetentionPolicy{Before: before, DryRun: r.PostFormValue("dryrun") == "1", Keep: []guazheng.HitState{}}
	for _, k := range r.PostForm["keep"] {
		st := guazheng.HitState(k)
		if !st.Valid() {
			s.errorPage(w, r, http.StatusBadRequest, "未知状态。")
			return
		}
		p.Keep = append(p.Keep, st)
	}
	res, err := s.store.Retain(r.Context(), p, viewerOf(r.Context()).Name, reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	verb := "已删除"
	if p.DryRun {
		verb = "试运行：将删除"
	}
	s.flashRedirect(w, r, "/admin/retention", fmt.Sprintf("%s 帖子 %d 条、抓取记录 %d 条、线索 %d 条，释放 %.1f MB。", verb, res.Posts, res.Captures,
		res.Hits, float64(res.BytesFreed)/1e6), true)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f := guazheng.AuditFilter{Limit: 100, Object: strings.TrimSpace(r.URL.Query().Get("object")),
		Action: strings.TrimSpace(r.URL.Query().Get("action"))}
	head, err := s.store.Audit().Head(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Object == "" && f.Action == "" {
		f.AfterSeq = max(head.Seq-100, 0)
	}
	entries, err := s.store.Audit().List(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	s.render(w, r, "audit", "审计日志", map[string]any{"Entries": entries, "Head": head, "Object": f.Object, "Action": f.Action})
}
