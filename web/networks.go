package web

import (
	"context"
	"net/http"
	"sort"
	"strconv"

	"github.com/guazheng/guazheng/web/network"
)

// maxPostsPerContact ignores contact values shared by more posts than this
// (a site's own hotline in every footer would join everything).
const maxPostsPerContact = 500

func (s *Server) leads(ctx context.Context, minPosts int) ([]network.Lead, error) {
	return network.Leads(ctx, s.store, network.Options{MaxPosts: maxPostsPerContact}, minPosts)
}

func (s *Server) networks(w http.ResponseWriter, r *http.Request) {
	minPosts, err := strconv.Atoi(r.URL.Query().Get("min"))
	if err != nil || minPosts < 1 {
		minPosts = 2
	}
	sortBy := r.URL.Query().Get("sort")
	leads, err := s.leads(r.Context(), minPosts)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sortBy == "recent" {
		sort.SliceStable(leads, func(i, j int) bool { return leads[i].LastSeen.After(leads[j].LastSeen) })
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	total := len(leads)
	from := min((page-1)*pageSize, total)
	to := min(from+pageSize, total)
	d := map[string]any{"Leads": leads[from:to], "Total": total, "Min": minPosts, "Sort": sortBy, "Page": page,
		"Pages": (total + pageSize - 1) / pageSize}
	s.render(w, r, "networks", "关联团伙", d)
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) {
	leads, err := s.leads(r.Context(), 1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, ok := network.Find(leads, r.PathValue("id"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound, "该团伙不存在（关联关系可能已变化），请从团伙列表重新打开。")
		return
	}
	s.render(w, r, "network", "关联团伙 "+l.ID, map[string]any{"L": l})
}
