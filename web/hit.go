package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/web/network"
)

func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// versionView is one version of a post with its highlighted text.
type versionView struct {
	guazheng.PostVersion
	Title, Text []segment
	Latest      bool
}

// related is another post sharing a contact.
type related struct {
	Kind, Value string
	Posts       []guazheng.PostRef
}

func (s *Server) hit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, "记录不存在。")
		return
	}
	ctx := r.Context()
	h, err := s.store.GetHit(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Each version is highlighted with the spans of the verdict given on it.
	byVersion := map[int64]*guazheng.Verdict{}
	for i := range h.Post.Verdicts {
		byVersion[h.Post.Verdicts[i].VersionID] = &h.Post.Verdicts[i].Verdict
	}
	var versions []versionView
	for i := len(h.Post.Versions) - 1; i >= 0; i-- {
		pv := h.Post.Versions[i]
		m := verdictMarks(byVersion[pv.ID])
		versions = append(versions, versionView{PostVersion: pv, Title: highlight(pv.Title, "title", m),
			Text: highlight(pv.Text, "text", m), Latest: i == len(h.Post.Versions)-1})
	}
	var rel []related
	var contacts []network.Contact
	for _, c := range h.Post.Contacts {
		if c.Kind == "cert" {
			continue
		}
		contacts = append(contacts, network.Contact{Kind: c.Kind, Value: c.Value})
		refs, err := s.store.PostsByContact(ctx, c.Kind, c.Value)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var others []guazheng.PostRef
		for _, p := range refs {
			if p.PostID != h.PostID {
				others = append(others, p)
			}
		}
		if len(others) > 0 {
			rel = append(rel, related{Kind: c.Kind, Value: c.Value, Posts: others})
		}
	}
	netID := ""
	if len(rel) > 0 {
		// The network's id is that of its smallest contact: find it.
		cs, err := s.store.Contacts(ctx, 1)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, n := range network.Build(cs, network.Options{MaxPosts: maxPostsPerContact}) {
			if containsID(n.Posts, h.PostID) {
				netID = n.ID
				break
			}
		}
	}
	v := viewerOf(ctx)
	d := map[string]any{"H": h, "Versions": versions, "Related": rel, "Network": netID, "Verdict": h.Post.LatestVerdict(),
		"Mine": h.Assignee == v.Name, "States": guazheng.HitStates, "Sandbox": s.sandbox != nil}
	s.render(w, r, "hit", fmt.Sprintf("线索 #%d", h.ID), d)
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// formVersion reads the version field of a hit form.
func formVersion(r *http.Request) (int64, bool) {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return v, err == nil
}

func (s *Server) hitState(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	ver, vok := formVersion(r)
	to := guazheng.HitState(r.PostFormValue("to"))
	if !ok || !vok || !to.Valid() {
		s.errorPage(w, r, http.StatusBadRequest, "请求参数有误。")
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	ret := fmt.Sprintf("/hits/%d", id)
	if reason == "" && to != guazheng.HitPending {
		s.flashRedirect(w, r, ret, "请填写处理理由。", false)
		return
	}
	err := s.store.SetState(r.Context(), []int64{id}, []int64{ver}, to, reason, viewerOf(r.Context()).Name)
	if errors.Is(err, guazheng.ErrConflict) {
		s.flashRedirect(w, r, ret, "该线索已被他人修改，您的操作未保存。请查看最新状态后重试。", false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, ret, "状态已改为“"+to.Chinese()+"”。", true)
}

func (s *Server) hitAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	ver, vok := formVersion(r)
	if !ok || !vok {
		s.errorPage(w, r, http.StatusBadRequest, "请求参数有误。")
		return
	}
	v := viewerOf(r.Context())
	assignee, msg := v.Name, "已领取该线索。"
	if r.PostFormValue("release") == "1" {
		assignee, msg = "", "已释放该线索。"
	}
	ret := back(r, fmt.Sprintf("/hits/%d", id))
	err := s.store.Assign(r.Context(), id, ver, assignee, v.Name)
	if errors.Is(err, guazheng.ErrConflict) {
		s.flashRedirect(w, r, ret, "该线索已被他人修改或领取，请刷新后重试。", false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, ret, msg, true)
}

func (s *Server) hitNote(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest, "请求参数有误。")
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	ret := fmt.Sprintf("/hits/%d#notes", id)
	if text == "" {
		s.flashRedirect(w, r, ret, "备注不能为空。", false)
		return
	}
	if len(text) > 10000 {
		s.flashRedirect(w, r, ret, "备注过长（最多约 3000 字）。", false)
		return
	}
	if _, err := s.store.AddNote(r.Context(), id, viewerOf(r.Context()).Name, text); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, ret, "备注已添加。", true)
}
