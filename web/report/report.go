// Package report writes the monthly 汇总表 that the provincial plan requires
// by the 2nd of each month ("工程建设领域专业技术人员职业资格“挂证”等违法违规行为处理汇总表"):
// counts by state, site, role and certificate type, broker networks referred,
// complaints received and closed, and the list of cases handled in the month.
// It also keeps the generated files in a directory and offers the scheduler
// job that writes last month's table at 08:00 on the 2nd.
package report

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/web/network"
)

// Title is the heading of the table, as in the plan's attachment.
const Title = "工程建设领域专业技术人员职业资格“挂证”等违法违规行为处理汇总表"

// Schedule is the cron expression of the monthly job: 08:00 on the 2nd.
const Schedule = "0 8 2 * *"

// Store is what a report reads.
type Store interface {
	ListHits(ctx context.Context, f guazheng.HitFilter) ([]guazheng.Hit, int, error)
	CountByState(ctx context.Context) (map[guazheng.HitState]int, error)
	ExportHits(ctx context.Context, f guazheng.HitFilter, fn func(guazheng.HitExport) error) error
	StateChanges(ctx context.Context, from, to time.Time) ([]guazheng.StateChange, error)
	ListComplaints(ctx context.Context, f guazheng.ComplaintFilter) ([]guazheng.Complaint, int, error)
	network.Source
}

// Options configure a report.
type Options struct {
	Unit     string         // 填报单位; default "（未填写）"
	Location *time.Location // months and times; default China Standard Time (UTC+8)
	Now      func() time.Time
}

// CST is China Standard Time.
var cst = time.FixedZone("CST", 8*3600)

