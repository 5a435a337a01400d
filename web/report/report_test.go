package report

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/sqlite"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

var cstT = func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, cst) }

func ingest(t *testing.T, db *sqlite.DB, site, key, text string, role guazheng.Role, at time.Time, phone string, certs ...guazheng.Cert) int64 {
	t.Helper()
	u := "http://" + site + ".example/" + key
	c := &guazheng.Capture{Site: site, Method: "GET", URL: u, FinalURL: u, Status: 200, Proto: "HTTP/1.1",
		RequestHeader: http.Header{}, ResponseHeader: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>" + text + "</p>"), FetchedAt: at}
	v := guazheng.Verdict{Flagged: true, Role: role, Score: 7, RuleSet: "t", Rules: []guazheng.FiredRule{{Rule: "r", Score: 7}},
		Entities: guazheng.Entities{Phones: []string{phone}, Certs: certs,
			Contacts: []guazheng.Contact{{Kind: guazheng.ContactPhone, Value: phone}}}}
	if _, err := db.Ingest(context.Background(), c, []guazheng.ClassifiedPost{{Post: guazheng.Post{Site: site, Key: u, URL: u, Title: "标题" + key, Text: text}, Verdict: v}}); err != nil {
		t.Fatal(err)
	}
	hits, _, err := db.ListHits(context.Background(), guazheng.HitFilter{Text: u})
	if err != nil || len(hits) != 1 {
		t.Fatalf("hit of %s: %v %v", u, hits, err)
	}
	return hits[0].ID
}

func setState(t *testing.T, db *sqlite.DB, clk *clock, at time.Time, id int64, to guazheng.HitState, user string) {
	t.Helper()
	clk.Set(at)
	h, err := db.GetHit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetState(context.Background(), []int64{id}, []int64{h.Version}, to, "理由"+string(to), user); err != nil {
		t.Fatal(err)
	}
}

func TestMonthly(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: cstT(2026, 2, 20, 9)}
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "g.db"), sqlite.Options{Now: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	yj := guazheng.Cert{Name: "一级建造师", Specialty: "市政"}
	ej := guazheng.Cert{Name: "二级建造师", Specialty: "机电"}
	// February: one hit, handled in February (outside the March report).
	feb := ingest(t, db, "zhucai", "f1", "收一建", guazheng.RoleBuyer, cstT(2026, 2, 20, 9), "13800000000", yj)
	setState(t, db, clk, cstT(2026, 2, 21, 9), feb, guazheng.HitConfirmed, "rev1")
	// March: a network of two posts sharing a phone, referred; one dismissed; one pending.
	clk.Set(cstT(2026, 3, 2, 9))
	a := ingest(t, db, "zhucai", "m1", "=HYPERLINK(\"http://evil\",\"x\")", guazheng.RoleBroker, cstT(2026, 3, 2, 9), "13900000001", yj, ej)
	b := ingest(t, db, "jzsforum", "m2", "收证", guazheng.RoleBroker, cstT(2026, 3, 3, 9), "13900000001", yj)
	c := ingest(t, db, "zhucai", "m3", "出证", guazheng.RoleSeller, cstT(2026, 3, 4, 9), "13700000002", ej)
	ingest(t, db, "gcyc", "m4", "出证", guazheng.RoleSeller, cstT(2026, 3, 5, 9), "13600000003")
	setState(t, db, clk, cstT(2026, 3, 10, 9), a, guazheng.HitConfirmed, "rev1")
	setState(t, db, clk, cstT(2026, 3, 11, 9), a, guazheng.HitReferred, "rev2") // last change counts
	setState(t, db, clk, cstT(2026, 3, 12, 9), b, guazheng.HitReferred, "rev2")
	setState(t, db, clk, cstT(2026, 3, 31, 23), c, guazheng.HitDismissed, "rev1") // 23:00 CST is still March
	setState(t, db, clk, cstT(2026, 4, 1, 1), feb, guazheng.HitReferred, "rev1")  // April
	// Complaints: two received in March, one of them closed in March, one closed in April.
	clk.Set(cstT(2026, 3, 15, 9))
	c1, _ := db.CreateComplaint(ctx, guazheng.Complaint{Channel: "举报电话", Received: cstT(2026, 3, 15, 9)}, "rev1")
	c2, _ := db.CreateComplaint(ctx, guazheng.Complaint{Channel: "举报信箱", Received: cstT(2026, 3, 16, 9)}, "rev1")
	if err := db.SetComplaintState(ctx, c1.ID, 1, guazheng.ComplaintClosed, "已查处", "rev1"); err != nil {
		t.Fatal(err)
	}
	clk.Set(cstT(2026, 4, 3, 9))
	if err := db.SetComplaintState(ctx, c2.ID, 1, guazheng.ComplaintClosed, "不属实", "rev1"); err != nil {
		t.Fatal(err)
	}

	clk.Set(cstT(2026, 4, 2, 8))
	o := Options{Unit: "某市住建局", Now: clk.Now}
	d, err := Collect(ctx, db, cstT(2026, 3, 20, 0), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Handled) != 3 || d.Handled[0].HitID != a || d.Handled[0].State != guazheng.HitReferred || d.Handled[0].Reviewer != "rev2" ||
		d.Handled[2].HitID != c || d.Handled[2].State != guazheng.HitDismissed {
		t.Errorf("handled = %+v", d.Handled)
	}
	if d.ByState[guazheng.HitReferred] != 2 || d.ByState[guazheng.HitDismissed] != 1 || d.ByState[guazheng.HitConfirmed] != 0 {
		t.Errorf("by state %v", d.ByState)
	}
	if d.NewHits != 4 || d.NetworksReferred != 1 || d.ComplaintsReceived != 2 || d.ComplaintsClosed != 1 {
		t.Errorf("new %d networks %d complaints %d/%d", d.NewHits, d.NetworksReferred, d.ComplaintsReceived, d.ComplaintsClosed)
	}
	wantCert := map[string][2]int{"一级建造师": {2, 2}, "二级建造师": {2, 2}, "未识别": {1, 0}}
	for _, cnt := range d.ByCert {
		if w, ok := wantCert[cnt.Key]; !ok || w != [2]int{cnt.New, cnt.Handled} {
			t.Errorf("cert %s: new %d handled %d", cnt.Key, cnt.New, cnt.Handled)
		}
	}

	var buf bytes.Buffer
	if err := WriteXLSX(d, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 2 || got[0] != SheetSummary || got[1] != SheetCases {
		t.Errorf("sheets %v", got)
	}
	title, _ := x.GetCellValue(SheetSummary, "A1")
	unit, _ := x.GetCellValue(SheetSummary, "A2")
	month, _ := x.GetCellValue(SheetSummary, "B2")
	if title != Title || unit != "填报单位：某市住建局" || month != "统计月份：2026年3月" {
		t.Errorf("heading %q %q %q", title, unit, month)
	}
	rows, _ := x.GetRows(SheetSummary)
	flat := fmt.Sprint(rows)
	for _, want := range []string{"[已移交 2", "[已排除 1", "[本月新发现线索 4", "[本月移交公安的关联团伙数 1]", "[本月收到投诉举报 2]", "[本月办结投诉举报 1]", "[zhucai 2 2]", "[jzsforum 1 1]"} {
		if !strings.Contains(flat, want) {
			t.Errorf("summary lacks %s:\n%v", want, flat)
		}
	}
	cases, _ := x.GetRows(SheetCases)
	if len(cases) != 6 || cases[2][0] != "序号" || cases[3][2] != "已移交" || cases[3][3] != "rev2" {
		t.Errorf("cases sheet %q", cases)
	}
	// The hostile text stays text.
	for r := 4; r <= 6; r++ {
		for col := 1; col <= len(CaseColumns); col++ {
			cell, _ := excelize.CoordinatesToCellName(col, r)
			if fm, _ := x.GetCellFormula(SheetCases, cell); fm != "" {
				t.Errorf("%s has formula %q", cell, fm)
			}
		}
	}

	// The job writes last month's table into the directory; Dir lists and opens it.
	dir := Dir{Path: filepath.Join(t.TempDir(), "reports")}
	Job(db, dir, o, slog.New(slog.DiscardHandler))(ctx)
	files, err := dir.List()
	if err != nil || len(files) != 1 || files[0].Name != "monthly-2026-03.xlsx" || files[0].DownloadName() != "挂证处理汇总表-2026年03月.xlsx" {
		t.Fatalf("files %+v %v", files, err)
	}
	fh, _, err := dir.Open(files[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	fh.Close()
	for _, bad := range []string{"../g.db", "monthly-2026-03.xlsx/../../x", "x.xlsx"} {
		if _, _, err := dir.Open(bad); err == nil {
			t.Errorf("Open(%q) accepted", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(dir.Path, "monthly-2026-03.xlsx")); err != nil {
		t.Error(err)
	}
}

func TestMonthHelpers(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{cstT(2026, 4, 2, 8), "2026-03"},
		{cstT(2026, 1, 2, 8), "2025-12"},
		{time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC), "2026-03"}, // 01:00 on 1 April in China
	} {
		if got := PreviousMonth(tc.now, cst).Format("2006-01"); got != tc.want {
			t.Errorf("PreviousMonth(%v) = %s, want %s", tc.now, got, tc.want)
		}
	}
	if _, err := ParseMonth("2026-13", nil); err == nil {
		t.Error("bad month accepted")
	}
	if m, err := ParseMonth("2026-03", nil); err != nil || !m.Equal(cstT(2026, 3, 1, 0)) {
		t.Errorf("ParseMonth = %v %v", m, err)
	}
}
