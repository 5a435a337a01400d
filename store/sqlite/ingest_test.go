package sqlite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

func ingest(t *testing.T, db *DB, c *guazheng.Capture, cps ...guazheng.ClassifiedPost) []guazheng.PostChange {
	t.Helper()
	ch, err := db.Ingest(context.Background(), c, cps)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return ch
}

func TestIngestRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	body := htmlPage(1, 30000)
	c := testCapture("jobs", "http://jobs.example/list?p=1", t0, body)
	c.Redirects = []string{"http://jobs.example/list"}
	p1 := post("jobs", "http://jobs.example/job/1.html", "收一级建造师", "高价收一级建造师市政，无社保，电话13800138000")
	p2 := post("jobs", "http://jobs.example/job/2.html", "招聘资料员", "五险一金，双休")
	v1 := flaggedVerdict(7.5, "13800138000", "gz_jianzao")
	got := ingest(t, db, c, guazheng.ClassifiedPost{Post: p1, Verdict: v1}, guazheng.ClassifiedPost{Post: p2, Verdict: cleanVerdict()})
	if !reflect.DeepEqual(got, []guazheng.PostChange{guazheng.PostNew, guazheng.PostNew}) {
		t.Fatalf("changes = %v", got)
	}
	if c.ID == 0 {
		t.Fatal("capture id not set")
	}
	hits, total, err := db.ListHits(ctx, guazheng.HitFilter{})
	if err != nil || total != 1 || len(hits) != 1 {
		t.Fatalf("ListHits = %v, %d, %v", hits, total, err)
	}
	h := hits[0]
	if h.State != guazheng.HitPending || h.Title != p1.Title || h.Score != 7.5 || h.Role != guazheng.RoleBuyer ||
		!reflect.DeepEqual(h.Rules, []string{"cert.guakao", "no.social.insurance"}) || !reflect.DeepEqual(h.Certs, []string{"一级建造师/市政"}) ||
		h.Versions != 1 || !h.FirstSeen.Equal(t0) || h.Site != "jobs" || h.Version != 1 {
		t.Errorf("hit = %+v", h)
	}
	d, err := db.GetHit(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Post.Versions) != 1 || d.Post.Versions[0].Text != p1.Text || d.Post.Versions[0].Author != "王经理" || d.Post.Versions[0].CaptureID != c.ID {
		t.Errorf("versions = %+v", d.Post.Versions)
	}
	lv := d.Post.LatestVerdict()
	if lv == nil || !reflect.DeepEqual(lv.Verdict, v1) {
		t.Errorf("verdict round trip:\n got %+v\nwant %+v", lv, v1)
	}
	wantContacts := []guazheng.StoredContact{
		{Kind: "cert", Value: "一级建造师/市政", FirstSeen: t0},
		{Kind: "phone", Value: "13800138000", FirstSeen: t0},
		{Kind: "wechat", Value: "gz_jianzao", Obfuscated: true, FirstSeen: t0},
	}
	if !reflect.DeepEqual(d.Post.Contacts, wantContacts) {
		t.Errorf("contacts = %+v", d.Post.Contacts)
	}
	if len(d.Post.Captures) != 1 {
		t.Fatalf("captures = %d", len(d.Post.Captures))
	}
	cr := d.Post.Captures[0]
	if cr.URL != c.URL || cr.Status != 200 || cr.ServerIP != c.ServerIP || !cr.FetchedAt.Equal(t0) || cr.Duration != c.Duration ||
		!reflect.DeepEqual(cr.Redirects, c.Redirects) || !reflect.DeepEqual(cr.RequestHeader, c.RequestHeader) ||
		!reflect.DeepEqual(cr.ResponseHeader, c.ResponseHeader) || cr.BodySize != int64(len(body)) || cr.Kind != "page" ||
		cr.PayloadSHA256 != sha256Hex(body) || cr.Charset != "utf-8" {
		t.Errorf("capture round trip: %+v", cr.Capture)
	}
	if len(cr.Records) != 3 {
		t.Fatalf("records = %+v", cr.Records)
	}
	// Each record reads back from its location with matching digests.
	for _, l := range cr.Records {
		f, err := os.Open(filepath.Join(db.WARCDir(), l.File))
		if err != nil {
			t.Fatal(err)
		}
		p, err := warc.ReadAt(f, l.Offset, l.Length)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", l.Type, err)
		}
		if errs := p.Check(); len(errs) > 0 || p.Get("WARC-Block-Digest") != l.BlockDigest || p.Get("WARC-Type") != l.Type {
			t.Errorf("%s: %v %v", l.Type, errs, p.Fields)
		}
		switch l.Type {
		case "response":
			if !bytes.Equal(p.Payload(), body) || p.Get("WARC-IP-Address") != "127.0.0.1" {
				t.Errorf("response payload or IP wrong: %v", p.Fields)
			}
		case "metadata":
			if !bytes.Contains(p.Block, []byte(`"version":"`+guazheng.Version)) || !bytes.Contains(p.Block, []byte("cert.guakao")) ||
				!bytes.Contains(p.Block, []byte(p1.Text)) {
				t.Errorf("metadata block lacks version, verdict or text: %s", p.Block[:200])
			}
		}
	}
	// Export row.
	var rows []guazheng.HitExport
	if err := db.ExportHits(ctx, guazheng.HitFilter{}, func(e guazheng.HitExport) error { rows = append(rows, e); return nil }); err != nil {
		t.Fatal(err)
	}
	want := guazheng.HitExport{ID: h.ID, Site: "jobs", URL: p1.URL, PostKey: p1.Key, Title: p1.Title, Text: p1.Text,
		FirstSeen: t0, LastSeen: t0, Versions: 1, Role: guazheng.RoleBuyer, Score: 7.5,
		Rules: []string{"cert.guakao", "no.social.insurance"}, Phones: []string{"13800138000"}, WeChat: []string{"gz_jianzao"},
		Certs: []string{"一级建造师/市政"}, State: guazheng.HitPending, ResponseSHA256: sha256Hex(body)}
	if len(rows) != 1 || !reflect.DeepEqual(rows[0], want) {
		t.Errorf("export = %+v\nwant %+v", rows, want)
	}
	// Audit: capture, verdict ×2, hit.open.
	entries, err := db.Audit().List(ctx, guazheng.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if !reflect.DeepEqual(actions, []string{"capture", "verdict", "hit.open", "verdict"}) {
		t.Errorf("audit actions = %v", actions)
	}
	if probs, err := db.Audit().Verify(ctx); err != nil || len(probs) > 0 {
		t.Errorf("audit verify = %v, %v", probs, err)
	}
	if probs, err := db.CaptureIntegrity(ctx); err != nil || len(probs) > 0 {
		t.Errorf("integrity = %v, %v", probs, err)
	}
}

