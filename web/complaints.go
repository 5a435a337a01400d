package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

// channels are the ways a complaint arrives.
var channels = []string{"举报电话", "举报信箱", "网站留言", "来信来访", "上级转办", "其他部门移送", "其他"}

const maxComplaintURLs = 20

func lines(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// checkURL accepts absolute http(s) URLs only.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 4000 {
		return fmt.Errorf("“%s”不是有效的网址（须以 http:// 或 https:// 开头）", s)
	}
	return nil
}

func (s *Server) complaints(w http.ResponseWriter, r *http.Request) {
	f := guazheng.ComplaintFilter{Limit: pageSize}
	st := r.URL.Query().Get("state")
	if st != "" {
		cs := guazheng.ComplaintState(st)
		if !cs.Valid() {
			s.errorPage(w, r, http.StatusBadRequest, "未知状态。")
			return
		}
		f.States = []guazheng.ComplaintState{cs}
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	f.Offset = (page - 1) * pageSize
	list, total, err := s.store.ListComplaints(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "complaints", "投诉举报登记", map[string]any{"List": list, "Total": total, "State": st,
		"States": guazheng.ComplaintStates, "Page": page, "Pages": (total + pageSize - 1) / pageSize})
}

type complaintForm struct {
	Channel, Received, Complainant, URLs, Contacts, Notes string
}

func (s *Server) complaintNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "complaint_new", "登记投诉举报", map[string]any{"Channels": channels,
		"F": complaintForm{Received: s.now().In(s.loc).Format("2006-01-02T15:04")}})
}

func (s *Server) complaintCreate(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	f := complaintForm{Channel: r.PostFormValue("channel"), Received: r.PostFormValue("received"),
		Complainant: strings.TrimSpace(r.PostFormValue("complainant")), URLs: r.PostFormValue("urls"),
		Contacts: r.PostFormValue("contacts"), Notes: strings.TrimSpace(r.PostFormValue("notes"))}
	var problems []string
	if !contains(channels, f.Channel) {
		problems = append(problems, "请选择受理渠道。")
	}
	received, err := time.ParseInLocation("2006-01-02T15:04", f.Received, s.loc)
	if err != nil {
		problems = append(problems, "收到时间格式有误。")
	}
	urls := lines(f.URLs)
	for _, u := range urls {
		if err := checkURL(u); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(urls) > maxComplaintURLs {
		problems = append(problems, fmt.Sprintf("网址最多 %d 个。", maxComplaintURLs))
	}
	contacts := lines(f.Contacts)
	if len(urls) == 0 && len(contacts) == 0 && f.Notes == "" {
		problems = append(problems, "请至少填写网址、联系方式或情况说明之一。")
	}
	if len(problems) > 0 {
		s.renderStatus(w, r, http.StatusBadRequest, "complaint_new", "登记投诉举报", map[string]any{"Channels": channels, "F": f,
			"Problems": problems})
		return
	}
	c, err := s.store.CreateComplaint(r.Context(), guazheng.Complaint{Channel: f.Channel, Received: received,
		Complainant: f.Complainant, URLs: urls, Contacts: contacts, Notes: f.Notes}, v.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	failed := s.captureComplaint(r.Context(), c.ID, urls)
	msg := fmt.Sprintf("投诉举报 #%d 已登记。", c.ID)
	if len(urls) > 0 {
		msg += fmt.Sprintf("已抓取并研判 %d 个网址。", len(urls)-failed)
		if failed > 0 {
			msg += fmt.Sprintf("%d 个网址抓取失败，详见下方。", failed)
		}
	}
	s.flashRedirect(w, r, fmt.Sprintf("/complaints/%d", c.ID), msg, failed == 0)
}

// captureComplaint captures and classifies each URL at once and links the
// posts found to the complaint; it returns how many failed.
func (s *Server) captureComplaint(ctx context.Context, id int64, urls []string) int {
	failed := 0
	for _, u := range urls {
		var msg string
		var postIDs []int64
		if s.cfg.Capturer == nil {
			msg = "未配置抓取服务，网址未抓取"
		} else {
			cctx, cancel := context.WithTimeout(ctx, s.cfg.CaptureTimeout)
			_, err := s.cfg.Capturer.Capture(cctx, u)
			cancel()
			if err != nil {
				s.log.Warn("complaint capture failed", "complaint", id, "url", guazheng.SafeLog(u), "err", err)
				msg = "抓取失败：" + err.Error()
			} else {
				refs, err := s.store.PostsCapturedFrom(ctx, u)
				if err != nil {
					msg = "查找抓取结果失败"
					s.log.Error("complaint capture lookup", "complaint", id, "err", err)
				}
				for _, p := range refs {
					postIDs = append(postIDs, p.PostID)
				}
				if err == nil && len(postIDs) == 0 {
					msg = "已抓取，但页面中未提取到帖子"
				}
			}
		}
		if msg != "" && len(postIDs) == 0 {
			failed++
		}
		if err := s.store.RecordComplaintCapture(ctx, id, u, s.now(), postIDs, msg); err != nil {
			s.log.Error("complaint capture record", "complaint", id, "err", err)
		}
	}
	return failed
}

func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, "记录不存在。")
		return
	}
	c, err := s.store.GetComplaint(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rel []related
	for _, v := range c.Contacts {
		refs, err := s.store.PostsByContact(r.Context(), "", v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(refs) > 0 {
			rel = append(rel, related{Value: v, Posts: refs})
		}
	}
	s.render(w, r, "complaint", fmt.Sprintf("投诉举报 #%d", id), map[string]any{"C": c, "Related": rel,
		"States": guazheng.ComplaintStates})
}

func (s *Server) complaintState(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	ver, vok := formVersion(r)
	to := guazheng.ComplaintState(r.PostFormValue("to"))
	if !ok || !vok || !to.Valid() {
		s.errorPage(w, r, http.StatusBadRequest, "请求参数有误。")
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	ret := fmt.Sprintf("/complaints/%d", id)
	if to == guazheng.ComplaintClosed && note == "" {
		s.flashRedirect(w, r, ret, "办结须填写办理结果。", false)
		return
	}
	err := s.store.SetComplaintState(r.Context(), id, ver, to, note, viewerOf(r.Context()).Name)
	if errors.Is(err, guazheng.ErrConflict) {
		s.flashRedirect(w, r, ret, "该投诉已被他人修改，您的操作未保存，请刷新后重试。", false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, ret, "状态已改为“"+to.Chinese()+"”。", true)
}
