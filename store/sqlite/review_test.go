package sqlite

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestReviewStats(t *testing.T) {
	ctx := context.Background()
	clk := &testClock{t: t0}
	db := openTest(t, Options{Now: clk.Now})
	cst := time.FixedZone("CST", 8*3600)
	// Hits created at 20:00 UTC on 1 March (04:00 on 2 March in China) and on 2 March.
	for i, at := range []time.Time{time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} {
		clk.Set(at)
		key := []string{"http://jobs.example/job/1.html", "http://jobs.example/job/2.html"}[i]
		ingest(t, db, testCapture("jobs", key, at, htmlPage(i, 2000)),
			guazheng.ClassifiedPost{Post: post("jobs", key, "收一建", "高价收一级建造师市政"), Verdict: flaggedVerdict(7, "1380013800"+string(rune('0'+i)), "gz_x")})
	}
	days, err := db.HitsPerDay(ctx, t0.AddDate(0, 0, -1), t0.AddDate(0, 0, 5), cst)
	if err != nil {
		t.Fatal(err)
	}
	want := []guazheng.DayCount{{Day: time.Date(2026, 3, 2, 0, 0, 0, 0, cst), Site: "jobs", Role: guazheng.RoleBuyer, Count: 2}}
	if len(days) != 1 || !days[0].Day.Equal(want[0].Day) || days[0].Count != 2 || days[0].Role != guazheng.RoleBuyer {
		t.Errorf("HitsPerDay = %+v", days)
	}
	hits, _, _ := db.ListHits(ctx, guazheng.HitFilter{Sort: "id"})
	clk.Set(t0.AddDate(0, 0, 3))
	if err := db.SetState(ctx, []int64{hits[0].ID}, []int64{hits[0].Version}, guazheng.HitReferred, "移交", "rev"); err != nil {
		t.Fatal(err)
	}
	changes, err := db.StateChanges(ctx, t0.AddDate(0, 0, 2), t0.AddDate(0, 0, 4))
	if err != nil || len(changes) != 1 || changes[0].HitID != hits[0].ID || changes[0].To != guazheng.HitReferred || changes[0].Actor != "rev" {
		t.Errorf("StateChanges = %+v %v", changes, err)
	}
	// Runs: the latest per site.
	for i, site := range []string{"a", "a", "b"} {
		id, err := db.StartRun(ctx, site, t0.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.FinishRun(ctx, &guazheng.RunStats{ID: id, Site: site, Finished: t0.Add(time.Duration(i)*time.Hour + time.Minute),
			Counters: map[string]int64{"requests": int64(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := db.LatestRuns(ctx, 1)
	if err != nil || len(runs) != 2 || runs[0].Site != "a" || runs[0].Counters["requests"] != 1 || runs[1].Site != "b" {
		t.Errorf("LatestRuns = %+v %v", runs, err)
	}
	// Post summaries and the posts a URL showed.
	sums, err := db.PostSummaries(ctx, []int64{hits[1].PostID, hits[0].PostID, 999})
	if err != nil || len(sums) != 2 || sums[0].PostID != hits[0].PostID || sums[0].HitState != guazheng.HitReferred ||
		!reflect.DeepEqual(sums[0].Certs, []string{"一级建造师/市政"}) || !sums[0].Flagged || sums[0].Role != guazheng.RoleBuyer {
		t.Errorf("PostSummaries = %+v %v", sums, err)
	}
	refs, err := db.PostsCapturedFrom(ctx, "http://jobs.example/job/2.html")
	if err != nil || len(refs) != 1 || refs[0].PostID != hits[1].PostID {
		t.Errorf("PostsCapturedFrom = %+v %v", refs, err)
	}
}

func TestComplaints(t *testing.T) {
	ctx := context.Background()
	clk := &testClock{t: t0}
	db := openTest(t, Options{Now: clk.Now})
	if _, err := db.CreateComplaint(ctx, guazheng.Complaint{}, "rev"); err == nil {
		t.Error("complaint without channel accepted")
	}
	c, err := db.CreateComplaint(ctx, guazheng.Complaint{Channel: "举报电话", Received: t0.Add(-time.Hour), URLs: []string{"http://x.example/1"},
		Contacts: []string{"13800000000"}, Notes: "来电"}, "rev")
	if err != nil || c.ID == 0 || c.State != guazheng.ComplaintOpen || c.Version != 1 {
		t.Fatalf("create = %+v %v", c, err)
	}
	ingest(t, db, testCapture("complaint", "http://x.example/1", t0, htmlPage(1, 1000)),
		guazheng.ClassifiedPost{Post: post("complaint", "http://x.example/1", "收证", "收证"), Verdict: flaggedVerdict(6, "13800000000", "w")})
	refs, _ := db.PostsCapturedFrom(ctx, "http://x.example/1")
	if err := db.RecordComplaintCapture(ctx, c.ID, "http://x.example/1", t0, []int64{refs[0].PostID}, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordComplaintCapture(ctx, c.ID, "http://x.example/2", t0, nil, "HTTP 404"); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(48 * time.Hour))
	if err := db.SetComplaintState(ctx, c.ID, 1, guazheng.ComplaintClosed, "已查处", "rev"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetComplaintState(ctx, c.ID, 1, guazheng.ComplaintOpen, "", "rev"); !errors.Is(err, guazheng.ErrConflict) {
		t.Errorf("stale version: %v", err)
	}
	if err := db.SetComplaintState(ctx, 999, 1, guazheng.ComplaintOpen, "", "rev"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("missing complaint: %v", err)
	}
	d, err := db.GetComplaint(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != guazheng.ComplaintClosed || !d.Closed.Equal(t0.Add(48*time.Hour)) || d.Result != "已查处" || len(d.History) != 2 ||
		len(d.Captures) != 2 || len(d.Captures[0].Posts) != 1 || d.Captures[0].Posts[0].HitID == 0 || d.Captures[1].Error != "HTTP 404" ||
		!reflect.DeepEqual(d.Contacts, []string{"13800000000"}) {
		t.Errorf("detail = %+v", d)
	}
	for _, tc := range []struct {
		name string
		f    guazheng.ComplaintFilter
		want int
	}{
		{"all", guazheng.ComplaintFilter{}, 1},
		{"closed", guazheng.ComplaintFilter{States: []guazheng.ComplaintState{guazheng.ComplaintClosed}}, 1},
		{"open", guazheng.ComplaintFilter{States: []guazheng.ComplaintState{guazheng.ComplaintOpen}}, 0},
		{"received in range", guazheng.ComplaintFilter{ReceivedFrom: t0.Add(-2 * time.Hour), ReceivedTo: t0}, 1},
		{"received before", guazheng.ComplaintFilter{ReceivedTo: t0.Add(-2 * time.Hour)}, 0},
		{"closed in range", guazheng.ComplaintFilter{ClosedFrom: t0.Add(24 * time.Hour), ClosedTo: t0.Add(72 * time.Hour)}, 1},
		{"closed later", guazheng.ComplaintFilter{ClosedFrom: t0.Add(72 * time.Hour)}, 0},
	} {
		list, total, err := db.ListComplaints(ctx, tc.f)
		if err != nil || total != tc.want || len(list) != tc.want {
			t.Errorf("%s: %d %d %v", tc.name, total, len(list), err)
		}
	}
	es, _ := db.Audit().List(ctx, guazheng.AuditFilter{Object: "complaint:1"})
	if len(es) != 4 {
		t.Errorf("audit entries %d, want create, 2 captures, state", len(es))
	}
}