func TestIngestVersionsAndReopen(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	key := "http://forum.example/t/9#floor-3"
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	page := func(h int) *guazheng.Capture {
		return testCapture("forum", "http://forum.example/t/9", at(h), htmlPage(h, 5000))
	}
	cp := func(text string, v guazheng.Verdict) guazheng.ClassifiedPost {
		return guazheng.ClassifiedPost{Post: post("forum", key, "求证", text), Verdict: v}
	}
	flagged := flaggedVerdict(6, "13900139000", "wx1")
	steps := []struct {
		name      string
		do        func() []guazheng.PostChange
		want      guazheng.PostChange
		versions  int
		state     guazheng.HitState
		verdicts  int
		takenDown bool
	}{
		{"new", func() []guazheng.PostChange { return ingest(t, db, page(0), cp("收二建 A", flagged)) }, guazheng.PostNew, 1, guazheng.HitPending, 1, false},
		{"unchanged", func() []guazheng.PostChange { return ingest(t, db, page(1), cp("收二建 A", flagged)) }, guazheng.PostUnchanged, 1, guazheng.HitPending, 1, false},
		{"dismiss", func() []guazheng.PostChange {
			h := hitOf(t, db, key)
			if err := db.SetState(ctx, []int64{h.ID}, []int64{h.Version}, guazheng.HitDismissed, "招聘正常岗位", "alice"); err != nil {
				t.Fatal(err)
			}
			return nil
		}, 0, 1, guazheng.HitDismissed, 1, false},
		{"unchanged recrawl does not reopen", func() []guazheng.PostChange { return ingest(t, db, page(2), cp("收二建 A", flagged)) }, guazheng.PostUnchanged, 1, guazheng.HitDismissed, 1, false},
		{"new rule set, same content: new verdict, no reopen", func() []guazheng.PostChange {
			v := flagged
			v.RuleSet = "rs-2026.04"
			return ingest(t, db, page(3), cp("收二建 A", v))
		}, guazheng.PostUnchanged, 1, guazheng.HitDismissed, 2, false},
		{"changed content reopens", func() []guazheng.PostChange { return ingest(t, db, page(4), cp("收二建 B 急", flagged)) }, guazheng.PostChanged, 2, guazheng.HitPending, 3, false},
		{"taken down", func() []guazheng.PostChange {
			c := testCapture("forum", "http://forum.example/t/9", at(5), []byte("<html>帖子已删除</html>"))
			c.Status = 404
			n, err := db.TakeDown(ctx, c)
			if err != nil || n != 1 {
				t.Fatalf("TakeDown = %d, %v", n, err)
			}
			return nil
		}, 0, 2, guazheng.HitPending, 3, true},
		{"second takedown marks nothing", func() []guazheng.PostChange {
			c := testCapture("forum", "http://forum.example/t/9", at(6), nil)
			c.Status = 410
			n, err := db.TakeDown(ctx, c)
			if err != nil || n != 0 {
				t.Fatalf("TakeDown = %d, %v", n, err)
			}
			return nil
		}, 0, 2, guazheng.HitPending, 3, true},
		{"reappears", func() []guazheng.PostChange { return ingest(t, db, page(7), cp("收二建 B 急", flagged)) }, guazheng.PostUnchanged, 2, guazheng.HitPending, 3, false},
		{"back to old content: new version", func() []guazheng.PostChange { return ingest(t, db, page(8), cp("收二建 A", flagged)) }, guazheng.PostChanged, 3, guazheng.HitPending, 4, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			ch := s.do()
			if ch != nil && (len(ch) != 1 || ch[0] != s.want) {
				t.Errorf("changes = %v, want %v", ch, s.want)
			}
			h := hitOf(t, db, key)
			d, err := db.GetHit(ctx, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Post.Versions) != s.versions || d.State != s.state || len(d.Post.Verdicts) != s.verdicts ||
				d.Post.TakenDown.IsZero() == s.takenDown {
				t.Errorf("versions %d state %s verdicts %d taken down %v", len(d.Post.Versions), d.State, len(d.Post.Verdicts), d.Post.TakenDown)
			}
		})
	}
	h := hitOf(t, db, key)
	d, _ := db.GetHit(ctx, h.ID)
	if !d.Post.LastSeen.Equal(at(8)) || !d.Post.FirstSeen.Equal(t0) || !d.Post.Reappeared.Equal(at(7)) {
		t.Errorf("first %v last %v reappeared %v", d.Post.FirstSeen, d.Post.LastSeen, d.Post.Reappeared)
	}
	if len(d.Post.Captures) != 9 {
		t.Errorf("captures kept: %d, want 9 (7 pages + 2 takedowns)", len(d.Post.Captures))
	}
	var gone int
	for _, c := range d.Post.Captures {
		if c.Kind == "gone" {
			gone++
		}
	}
	if gone != 2 {
		t.Errorf("gone captures = %d", gone)
	}
	var hist []string
	for _, c := range d.History {
		hist = append(hist, string(c.From)+"→"+string(c.To))
	}
	if !reflect.DeepEqual(hist, []string{"→pending", "pending→dismissed", "dismissed→pending"}) {
		t.Errorf("history = %v", hist)
	}
	n, _ := db.Audit().List(ctx, guazheng.AuditFilter{Action: "hit.reopen"})
	if len(n) != 1 {
		t.Errorf("hit.reopen audit entries = %d", len(n))
	}
	n, _ = db.Audit().List(ctx, guazheng.AuditFilter{Action: "post.reappeared"})
	if len(n) != 1 {
		t.Errorf("post.reappeared audit entries = %d", len(n))
	}
	if cnt, _ := db.CountByState(ctx); cnt[guazheng.HitPending] != 1 || len(cnt) != 4 {
		t.Errorf("CountByState = %v", cnt)
	}
}

