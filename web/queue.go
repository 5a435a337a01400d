package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

const pageSize = 50

// queueQuery is the queue's filter form as read from the URL.
type queueQuery struct {
	State, Site, Role, Cert, Min, Max, From, To, Q, Sort, Mine string
	Page                                                       int
}

func readQueueQuery(r *http.Request) queueQuery {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	return queueQuery{State: q.Get("state"), Site: strings.TrimSpace(q.Get("site")), Role: q.Get("role"),
		Cert: strings.TrimSpace(q.Get("cert")), Min: q.Get("min"), Max: q.Get("max"), From: q.Get("from"), To: q.Get("to"),
		Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Mine: q.Get("mine"), Page: max(page, 1)}
}

// values renders the query back, with page replaced.
func (q queueQuery) with(key, value string) string {
	v := url.Values{}
	for k, val := range map[string]string{"state": q.State, "site": q.Site, "role": q.Role, "cert": q.Cert, "min": q.Min,
		"max": q.Max, "from": q.From, "to": q.To, "q": q.Q, "sort": q.Sort, "mine": q.Mine} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	return "/queue?" + v.Encode()
}

var sortKeys = map[string]string{"-flagged": "最新命中", "flagged": "最早命中", "-score": "得分从高到低", "score": "得分从低到高",
	"-last_seen": "最近出现", "id": "编号"}

// filter turns the query into a store filter; a bad value yields a Chinese
// message.
func (s *Server) filter(q queueQuery, user string) (guazheng.HitFilter, error) {
	f := guazheng.HitFilter{Site: q.Site, Cert: q.Cert, Text: q.Q, Limit: pageSize, Offset: (q.Page - 1) * pageSize}
	if q.State != "" && q.State != "all" {
		st := guazheng.HitState(q.State)
		if !st.Valid() {
			return f, fmt.Errorf("未知状态 %q", q.State)
		}
		f.States = []guazheng.HitState{st}
	}
	if q.Role != "" {
		r := guazheng.Role(q.Role)
		if !r.Valid() {
			return f, fmt.Errorf("未知角色 %q", q.Role)
		}
		f.Role = r
	}
	for _, x := range []struct {
		s   string
		dst **float64
	}{{q.Min, &f.MinScore}, {q.Max, &f.MaxScore}} {
		if x.s == "" {
			continue
		}
		v, err := strconv.ParseFloat(x.s, 64)
		if err != nil {
			return f, fmt.Errorf("得分 %q 不是数字", x.s)
		}
		*x.dst = &v
	}
	for _, x := range []struct {
		s    string
		dst  *time.Time
		next bool
	}{{q.From, &f.From, false}, {q.To, &f.To, true}} {
		if x.s == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", x.s, s.loc)
		if err != nil {
			return f, fmt.Errorf("日期 %q 格式应为 年-月-日", x.s)
		}
		if x.next {
			d = d.AddDate(0, 0, 1) // inclusive end date
		}
		*x.dst = d
	}
	if q.Sort != "" {
		if _, ok := sortKeys[q.Sort]; !ok {
			return f, fmt.Errorf("未知排序 %q", q.Sort)
		}
		f.Sort = q.Sort
	}
	if q.Mine == "1" {
		f.Assignee = user
	}
	return f, nil
}

type stateTab struct {
	State  string
	Label  string
	Count  int
	Active bool
	Link   string
}

func (s *Server) queue(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	q := readQueueQuery(r)
	if q.State == "" {
		q.State = string(guazheng.HitPending)
	}
	f, err := s.filter(q, v.Name)
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "筛选条件有误："+err.Error())
		return
	}
	hits, total, err := s.store.ListHits(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts, err := s.store.CountByState(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var tabs []stateTab
	all := 0
	for _, st := range guazheng.HitStates {
		all += counts[st]
		tabs = append(tabs, stateTab{State: string(st), Label: st.Chinese(), Count: counts[st], Active: q.State == string(st),
			Link: q.with("state", string(st))})
	}
	tabs = append(tabs, stateTab{State: "all", Label: "全部", Count: all, Active: q.State == "all", Link: q.with("state", "all")})
	pages := (total + pageSize - 1) / pageSize
	d := map[string]any{"Q": q, "Hits": hits, "Total": total, "Tabs": tabs, "Page": q.Page, "Pages": pages,
		"Sorts": sortKeys, "Roles": []guazheng.Role{guazheng.RoleBuyer, guazheng.RoleSeller, guazheng.RoleBroker},
		"States": guazheng.HitStates}
	if q.Page > 1 {
		d["Prev"] = q.with("page", strconv.Itoa(q.Page-1))
	}
	if q.Page < pages {
		d["Next"] = q.with("page", strconv.Itoa(q.Page+1))
	}
	d["Here"] = q.with("page", strconv.Itoa(q.Page))
	s.render(w, r, "queue", "审核队列", d)
}

// selected parses the "id:version" values of the queue's checkboxes.
func selected(r *http.Request) (ids, versions []int64, err error) {
	for _, v := range r.PostForm["hit"] {
		a, b, _ := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.ParseInt(b, 10, 64)
		if err1 != nil || (b != "" && err2 != nil) || id <= 0 {
			return nil, nil, fmt.Errorf("bad hit %q", v)
		}
		ids = append(ids, id)
		versions = append(versions, ver)
	}
	return ids, versions, nil
}

// back returns the local page to go back to after an action.
func back(r *http.Request, def string) string {
	if b := r.PostFormValue("back"); safeNext(b) {
		return b
	}
	return def
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r.Context())
	ids, versions, err := selected(r)
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "所选线索有误。")
		return
	}
	to := guazheng.HitState(r.PostFormValue("to"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	ret := back(r, "/queue")
	switch {
	case len(ids) == 0:
		s.flashRedirect(w, r, ret, "请先勾选线索。", false)
		return
	case to != guazheng.HitConfirmed && to != guazheng.HitDismissed && to != guazheng.HitReferred:
		s.errorPage(w, r, http.StatusBadRequest, "批量操作只能确认、排除或移交。")
		return
	case reason == "":
		s.flashRedirect(w, r, ret, "批量操作须填写理由。", false)
		return
	}
	err = s.store.SetState(r.Context(), ids, versions, to, reason, v.Name)
	if errors.Is(err, guazheng.ErrConflict) {
		s.flashRedirect(w, r, ret, "部分线索已被他人修改，本次未作任何更改，请刷新后重试。", false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flashRedirect(w, r, ret, fmt.Sprintf("已将 %d 条线索标记为“%s”。", len(ids), to.Chinese()), true)
}

func (s *Server) apiCounts(w http.ResponseWriter, r *http.Request) {
	counts, err := s.store.CountByState(r.Context())
	if err != nil {
		s.apiError(w, err)
		return
	}
	writeJSON(w, counts)
}

func (s *Server) apiHits(w http.ResponseWriter, r *http.Request) {
	q := readQueueQuery(r)
	f, err := s.filter(q, viewerOf(r.Context()).Name)
	if err != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	hits, total, err := s.store.ListHits(r.Context(), f)
	if err != nil {
		s.apiError(w, err)
		return
	}
	if hits == nil {
		hits = []guazheng.Hit{}
	}
	writeJSON(w, map[string]any{"total": total, "hits": hits})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) apiError(w http.ResponseWriter, err error) {
	s.log.Error("api", "err", err)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write([]byte(`{"error":"internal error"}` + "\n"))
}

func isNotFound(err error) bool { return errors.Is(err, guazheng.ErrNotFound) }
func isConflict(err error) bool { return errors.Is(err, guazheng.ErrConflict) }
