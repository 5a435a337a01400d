package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
	gowarc "github.com/nlnwa/gowarc/v3"
)

// rawDB opens the database file bypassing the store, as a tamperer would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestAuditChain(t *testing.T) {
	ctx := context.Background()
	tamper := []struct {
		name  string
		sql   []string
		wants []string // substrings of the problems
	}{
		{"intact", nil, nil},
		{"row deleted", []string{"DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 3"},
			[]string{"#3: entry missing", "#4: prev_hash"}},
		{"details edited", []string{"DROP TRIGGER audit_log_no_update", `UPDATE audit_log SET details = '{"text":"改"}' WHERE seq = 2`},
			[]string{"#2: contents changed"}},
		{"edited and rehashed, next link breaks", []string{"DROP TRIGGER audit_log_no_update",
			`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`}, []string{"#2: contents changed"}},
		{"tail cut", []string{"DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq >= 5"},
			[]string{"missing at the end of the chain"}},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.db")
			db := openAt(t, path, Options{})
			a := db.Audit()
			e1, err := a.Append(ctx, "alice", "test", "x:1", map[string]any{"b": 2, "a": "一"})
			if err != nil {
				t.Fatal(err)
			}
			if e1.Seq != 1 || e1.PrevHash != guazheng.AuditGenesis || string(e1.Details) != `{"a":"一","b":2}` || e1.Hash != e1.ComputeHash() {
				t.Errorf("first entry = %+v", e1)
			}
			e2, _ := a.Append(ctx, "bob", "test", "x:2", json.RawMessage(`{ "text" : "原文" }`))
			if e2.PrevHash != e1.Hash || string(e2.Details) != `{"text":"原文"}` {
				t.Errorf("second entry = %+v", e2)
			}
			a.Append(ctx, "bob", "test", "x:3", nil)
			a.Append(ctx, "bob", "test", "x:4", nil)
			ingest(t, db, testCapture("s", "http://s/1", t0, []byte("page")))
			head, _ := a.Head(ctx)
			if head.Seq != 5 || head.Action != "capture" {
				t.Errorf("head = %+v", head)
			}
			// The store itself refuses to change the log.
			if _, err := db.w.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 1"); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("delete through the store: %v", err)
			}
			raw := rawDB(t, path)
			for _, q := range tc.sql {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			probs, err := a.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			joined := strings.Join(got, "\n")
			if len(tc.wants) == 0 && len(probs) > 0 {
				t.Errorf("problems on an intact log: %v", got)
			}
			for _, w := range tc.wants {
				if !strings.Contains(joined, w) {
					t.Errorf("problems %q lack %q", got, w)
				}
			}
			es, _ := a.List(ctx, guazheng.AuditFilter{Object: "x:2"})
			if tc.name == "intact" && (len(es) != 1 || es[0].Actor != "bob") {
				t.Errorf("List by object = %+v", es)
			}
		})
	}
}

func TestTornTailOnReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "g.db")
	db := openAt(t, path, Options{})
	ingest(t, db, testCapture("s", "http://s/1", t0, htmlPage(1, 8000)),
		guazheng.ClassifiedPost{Post: post("s", "http://s/1", "a", "b"), Verdict: cleanVerdict()})
	files, _ := db.WARCFiles(ctx)
	if len(files) != 1 {
		t.Fatalf("files = %+v", files)
	}
	name := filepath.Join(db.WARCDir(), files[0].Name)
	db.Close()
	st, _ := os.Stat(name)
	if st.Size() != files[0].Size {
		t.Fatalf("file size %d, indexed %d", st.Size(), files[0].Size)
	}
	// A crash mid-write leaves half a member (or whole uncommitted members).
	f, _ := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	full, _ := os.ReadFile(name)
	f.Write(full[files[0].Size/2:])
	f.Close()
	db = openAt(t, path, Options{})
	st, _ = os.Stat(name)
	if st.Size() != files[0].Size {
		t.Errorf("after reopen: size %d, want %d (torn tail cut)", st.Size(), files[0].Size)
	}
	// New captures go to a new file; everything verifies with gowarc.
	ingest(t, db, testCapture("s", "http://s/2", t0.Add(time.Minute), htmlPage(2, 8000)),
		guazheng.ClassifiedPost{Post: post("s", "http://s/2", "a", "c"), Verdict: flaggedVerdict(5, "13800138000", "x")})
	files, _ = db.WARCFiles(ctx)
	if len(files) != 2 {
		t.Errorf("files = %d, want a new one after reopen", len(files))
	}
	db.Close()
	for _, f := range files {
		readAllGowarc(t, filepath.Join(db.WARCDir(), f.Name), 4)
	}
}