func hitOf(t *testing.T, db *DB, key string) guazheng.Hit {
	t.Helper()
	hits, _, err := db.ListHits(context.Background(), guazheng.HitFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Key == key {
			return h
		}
	}
	t.Fatalf("no hit for %s", key)
	return guazheng.Hit{}
}

func TestTakeDownMatching(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	c := testCapture("f", "http://f/t/1", t0, []byte("x"))
	ingest(t, db, c,
		guazheng.ClassifiedPost{Post: guazheng.Post{Key: "http://f/t/1#floor-1", URL: "http://f/t/1?page=1", Title: "a"}, Verdict: cleanVerdict()},
		guazheng.ClassifiedPost{Post: guazheng.Post{Key: "http://f/t/1#floor-2", URL: "http://f/t/1?page=1", Title: "b"}, Verdict: cleanVerdict()},
		guazheng.ClassifiedPost{Post: guazheng.Post{Key: "http://f/t/10", URL: "http://f/t/10", Title: "c"}, Verdict: cleanVerdict()},
		guazheng.ClassifiedPost{Post: guazheng.Post{Key: "k-77", URL: "http://f/p/77", Title: "d"}, Verdict: cleanVerdict()},
	)
	cases := []struct {
		name     string
		url, fin string
		site     string
		want     int
	}{
		{"other site", "http://f/t/1", "", "g", 0},
		{"by key URL part, not a prefix match", "http://f/t/1", "", "f", 2},
		{"by final URL", "http://f/old/77", "http://f/p/77", "f", 1},
		{"again: already down", "http://f/t/1", "", "f", 0},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testCapture(tc.site, tc.url, t0.Add(time.Duration(i+1)*time.Hour), nil)
			c.FinalURL, c.Status = tc.fin, 404
			n, err := db.TakeDown(ctx, c)
			if err != nil || n != tc.want {
				t.Errorf("TakeDown = %d, %v; want %d", n, err, tc.want)
			}
		})
	}
}