func (o Options) withDefaults() Options {
	if o.Location == nil {
		o.Location = cst
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if strings.TrimSpace(o.Unit) == "" {
		o.Unit = "（未填写）"
	}
	return o
}

// Case is one handled case: a hit whose state was changed by a reviewer in
// the month to confirmed, dismissed or referred (its last such change).
type Case struct {
	HitID    int64
	At       time.Time
	State    guazheng.HitState
	Reviewer string
	Reason   string
	Site     string
	URL      string
	Title    string
	Role     guazheng.Role
	Certs    []string
	Phones   []string
	WeChat   []string
	QQ       []string
}

// Count is one row of a breakdown.
type Count struct {
	Key     string
	New     int // hits first flagged in the month
	Handled int // cases handled in the month
}

// Data is everything the table shows.
type Data struct {
	Unit               string
	Month              time.Time // first day, 00:00, in the report's location
	From, To           time.Time
	Generated          time.Time
	NewHits            int
	Handled            []Case
	ByState            map[guazheng.HitState]int // cases handled in the month per resulting state
	Current            map[guazheng.HitState]int // all hits now, per state
	BySite             []Count
	ByRole             []Count
	ByCert             []Count
	NetworksReferred   int
	ComplaintsReceived int
	ComplaintsClosed   int
}

// MonthStart returns the first instant of the month holding t, in loc.
func MonthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// PreviousMonth returns the first instant of the month before the one
// holding now, in loc.
func PreviousMonth(now time.Time, loc *time.Location) time.Time {
	return MonthStart(now, loc).AddDate(0, -1, 0)
}

// ParseMonth parses "YYYY-MM" in loc.
func ParseMonth(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = cst
	}
	t, err := time.ParseInLocation("2006-01", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return t, nil
}

// certType is the certificate's name without its specialty.
func certType(label string) string {
	name, _, _ := strings.Cut(label, "/")
	return name
}

type tally map[string]*Count

func (t tally) add(key string, isNew bool) {
	c := t[key]
	if c == nil {
		c = &Count{Key: key}
		t[key] = c
	}
	if isNew {
		c.New++
	} else {
		c.Handled++
	}
}

func (t tally) sorted() []Count {
	out := make([]Count, 0, len(t))
	for _, c := range t {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].New+out[i].Handled, out[j].New+out[j].Handled; a != b {
			return a > b
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Collect gathers the table's figures for the month holding month.
func Collect(ctx context.Context, s Store, month time.Time, o Options) (*Data, error) {
	o = o.withDefaults()
	from := MonthStart(month, o.Location)
	to := from.AddDate(0, 1, 0)
	d := &Data{Unit: o.Unit, Month: from, From: from, To: to, Generated: o.Now().In(o.Location),
		ByState: map[guazheng.HitState]int{}}
	var err error
	if d.Current, err = s.CountByState(ctx); err != nil {
		return nil, fmt.Errorf("monthly report: %w", err)
	}
	sites, roles, certs := tally{}, tally{}, tally{}
	err = s.ExportHits(ctx, guazheng.HitFilter{From: from, To: to}, func(e guazheng.HitExport) error {
		d.NewHits++
		sites.add(e.Site, true)
		roles.add(e.Role.Chinese(), true)
		for _, c := range uniqueTypes(e.Certs) {
			certs.add(c, true)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("monthly report: new hits: %w", err)
	}

	changes, err := s.StateChanges(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("monthly report: %w", err)
	}
	last := map[int64]guazheng.StateChange{}
	for _, c := range changes {
		switch c.To {
		case guazheng.HitConfirmed, guazheng.HitDismissed, guazheng.HitReferred:
			last[c.HitID] = c // changes come oldest first
		}
	}
	ids := make([]int64, 0, len(last))
	for id := range last {
		ids = append(ids, id)
	}
	referredHits := map[int64]bool{}
	if len(ids) > 0 {
		err = s.ExportHits(ctx, guazheng.HitFilter{IDs: ids, Sort: "id"}, func(e guazheng.HitExport) error {
			c := last[e.ID]
			d.Handled = append(d.Handled, Case{HitID: e.ID, At: c.At.In(o.Location), State: c.To, Reviewer: c.Actor, Reason: c.Reason,
				Site: e.Site, URL: e.URL, Title: e.Title, Role: e.Role, Certs: e.Certs, Phones: e.Phones, WeChat: e.WeChat, QQ: e.QQ})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("monthly report: handled cases: %w", err)
		}
	}
	sort.Slice(d.Handled, func(i, j int) bool {
		if !d.Handled[i].At.Equal(d.Handled[j].At) {
			return d.Handled[i].At.Before(d.Handled[j].At)
		}
		return d.Handled[i].HitID < d.Handled[j].HitID
	})
	for _, c := range d.Handled {
		d.ByState[c.State]++
		sites.add(c.Site, false)
		roles.add(c.Role.Chinese(), false)
		for _, t := range uniqueTypes(c.Certs) {
			certs.add(t, false)
		}
		if c.State == guazheng.HitReferred {
			referredHits[c.HitID] = true
		}
	}
	d.BySite, d.ByRole, d.ByCert = sites.sorted(), roles.sorted(), certs.sorted()

	if len(referredHits) > 0 {
		leads, err := network.Leads(ctx, s, network.Options{}, 2)
		if err != nil {
			return nil, fmt.Errorf("monthly report: %w", err)
		}
		for _, l := range leads {
			for _, id := range l.HitIDs() {
				if referredHits[id] {
					d.NetworksReferred++
					break
				}
			}
		}
	}
	if _, d.ComplaintsReceived, err = s.ListComplaints(ctx, guazheng.ComplaintFilter{ReceivedFrom: from, ReceivedTo: to, Limit: 1}); err != nil {
		return nil, fmt.Errorf("monthly report: complaints: %w", err)
	}
	if _, d.ComplaintsClosed, err = s.ListComplaints(ctx, guazheng.ComplaintFilter{ClosedFrom: from, ClosedTo: to, Limit: 1}); err != nil {
		return nil, fmt.Errorf("monthly report: complaints: %w", err)
	}
	return d, nil
}

func uniqueTypes(certs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range certs {
		t := certType(c)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		out = []string{"未识别"}
	}
	return out
}

// Monthly writes the 汇总表 of the month holding month as XLSX to w, with
// default options.
func Monthly(ctx context.Context, s Store, month time.Time, w io.Writer) error {
	return Write(ctx, s, month, w, Options{})
}

// Write writes the 汇总表 of the month holding month as XLSX to w.
func Write(ctx context.Context, s Store, month time.Time, w io.Writer, o Options) error {
	d, err := Collect(ctx, s, month, o)
	if err != nil {
		return err
	}
	return WriteXLSX(d, w)
}
