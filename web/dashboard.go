package web

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/web/chart"
	"github.com/guazheng/guazheng/web/network"
)

const dashboardDays = 30

// siteHealth is one row of the crawl health table.
type siteHealth struct {
	Site      string
	Last      guazheng.RunStats
	Duration  string
	Requests  int64
	Errors    int64
	Robots    int
	NewPosts  int64
	Runs      int
	FailedRun int // runs of the shown ones that ended with an error
	OK        bool
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.now().In(s.loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc)
	from, to := today.AddDate(0, 0, -(dashboardDays-1)), today.AddDate(0, 0, 1)
	days, err := s.store.HitsPerDay(ctx, from, to, s.loc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	labels := make([]string, dashboardDays)
	index := map[string]int{}
	for i := range labels {
		d := from.AddDate(0, 0, i)
		labels[i] = d.Format("01-02")
		index[d.Format("2006-01-02")] = i
	}
	bySite, byRole := map[string][]float64{}, map[string][]float64{}
	siteTotal := map[string]int{}
	newTotal := 0
	for _, dc := range days {
		i, ok := index[dc.Day.In(s.loc).Format("2006-01-02")]
		if !ok {
			continue
		}
		newTotal += dc.Count
		siteTotal[dc.Site] += dc.Count
		if bySite[dc.Site] == nil {
			bySite[dc.Site] = make([]float64, dashboardDays)
		}
		bySite[dc.Site][i] += float64(dc.Count)
		rl := dc.Role.Chinese()
		if byRole[rl] == nil {
			byRole[rl] = make([]float64, dashboardDays)
		}
		byRole[rl][i] += float64(dc.Count)
	}
	siteChart := chart.Bars{Title: fmt.Sprintf("近 %d 天每日新增线索（按网站）", dashboardDays), Labels: labels, Series: topSeries(bySite, siteTotal, 7)}
	roleChart := chart.Bars{Title: fmt.Sprintf("近 %d 天每日新增线索（按发布者角色）", dashboardDays), Labels: labels, Series: sortedSeries(byRole)}

	counts, err := s.store.CountByState(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var backlogItems []chart.Item
	for _, st := range guazheng.HitStates {
		backlogItems = append(backlogItems, chart.Item{Label: st.Chinese(), Value: float64(counts[st])})
	}
	oldest, _, err := s.store.ListHits(ctx, guazheng.HitFilter{States: []guazheng.HitState{guazheng.HitPending}, Sort: "flagged", Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var oldestAge string
	if len(oldest) > 0 {
		oldestAge = fmt.Sprintf("%.1f 天", s.now().Sub(oldest[0].Flagged).Hours()/24)
	}

	leads, err := s.leads(ctx, 2)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	top := leads[:min(len(leads), 10)]
	var netItems []chart.Item
	for _, l := range top {
		netItems = append(netItems, chart.Item{Label: leadName(l), Value: float64(len(l.Posts)),
			Note: fmt.Sprintf("条帖子 · %d 条命中 · %d 个网站", l.Hits, len(l.Sites))})
	}

	runs, err := s.store.LatestRuns(ctx, 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var health []siteHealth
	for _, run := range runs {
		if n := len(health); n > 0 && health[n-1].Site == run.Site {
			health[n-1].Runs++
			if run.Error != "" {
				health[n-1].FailedRun++
			}
			continue
		}
		h := siteHealth{Site: run.Site, Last: run, Requests: run.Counters["requests"], Errors: run.Counters["errors"],
			Robots: len(run.RobotsConflicts), NewPosts: run.Counters["new_posts"], Runs: 1}
		if run.Error != "" {
			h.FailedRun = 1
		}
		if !run.Finished.IsZero() {
			h.Duration = run.Finished.Sub(run.Started).Round(time.Second).String()
		}
		h.OK = run.Error == "" && h.Errors == 0 && h.Robots == 0 && !run.Finished.IsZero()
		health = append(health, h)
	}
	var errItems []chart.Item
	for _, h := range health {
		errItems = append(errItems, chart.Item{Label: h.Site, Value: float64(h.Errors),
			Note: fmt.Sprintf("错误 / 请求 %d · robots 冲突 %d", h.Requests, h.Robots)})
	}
	d := map[string]any{
		"SiteChart":    siteChart.SVG(),
		"RoleChart":    roleChart.SVG(),
		"BacklogChart": chart.HBars{Title: "各状态线索数", Items: backlogItems}.SVG(),
		"NetChart":     chart.HBars{Title: "规模最大的关联团伙（帖子数）", Items: netItems}.SVG(),
		"CrawlChart":   chart.HBars{Title: "各网站最近一次抓取的错误数", Items: errItems}.SVG(),
		"Counts":       counts, "Pending": counts[guazheng.HitPending], "Oldest": oldestAge, "NewTotal": newTotal,
		"Top": top, "Health": health, "Days": dashboardDays,
	}
	s.render(w, r, "dashboard", "概览", d)
}

// leadName is a short human name of a network: its first contact.
func leadName(l network.Lead) string {
	if len(l.Contacts) == 0 {
		return l.ID
	}
	c := l.Contacts[0]
	return kindLabels[c.Kind] + " " + c.Value
}

func sortedSeries(m map[string][]float64) []chart.Series {
	var out []chart.Series
	for k, v := range m {
		out = append(out, chart.Series{Name: k, Values: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// topSeries keeps the n largest series and sums the rest into 其他.
func topSeries(m map[string][]float64, totals map[string]int, n int) []chart.Series {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if totals[names[i]] != totals[names[j]] {
			return totals[names[i]] > totals[names[j]]
		}
		return names[i] < names[j]
	})
	var out []chart.Series
	var other []float64
	for i, k := range names {
		if i < n {
			out = append(out, chart.Series{Name: k, Values: m[k]})
			continue
		}
		if other == nil {
			other = make([]float64, len(m[k]))
		}
		for j, v := range m[k] {
			other[j] += v
		}
	}
	if other != nil {
		out = append(out, chart.Series{Name: "其他", Values: other})
	}
	return out
}