func TestSetStateAssignNotes(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	for i, k := range []string{"a", "b", "c"} {
		ingest(t, db, testCapture("s", "http://s/"+k, t0.Add(time.Duration(i)*time.Minute), []byte(k)),
			guazheng.ClassifiedPost{Post: post("s", "http://s/"+k, k, "text "+k), Verdict: flaggedVerdict(float64(5+i), "1380000000"+k, "wx"+k)})
	}
	hits, _, _ := db.ListHits(ctx, guazheng.HitFilter{Sort: "id"})
	ids := []int64{hits[0].ID, hits[1].ID, hits[2].ID}
	vers := []int64{hits[0].Version, hits[1].Version, hits[2].Version}
	// Bulk confirm.
	if err := db.SetState(ctx, ids[:2], vers[:2], guazheng.HitConfirmed, "核实为挂证", "alice"); err != nil {
		t.Fatal(err)
	}
	// A second reviewer still holding the old versions conflicts, all or none.
	err := db.SetState(ctx, ids, vers, guazheng.HitDismissed, "误报", "bob")
	if !errors.Is(err, guazheng.ErrConflict) {
		t.Fatalf("stale bulk SetState = %v, want ErrConflict", err)
	}
	h3, _ := db.GetHit(ctx, ids[2])
	if h3.State != guazheng.HitPending || h3.Version != vers[2] {
		t.Errorf("partial update happened: %+v", h3.Hit)
	}
	if err := db.SetState(ctx, ids, vers, "bogus", "", "bob"); err == nil {
		t.Error("bogus state accepted")
	}
	if err := db.SetState(ctx, []int64{999}, []int64{1}, guazheng.HitReferred, "", "bob"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("unknown hit: %v", err)
	}
	h1, _ := db.GetHit(ctx, ids[0])
	if err := db.Assign(ctx, ids[0], h1.Version, "carol", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := db.Assign(ctx, ids[0], h1.Version, "dave", "bob"); !errors.Is(err, guazheng.ErrConflict) {
		t.Errorf("stale Assign = %v", err)
	}
	if _, err := db.AddNote(ctx, ids[0], "carol", "电话已核实，移交公安"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddNote(ctx, 999, "carol", "x"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("note on unknown hit: %v", err)
	}
	h1, _ = db.GetHit(ctx, ids[0])
	if err := db.SetState(ctx, []int64{ids[0]}, []int64{h1.Version}, guazheng.HitReferred, "移交公安", "carol"); err != nil {
		t.Fatal(err)
	}
	h1, _ = db.GetHit(ctx, ids[0])
	if h1.State != guazheng.HitReferred || h1.Assignee != "carol" || len(h1.Notes) != 1 || h1.Notes[0].Text != "电话已核实，移交公安" ||
		len(h1.History) != 3 || h1.History[2].Actor != "carol" || h1.History[2].Reason != "移交公安" || h1.Version != 4 || h1.Hit.Notes != 1 {
		t.Errorf("hit after review: %+v", h1)
	}
	cnt, _ := db.CountByState(ctx)
	if !reflect.DeepEqual(cnt, map[guazheng.HitState]int{guazheng.HitPending: 1, guazheng.HitConfirmed: 1, guazheng.HitReferred: 1, guazheng.HitDismissed: 0}) {
		t.Errorf("counts = %v", cnt)
	}
	for _, a := range []string{"hit.state", "hit.assign", "hit.note"} {
		if es, _ := db.Audit().List(ctx, guazheng.AuditFilter{Action: a}); len(es) == 0 {
			t.Errorf("no %s audit entry", a)
		}
	}
}

func TestListHitsFilters(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	type item struct {
		site, key, title, text string
		score                  float64
		role                   guazheng.Role
		cert                   guazheng.Cert
		phone                  string
	}
	items := []item{
		{"jobs", "j1", "收一建市政", "急收一级建造师 挂证 13800000001", 9, guazheng.RoleBuyer, guazheng.Cert{Name: "一级建造师", Specialty: "市政"}, "13800000001"},
		{"jobs", "j2", "出二建", "本人二建机电 出证 50%_off", 6, guazheng.RoleSeller, guazheng.Cert{Name: "二级建造师", Specialty: "机电"}, "13800000002"},
		{"forum", "f1", "中介", "长期收各类证书", 4, guazheng.RoleBroker, guazheng.Cert{Name: "一级建造师"}, "13800000001"},
	}
	for i, it := range items {
		v := flaggedVerdict(it.score, it.phone, "")
		v.Role, v.Entities.Certs, v.Entities.Contacts, v.Entities.WeChat = it.role, []guazheng.Cert{it.cert}, nil, nil
		ingest(t, db, testCapture(it.site, "http://x/"+it.key, t0.Add(time.Duration(i)*time.Hour), []byte(it.key)),
			guazheng.ClassifiedPost{Post: guazheng.Post{Key: it.key, Title: it.title, Text: it.text}, Verdict: v})
	}
	fl := func(f float64) *float64 { return &f }
	cases := []struct {
		name string
		f    guazheng.HitFilter
		want []string
	}{
		{"all, newest flagged first", guazheng.HitFilter{}, []string{"f1", "j2", "j1"}},
		{"site", guazheng.HitFilter{Site: "jobs", Sort: "id"}, []string{"j1", "j2"}},
		{"role", guazheng.HitFilter{Role: guazheng.RoleSeller}, []string{"j2"}},
		{"cert name matches specialties", guazheng.HitFilter{Cert: "一级建造师", Sort: "id"}, []string{"j1", "f1"}},
		{"cert label", guazheng.HitFilter{Cert: "一级建造师/市政"}, []string{"j1"}},
		{"score range", guazheng.HitFilter{MinScore: fl(5), MaxScore: fl(8)}, []string{"j2"}},
		{"sort by score", guazheng.HitFilter{Sort: "-score"}, []string{"j1", "j2", "f1"}},
		{"two-character CJK text", guazheng.HitFilter{Text: "挂证"}, []string{"j1"}},
		{"LIKE wildcards are literal", guazheng.HitFilter{Text: "50%_"}, []string{"j2"}},
		{"percent alone matches nothing extra", guazheng.HitFilter{Text: "%"}, []string{"j2"}},
		{"title text", guazheng.HitFilter{Text: "中介"}, []string{"f1"}},
		{"contact", guazheng.HitFilter{Contact: "13800000001", Sort: "id"}, []string{"j1", "f1"}},
		{"date range", guazheng.HitFilter{From: t0.Add(-time.Hour), To: t0.Add(100 * time.Hour), Sort: "id"}, []string{"j1", "j2", "f1"}},
		{"states", guazheng.HitFilter{States: []guazheng.HitState{guazheng.HitConfirmed}}, nil},
		{"page", guazheng.HitFilter{Sort: "id", Limit: 1, Offset: 1}, []string{"j2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := db.ListHits(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, h := range hits {
				keys = append(keys, h.Key)
			}
			if !slices.Equal(keys, tc.want) {
				t.Errorf("keys = %v, want %v", keys, tc.want)
			}
			if tc.f.Limit == 0 && total != len(tc.want) {
				t.Errorf("total = %d", total)
			}
		})
	}
	if _, _, err := db.ListHits(ctx, guazheng.HitFilter{Sort: "drop table"}); err == nil {
		t.Error("bad sort accepted")
	}
	// Entities.
	refs, err := db.PostsByContact(ctx, "", "13800000001")
	if err != nil || len(refs) != 2 || refs[0].Key != "j1" || refs[1].Key != "f1" || refs[0].HitID == 0 || refs[0].Title != "收一建市政" {
		t.Errorf("PostsByContact = %+v, %v", refs, err)
	}
	if refs, _ := db.PostsByContact(ctx, "qq", "13800000001"); len(refs) != 0 {
		t.Errorf("kind filter ignored: %v", refs)
	}
	cs, err := db.Contacts(ctx, 2)
	if err != nil || len(cs) != 1 || cs[0].Value != "13800000001" || len(cs[0].Posts) != 2 {
		t.Errorf("Contacts(2) = %+v, %v", cs, err)
	}
	cs, _ = db.Contacts(ctx, 1)
	if len(cs) != 2 {
		t.Errorf("Contacts(1) = %+v", cs)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	u, err := db.CreateUser(ctx, guazheng.User{Name: "alice", Role: "reviewer", PasswordHash: "$argon2id$x"})
	if err != nil || u.ID == 0 {
		t.Fatal(u, err)
	}
	if _, err := db.CreateUser(ctx, guazheng.User{Name: "alice"}); !errors.Is(err, guazheng.ErrExists) {
		t.Errorf("duplicate: %v", err)
	}
	u.Role, u.Disabled = "admin", true
	if err := db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetUser(ctx, "alice")
	if err != nil || got.Role != "admin" || !got.Disabled || got.PasswordHash != "$argon2id$x" || got.Created.IsZero() {
		t.Errorf("GetUser = %+v, %v", got, err)
	}
	if _, err := db.GetUser(ctx, "bob"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	if err := db.UpdateUser(ctx, guazheng.User{Name: "bob"}); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}
	db.CreateUser(ctx, guazheng.User{Name: "aaron", Role: "viewer"})
	us, _ := db.ListUsers(ctx)
	if len(us) != 2 || us[0].Name != "aaron" {
		t.Errorf("ListUsers = %+v", us)
	}
}

func TestIngestRejectsBadPostsBeforeWriting(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	c := testCapture("s", "http://s/x", t0, []byte("x"))
	_, err := db.Ingest(ctx, c, []guazheng.ClassifiedPost{{Post: guazheng.Post{Title: "no key"}, Verdict: cleanVerdict()}})
	if err == nil {
		t.Fatal("post without key accepted")
	}
	if files, _ := db.WARCFiles(ctx); len(files) != 0 {
		t.Errorf("WARC written for a refused capture: %+v", files)
	}
	// Site and URL default to the capture's and are in the metadata record.
	c = testCapture("s", "http://s/y", t0, []byte("y"))
	if _, err := db.Ingest(ctx, c, []guazheng.ClassifiedPost{{Post: guazheng.Post{Key: "k"}, Verdict: cleanVerdict()}}); err != nil {
		t.Fatal(err)
	}
	caps, _ := db.CapturesByID(ctx, []int64{c.ID})
	meta := caps[0].Records[2]
	f, _ := os.Open(filepath.Join(db.WARCDir(), meta.File))
	defer f.Close()
	p, err := warc.ReadAt(f, meta.Offset, meta.Length)
	if err != nil || !bytes.Contains(p.Block, []byte(`"site":"s","key":"k","url":"http://s/y"`)) {
		t.Errorf("metadata: %s %v", p.Block, err)
	}
}