// readAllGowarc reads a whole file with the independent reader, strictly,
// validating every digest, and checks the record count.
func readAllGowarc(t *testing.T, path string, want int) {
	t.Helper()
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatalf("gowarc %s: %v", path, err)
		}
		if v, ok := rec.WarcRecord.(interface{ ValidateDigest() ([]error, error) }); ok {
			if vs, err := v.ValidateDigest(); err != nil || len(vs) > 0 {
				t.Errorf("gowarc digest: %v %v", vs, err)
			}
		}
		n++
		rec.Close()
	}
	if n != want {
		t.Errorf("%s: %d records, want %d", filepath.Base(path), n, want)
	}
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{WARCMaxSize: 1}) // one capture per file
	old, recent := t0, t0.Add(60*24*time.Hour)
	type p struct {
		key     string
		at      time.Time
		flagged bool
		state   guazheng.HitState
	}
	posts := []p{
		{"old-clean", old, false, ""},
		{"old-dismissed", old, true, guazheng.HitDismissed},
		{"old-confirmed", old, true, guazheng.HitConfirmed},
		{"recent", recent, false, ""},
	}
	for _, x := range posts {
		v := cleanVerdict()
		if x.flagged {
			v = flaggedVerdict(5, "1390000"+x.key[:4], "w")
		}
		ingest(t, db, testCapture("s", "http://s/"+x.key, x.at, htmlPage(len(x.key), 3000)),
			guazheng.ClassifiedPost{Post: post("s", "http://s/"+x.key, x.key, "t "+x.key), Verdict: v})
		if x.state != "" && x.state != guazheng.HitPending {
			h := hitOf(t, db, "http://s/"+x.key)
			if err := db.SetState(ctx, []int64{h.ID}, []int64{h.Version}, x.state, "test", "alice"); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A page with an old and a recent post shares one capture: it stays.
	ingest(t, db, testCapture("s", "http://s/mixed", old, htmlPage(9, 3000)),
		guazheng.ClassifiedPost{Post: post("s", "http://s/mixed#1", "m1", "t"), Verdict: cleanVerdict()},
		guazheng.ClassifiedPost{Post: post("s", "http://s/mixed#2", "m2", "t2"), Verdict: cleanVerdict()})
	ingest(t, db, testCapture("s", "http://s/mixed2", recent, htmlPage(9, 3000)),
		guazheng.ClassifiedPost{Post: post("s", "http://s/mixed#2", "m2", "t2"), Verdict: cleanVerdict()})

	cut := t0.Add(30 * 24 * time.Hour)
	if _, err := db.Retain(ctx, guazheng.RetentionPolicy{Before: cut}, "", ""); err == nil {
		t.Error("retention without actor and reason accepted")
	}
	dry, err := db.Retain(ctx, guazheng.RetentionPolicy{Before: cut, DryRun: true}, "admin", "dry")
	if err != nil || dry.Posts != 3 || dry.Captures != 2 {
		t.Errorf("dry run = %+v, %v", dry, err)
	}
	filesBefore, _ := db.WARCFiles(ctx)
	res, err := db.Retain(ctx, guazheng.RetentionPolicy{Before: cut}, "admin", "超过保存期限")
	if err != nil {
		t.Fatal(err)
	}
	// Deleted: old-clean, old-dismissed, mixed#1 posts; captures of old-clean and old-dismissed.
	if res.Posts != 3 || res.Captures != 2 || res.Hits != 1 || len(res.FilesRemoved) != 2 {
		t.Errorf("result = %+v", res)
	}
	filesAfter, _ := db.WARCFiles(ctx)
	if len(filesAfter) != len(filesBefore)-2 {
		t.Errorf("files %d → %d", len(filesBefore), len(filesAfter))
	}
	for _, f := range res.FilesRemoved {
		if _, err := os.Stat(filepath.Join(db.WARCDir(), f)); !os.IsNotExist(err) {
			t.Errorf("%s still on disk", f)
		}
	}
	hits, _, _ := db.ListHits(ctx, guazheng.HitFilter{})
	if len(hits) != 1 || hits[0].Key != "http://s/old-confirmed" {
		t.Errorf("hits left = %+v", hits)
	}
	es, _ := db.Audit().List(ctx, guazheng.AuditFilter{Action: "retention"})
	if len(es) != 1 || es[0].Actor != "admin" || !strings.Contains(string(es[0].Details), "超过保存期限") {
		t.Errorf("retention audit = %+v", es)
	}
	if probs, _ := db.Audit().Verify(ctx); len(probs) > 0 {
		t.Errorf("audit after retention: %v", probs)
	}
	if probs, _ := db.CaptureIntegrity(ctx); len(probs) > 0 {
		t.Errorf("integrity after retention: %v", probs)
	}
	// Every remaining record still reads and checks.
	err = db.WARCRecords(ctx, func(r guazheng.IndexedRecord) error {
		f, err := os.Open(filepath.Join(db.WARCDir(), r.File))
		if err != nil {
			return err
		}
		defer f.Close()
		p, err := warc.ReadAt(f, r.Offset, r.Length)
		if err != nil {
			return err
		}
		if errs := p.Check(); len(errs) > 0 {
			t.Errorf("%s: %v", r.RecordID, errs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRetentionRewritesSharedFile(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	for i, at := range []time.Time{t0, t0.Add(90 * 24 * time.Hour), t0, t0.Add(91 * 24 * time.Hour)} {
		k := "http://s/" + string(rune('a'+i))
		ingest(t, db, testCapture("s", k, at, htmlPage(i, 2000)), guazheng.ClassifiedPost{Post: post("s", k, k, k), Verdict: cleanVerdict()})
	}
	before, _ := db.WARCFiles(ctx)
	res, err := db.Retain(ctx, guazheng.RetentionPolicy{Before: t0.Add(24 * time.Hour)}, "admin", "保存期满")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := db.WARCFiles(ctx)
	if len(before) != 1 || len(after) != 1 || len(res.FilesRewritten) != 1 || after[0].Name == before[0].Name || after[0].Records != 6 ||
		after[0].WarcinfoID != before[0].WarcinfoID || res.BytesFreed <= 0 {
		t.Fatalf("before %+v after %+v res %+v", before, after, res)
	}
	if _, err := os.Stat(filepath.Join(db.WARCDir(), before[0].Name)); !os.IsNotExist(err) {
		t.Error("old file kept")
	}
	readAllGowarc(t, filepath.Join(db.WARCDir(), after[0].Name), 7)
	// Writing continues in a new file.
	ingest(t, db, testCapture("s", "http://s/z", t0.Add(92*24*time.Hour), []byte("z")))
	if fs, _ := db.WARCFiles(ctx); len(fs) != 2 {
		t.Errorf("files after new capture: %d", len(fs))
	}
}

func TestRetentionRefusesFileInUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	writer := openAt(t, path, Options{})
	ingest(t, writer, testCapture("s", "http://s/old", t0, []byte("old")),
		guazheng.ClassifiedPost{Post: post("s", "http://s/old", "a", "b"), Verdict: cleanVerdict()})
	// A second process (handle) runs the retention while the first still
	// writes the file.
	admin := openAt(t, path, Options{})
	_, err := admin.Retain(ctx, guazheng.RetentionPolicy{Before: t0.Add(time.Hour)}, "admin", "test")
	if err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("Retain on a file in use = %v", err)
	}
	if caps, _ := admin.CapturesByID(ctx, []int64{1}); len(caps) != 1 {
		t.Error("capture deleted despite the refusal")
	}
	writer.Close()
	res, err := admin.Retain(ctx, guazheng.RetentionPolicy{Before: t0.Add(time.Hour)}, "admin", "test")
	if err != nil || res.Captures != 1 {
		t.Errorf("Retain after the writer closed = %+v, %v", res, err)
	}
}
