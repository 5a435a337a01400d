package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"
)

// ruleFile is one rule file as listed.
type ruleFile struct {
	Name   string
	Size   int
	SHA256 string
}

func (s *Server) rulesData(r *http.Request) (map[string]any, bool) {
	d := map[string]any{"Connected": s.cfg.Rules != nil}
	if s.cfg.Rules == nil {
		return d, false
	}
	d["Status"] = s.cfg.Rules.Status()
	files, err := s.cfg.Rules.Files()
	if err != nil {
		d["FilesError"] = err.Error()
	}
	var list []ruleFile
	for name, b := range files {
		sum := sha256.Sum256(b)
		list = append(list, ruleFile{Name: name, Size: len(b), SHA256: hex.EncodeToString(sum[:])})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	d["Files"] = list
	ev, err := s.cfg.Rules.LastEvaluation()
	if err != nil {
		d["EvalError"] = err.Error()
	}
	d["Eval"] = ev
	return d, true
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) {
	d, _ := s.rulesData(r)
	s.render(w, r, "rules", "规则控制台", d)
}

func (s *Server) ruleFile(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Rules == nil {
		s.errorPage(w, r, http.StatusNotFound, "未连接规则引擎。")
		return
	}
	files, err := s.cfg.Rules.Files()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := r.PathValue("name")
	b, ok := files[name]
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, "规则文件不存在。")
		return
	}
	text := string(b)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "�")
	}
	s.render(w, r, "rule_file", "规则文件 "+name, map[string]any{"Name": name, "Text": text, "Status": s.cfg.Rules.Status()})
}

func (s *Server) rulesTest(w http.ResponseWriter, r *http.Request) {
	d, ok := s.rulesData(r)
	if !ok {
		s.errorPage(w, r, http.StatusServiceUnavailable, "未连接规则引擎。")
		return
	}
	title, text := r.PostFormValue("title"), r.PostFormValue("text")
	if len(title)+len(text) > 100000 {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, "文本过长（最多约 3 万字）。")
		return
	}
	v := s.cfg.Rules.ClassifyFull(title, text)
	m := verdictMarks(&v)
	d["Tested"] = true
	d["TestTitle"], d["TestText"] = title, text
	d["Verdict"] = v
	d["TitleSegs"], d["TextSegs"] = highlight(title, "title", m), highlight(text, "text", m)
	s.render(w, r, "rules", "规则控制台", d)
}

func (s *Server) rulesReload(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Rules == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, "未连接规则引擎。")
		return
	}
	v := viewerOf(r.Context())
	if err := s.cfg.Rules.Reload(); err != nil {
		s.log.Warn("rules reload refused", "user", v.Name, "err", err)
		if _, aerr := s.store.Audit().Append(r.Context(), v.Name, "rules.reload", "rules", map[string]any{"ok": false, "error": err.Error()}); aerr != nil {
			s.log.Error("audit rules reload", "err", aerr)
		}
		s.flashRedirect(w, r, "/rules", "重新加载被拒绝，旧规则继续生效。错误："+err.Error(), false)
		return
	}
	st := s.cfg.Rules.Status()
	if _, err := s.store.Audit().Append(r.Context(), v.Name, "rules.reload", "rules", map[string]any{"ok": true, "version": st.Version}); err != nil {
		s.log.Error("audit rules reload", "err", err)
	}
	s.flashRedirect(w, r, "/rules", "规则已重新加载，当前版本 "+st.Version+"。", true)
}
