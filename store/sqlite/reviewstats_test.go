package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func TestStoreReviewStats(t *testing.T) {
	ctx := context.Background()
	clock := t0
	db := openTest(t, Options{Now: func() time.Time { return clock }})
	for i, k := range []string{"a", "b", "c"} {
		clock = t0.Add(time.Duration(i) * 20 * time.Hour)
		v := flaggedVerdict(5, "1380000000"+k, "")
		if k == "c" {
			v.Role = guazheng.RoleSeller
		}
		ingest(t, db, testCapture("s", "http://s/"+k, clock, []byte(k)), guazheng.ClassifiedPost{Post: post("s", "http://s/"+k, k, k), Verdict: v})
	}
	ingest(t, db, testCapture("s", "http://s/list", clock, []byte("l")), guazheng.ClassifiedPost{Post: post("s", "http://s/d", "d", "d"), Verdict: cleanVerdict()})
	days, err := db.HitsPerDay(ctx, t0, t0.Add(72*time.Hour), time.FixedZone("CST", 8*3600))
	if err != nil || len(days) != 3 || days[0].Count != 1 || days[2].Role != guazheng.RoleSeller {
		t.Errorf("HitsPerDay = %+v, %v", days, err)
	}
	hits, _, _ := db.ListHits(ctx, guazheng.HitFilter{Sort: "id"})
	clock = t0.Add(100 * time.Hour)
	db.SetState(ctx, []int64{hits[0].ID}, []int64{hits[0].Version}, guazheng.HitConfirmed, "ok", "alice")
	ch, err := db.StateChanges(ctx, t0.Add(99*time.Hour), t0.Add(101*time.Hour))
	if err != nil || len(ch) != 1 || ch[0].HitID != hits[0].ID || ch[0].To != guazheng.HitConfirmed {
		t.Errorf("StateChanges = %+v, %v", ch, err)
	}
	for _, site := range []string{"x", "y", "x"} {
		id, _ := db.StartRun(ctx, site, clock)
		db.FinishRun(ctx, &guazheng.RunStats{ID: id, Site: site, Finished: clock})
		clock = clock.Add(time.Hour)
	}
	runs, err := db.LatestRuns(ctx, 1)
	if err != nil || len(runs) != 2 || runs[0].Site != "x" || runs[0].ID != 3 {
		t.Errorf("LatestRuns = %+v, %v", runs, err)
	}
	sums, err := db.PostSummaries(ctx, []int64{4, 1, 999})
	if err != nil || len(sums) != 2 || sums[0].PostID != 1 || !sums[0].Flagged || sums[1].Flagged || sums[0].HitID == 0 {
		t.Errorf("PostSummaries = %+v, %v", sums, err)
	}
	refs, err := db.PostsCapturedFrom(ctx, "http://s/list")
	if err != nil || len(refs) != 1 || refs[0].Key != "http://s/d" {
		t.Errorf("PostsCapturedFrom = %+v, %v", refs, err)
	}
}

func TestStoreComplaints(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	ingest(t, db, testCapture("s", "http://s/a", t0, []byte("a")), guazheng.ClassifiedPost{Post: post("s", "http://s/a", "a", "a"), Verdict: flaggedVerdict(5, "13800000001", "")})
	c, err := db.CreateComplaint(ctx, guazheng.Complaint{Channel: "电话", Received: t0, URLs: []string{"http://s/a"}, Contacts: []string{"13800000001"}}, "alice")
	if err != nil || c.ID == 0 || c.State != guazheng.ComplaintOpen {
		t.Fatalf("CreateComplaint = %+v, %v", c, err)
	}
	if _, err := db.CreateComplaint(ctx, guazheng.Complaint{}, "alice"); err == nil {
		t.Error("complaint without channel accepted")
	}
	if err := db.RecordComplaintCapture(ctx, c.ID, "http://s/a", t0.Add(time.Hour), []int64{1}, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.SetComplaintState(ctx, c.ID, c.Version, guazheng.ComplaintClosed, "已移交公安", "bob"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetComplaintState(ctx, c.ID, c.Version, guazheng.ComplaintOpen, "", "bob"); !errors.Is(err, guazheng.ErrConflict) {
		t.Errorf("stale SetComplaintState = %v", err)
	}
	d, err := db.GetComplaint(ctx, c.ID)
	if err != nil || d.State != guazheng.ComplaintClosed || d.Result != "已移交公安" || d.Closed.IsZero() || len(d.History) != 2 ||
		len(d.Captures) != 1 || len(d.Captures[0].Posts) != 1 || d.Captures[0].Posts[0].HitID == 0 {
		t.Errorf("GetComplaint = %+v, %v", d, err)
	}
	list, total, err := db.ListComplaints(ctx, guazheng.ComplaintFilter{States: []guazheng.ComplaintState{guazheng.ComplaintClosed}})
	if err != nil || total != 1 || len(list) != 1 {
		t.Errorf("ListComplaints = %+v %d %v", list, total, err)
	}
	if probs, _ := db.Audit().Verify(ctx); len(probs) > 0 {
		t.Errorf("audit: %v", probs)
	}
}
