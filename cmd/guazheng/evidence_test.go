package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/csvsafe"
	"github.com/guazheng/guazheng/store/sqlite"
)

// evidenceFixture writes a store with one flagged post whose text tries a
// formula injection, and one clean post.
func evidenceFixture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "guazheng.db")
	db, err := sqlite.Open(path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c := &guazheng.Capture{Site: "jobs", Method: "GET", URL: "http://jobs/1", FinalURL: "http://jobs/1", Status: 200,
		ResponseHeader: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>=HYPERLINK(\"x\")</html>"), FetchedAt: at}
	v := guazheng.Verdict{Flagged: true, Role: guazheng.RoleBroker, Score: 7, RuleSet: "rs",
		Rules:    []guazheng.FiredRule{{Rule: "guakao", Score: 7, Description: "挂靠"}},
		Entities: guazheng.Entities{Phones: []string{"13800138000"}, QQ: []string{"12345"}, Certs: []guazheng.Cert{{Name: "一级建造师"}}}}
	_, err = db.Ingest(context.Background(), c, []guazheng.ClassifiedPost{
		{Post: guazheng.Post{Key: "http://jobs/1", Title: "=HYPERLINK(\"http://evil\",\"挂证\")", Text: "+收证 13800138000"}, Verdict: v},
		{Post: guazheng.Post{Key: "http://jobs/1#2", Title: "招聘", Text: "正常"}, Verdict: guazheng.Verdict{RuleSet: "rs"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func evRun(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := realMain(args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func TestEvidenceVerifyCLI(t *testing.T) {
	path := evidenceFixture(t)
	code, out, errs := evRun("evidence", "verify", "--db", path)
	if code != 0 || !strings.Contains(out, "OK:") || !strings.Contains(out, "4 records") {
		t.Fatalf("verify intact: %d\n%s\n%s", code, out, errs)
	}
	// Flip one byte of the response record.
	var file string
	var off, n int64
	raw, _ := sql.Open("sqlite3", "file:"+path)
	raw.QueryRow(`SELECT f.name, r.offset, r.length FROM warc_records r JOIN warc_files f ON f.id = r.file_id WHERE r.type = 'response'`).Scan(&file, &off, &n)
	raw.Close()
	wf := filepath.Join(filepath.Dir(path), "warc", file)
	b, _ := os.ReadFile(wf)
	b[off+n/2] ^= 1
	os.WriteFile(wf, b, 0o644)
	code, out, _ = evRun("evidence", "verify", "--db", path)
	if code != 1 || !strings.Contains(out, "DISCREPANCY record") || !strings.Contains(out, "FAILED") {
		t.Errorf("verify tampered: %d\n%s", code, out)
	}
	code, out, _ = evRun("evidence", "verify", "--db", path, "--json")
	var rep struct{ Problems []map[string]any }
	if code != 1 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Problems) == 0 {
		t.Errorf("verify --json: %d %s", code, out)
	}
	if code, _, _ := evRun("evidence", "verify", "--db", filepath.Join(t.TempDir(), "none.db")); code != 1 {
		t.Errorf("missing database: exit %d", code)
	}
	if code, _, _ := evRun("evidence", "frobnicate"); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

func TestEvidenceExportCLI(t *testing.T) {
	path := evidenceFixture(t)
	zipPath := filepath.Join(t.TempDir(), "lead.zip")
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"no selection", []string{"evidence", "export", "--db", path, "--out", zipPath}, 2},
		{"both selections", []string{"evidence", "export", "--db", path, "--hit", "1", "--contact", "x", "--out", zipPath}, 2},
		{"no out", []string{"evidence", "export", "--db", path, "--hit", "1"}, 2},
		{"unknown hit", []string{"evidence", "export", "--db", path, "--hit", "99", "--out", zipPath}, 1},
		{"by hit", []string{"evidence", "export", "--db", path, "--hit", "1", "--out", zipPath}, 0},
		{"by contact", []string{"evidence", "export", "--db", path, "--contact", "13800138000", "--out", zipPath}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := evRun(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, errs)
			}
			if code != 0 {
				return
			}
			zr, err := zip.OpenReader(zipPath)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			names := map[string]bool{}
			for _, f := range zr.File {
				names[f.Name] = true
			}
			for _, want := range []string{"manifest.json", "manifest.sha256", "SHA256SUMS", "summary.txt", "说明.txt", "README.txt"} {
				if !names[want] {
					t.Errorf("package lacks %s", want)
				}
			}
			if !strings.Contains(out, "manifest.json SHA-256") {
				t.Errorf("output: %s", out)
			}
		})
	}
	code, out, _ := evRun("evidence", "audit", "--db", path, "--action", "export")
	if code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("audit list: %d\n%s", code, out)
	}
}

func TestExportHitsCLI(t *testing.T) {
	path := evidenceFixture(t)
	code, out, errs := evRun("export", "--db", path, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("jsonl: %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var h guazheng.HitExport
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &h) != nil || h.Phones[0] != "13800138000" || h.QQ[0] != "12345" ||
		h.State != guazheng.HitPending || len(h.ResponseSHA256) != 64 || h.Text != "+收证 13800138000" {
		t.Errorf("jsonl = %s", out)
	}
	csvPath := filepath.Join(t.TempDir(), "hits.csv")
	if code, _, errs := evRun("export", "--db", path, "--format", "csv", "--out", csvPath); code != 0 {
		t.Fatalf("csv: %d %s", code, errs)
	}
	b, _ := os.ReadFile(csvPath)
	if !bytes.HasPrefix(b, []byte(csvsafe.BOM)) {
		t.Error("no BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(csvsafe.BOM)))).ReadAll()
	if err != nil || len(rows) != 2 || len(rows[0]) != 19 {
		t.Fatalf("csv rows = %v, %v", rows, err)
	}
	r := rows[1]
	if r[4] != `'=HYPERLINK("http://evil","挂证")` || r[5] != "'+收证 13800138000" || r[17] != "待审核" || r[10] != "中介" ||
		r[6] != "2026-03-01 16:00:00" || r[16] != "一级建造师" {
		t.Errorf("csv row = %q", r)
	}
	for _, tc := range [][]string{{"export", "--db", path, "--format", "xml"}, {"export", "--db", path, "--state", "bogus"}} {
		if code, _, _ := evRun(tc...); code != 2 {
			t.Errorf("%v: exit %d", tc, code)
		}
	}
	if code, out, _ := evRun("export", "--db", path, "--format", "jsonl", "--state", "confirmed"); code != 0 || out != "" {
		t.Errorf("state filter: %d %q", code, out)
	}
	code, out, _ = evRun("evidence", "audit", "--db", path, "--action", "export.hits")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("exports not audited: %s", out)
	}
}

func TestEvidenceRetainCLI(t *testing.T) {
	path := evidenceFixture(t)
	if code, _, _ := evRun("evidence", "retain", "--db", path, "--before", "2026-06-01"); code != 2 {
		t.Errorf("retain without reason: exit %d", code)
	}
	code, out, errs := evRun("evidence", "retain", "--db", path, "--before", "2026-06-01", "--reason", "测试", "--dry-run")
	if code != 0 || !strings.Contains(out, "would delete 1 posts") {
		t.Errorf("dry run: %d %s %s", code, out, errs)
	}
	code, out, _ = evRun("evidence", "retain", "--db", path, "--before", "2026-06-01", "--reason", "保存期满", "--keep", "confirmed")
	if code != 0 || !strings.Contains(out, "deleted 2 posts (1 hits) and 1 captures") {
		t.Errorf("retain: %d %s", code, out)
	}
	if code, out, _ := evRun("evidence", "verify", "--db", path); code != 0 {
		t.Errorf("verify after retention: %s", out)
	}
}
