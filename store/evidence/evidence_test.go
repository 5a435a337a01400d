package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/sqlite"
	gowarc "github.com/nlnwa/gowarc/v3"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func page(i int) []byte {
	var b strings.Builder
	b.WriteString("<html><head><title>招聘</title></head><body>")
	for j := 0; b.Len() < 20000; j++ {
		fmt.Fprintf(&b, "<p>第%d页第%d条 高价收一级建造师 挂靠 无社保 电话1380013%04d</p>\n", i, j, (i*131+j)%10000)
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

func capture(site, url string, at time.Time, body []byte) *guazheng.Capture {
	return &guazheng.Capture{Site: site, Method: "GET", URL: url, FinalURL: url, Proto: "HTTP/1.1",
		RequestHeader: http.Header{"User-Agent": {"guazheng/test"}}, Status: 200,
		ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: body,
		ServerIP: "127.0.0.1", FetchedAt: at}
}

func verdict(phone string) guazheng.Verdict {
	return guazheng.Verdict{Flagged: true, Role: guazheng.RoleBroker, Score: 8, RuleSet: "rs-1",
		Rules:    []guazheng.FiredRule{{Rule: "guakao", Score: 8, Description: "挂靠", Spans: []guazheng.Span{{Field: "text", Start: 0, End: 6, Text: "挂靠"}}}},
		Entities: guazheng.Entities{Phones: []string{phone}, Certs: []guazheng.Cert{{Name: "一级建造师", Specialty: "市政"}}}}
}

// fixture builds a store with three captures of two flagged posts sharing a
// phone, one changed and taken down, plus a clean post.
func fixture(t *testing.T, maxSize int64) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "guazheng.db")
	db, err := sqlite.Open(path, sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), WARCMaxSize: maxSize})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	in := func(c *guazheng.Capture, cps ...guazheng.ClassifiedPost) {
		if _, err := db.Ingest(ctx, c, cps); err != nil {
			t.Fatal(err)
		}
	}
	p := func(key, title, text string) guazheng.Post {
		return guazheng.Post{Site: "jobs", Key: key, URL: key, Title: title, Text: text}
	}
	in(capture("jobs", "http://jobs/1", t0, page(1)), guazheng.ClassifiedPost{Post: p("http://jobs/1", "收一建", "高价收一建 13800138000"), Verdict: verdict("13800138000")})
	in(capture("jobs", "http://jobs/2", t0.Add(time.Hour), page(2)), guazheng.ClassifiedPost{Post: p("http://jobs/2", "出证", "长期出证 13800138000"), Verdict: verdict("13800138000")},
		guazheng.ClassifiedPost{Post: p("http://jobs/2#b", "正常招聘", "五险一金"), Verdict: guazheng.Verdict{RuleSet: "rs-1"}})
	in(capture("jobs", "http://jobs/1", t0.Add(2*time.Hour), page(3)), guazheng.ClassifiedPost{Post: p("http://jobs/1", "收一建", "高价收一建 急 13800138000"), Verdict: verdict("13800138000")})
	gone := capture("jobs", "http://jobs/1", t0.Add(3*time.Hour), []byte("<html>信息已删除</html>"))
	gone.Status = 404
	if _, err := db.TakeDown(ctx, gone); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func TestVerifyIntactAndTampered(t *testing.T) {
	ctx := context.Background()
	type tamper struct {
		name  string
		do    func(t *testing.T, db *sqlite.DB, path string)
		wants []string
	}
	firstFile := func(t *testing.T, db *sqlite.DB) (string, guazheng.IndexedRecord) {
		var resp guazheng.IndexedRecord
		db.WARCRecords(ctx, func(r guazheng.IndexedRecord) error {
			if r.Type == "response" && resp.RecordID == "" {
				resp = r
			}
			return nil
		})
		return filepath.Join(db.WARCDir(), resp.File), resp
	}
	raw := func(t *testing.T, path string, qs ...string) {
		r, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for _, q := range qs {
			if _, err := r.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	cases := []tamper{
		{"intact", func(*testing.T, *sqlite.DB, string) {}, nil},
		{"one byte flipped in a WARC file", func(t *testing.T, db *sqlite.DB, _ string) {
			f, r := firstFile(t, db)
			b, _ := os.ReadFile(f)
			b[r.Offset+r.Length/2] ^= 0x20
			os.WriteFile(f, b, 0o644)
		}, []string{"record "}},
		{"WARC file removed", func(t *testing.T, db *sqlite.DB, _ string) {
			f, _ := firstFile(t, db)
			os.Remove(f)
		}, []string{"WARC file missing"}},
		{"WARC file truncated", func(t *testing.T, db *sqlite.DB, _ string) {
			f, _ := firstFile(t, db)
			st, _ := os.Stat(f)
			os.Truncate(f, st.Size()-10)
		}, []string{"shorter than its indexed", "unreadable"}},
		{"audit row deleted", func(t *testing.T, db *sqlite.DB, path string) {
			raw(t, path, "DROP TRIGGER audit_log_no_delete", "DELETE FROM audit_log WHERE seq = 2")
		}, []string{"audit #2: entry missing", "prev_hash"}},
		{"index digest changed", func(t *testing.T, db *sqlite.DB, path string) {
			raw(t, path, "UPDATE warc_records SET block_digest = 'sha256:00' WHERE id = 2")
		}, []string{"index says sha256:00"}},
		{"capture hash changed in the index", func(t *testing.T, db *sqlite.DB, path string) {
			raw(t, path, "UPDATE captures SET payload_sha256 = 'ab' WHERE id = 1")
		}, []string{"differs from the capture's payload hash"}},
		{"WARC record row removed", func(t *testing.T, db *sqlite.DB, path string) {
			raw(t, path, "DELETE FROM warc_records WHERE id = 3")
		}, []string{"want request, response and metadata"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, path := fixture(t, 1<<20)
			tc.do(t, db, path)
			rep, err := Verify(ctx, db, VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Records != 13 || rep.Files != 1 {
				if tc.name == "intact" {
					t.Errorf("records %d files %d", rep.Records, rep.Files)
				}
			}
			var got []string
			for _, p := range rep.Problems {
				got = append(got, p.String())
			}
			all := strings.Join(got, "\n")
			if len(tc.wants) == 0 && !rep.OK() {
				t.Errorf("problems on intact store:\n%s", all)
			}
			if len(tc.wants) > 0 && rep.OK() {
				t.Errorf("tampering not detected")
			}
			for _, w := range tc.wants {
				if !strings.Contains(all, w) {
					t.Errorf("problems lack %q:\n%s", w, all)
				}
			}
		})
	}
}

// tsaServer is an in-process RFC 3161 TSA with a self-signed certificate.
func tsaServer(t *testing.T) (*httptest.Server, *x509.Certificate) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "guazheng test TSA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil || r.Header.Get("Content-Type") != "application/timestamp-query" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage, Time: time.Now(),
			Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 2, 3, 4, 1}, AddTSACertificate: req.Certificates}
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv, cert
}

func readZip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestExportPackage(t *testing.T) {
	ctx := context.Background()
	db, _ := fixture(t, 1) // one capture per file: a package gathers records from several
	srv, tsaCert := tsaServer(t)
	_, signKey, _ := ed25519.GenerateKey(rand.Reader)
	hits, _, _ := db.ListHits(ctx, guazheng.HitFilter{Sort: "id"})
	if len(hits) != 2 {
		t.Fatalf("hits = %d", len(hits))
	}
	network, err := db.PostsByContact(ctx, "", "13800138000")
	if err != nil || len(network) != 2 {
		t.Fatalf("posts of the contact: %v %v", network, err)
	}
	cases := []struct {
		name        string
		sel         Selection
		opts        ExportOptions
		posts, caps int
		signed, tsr bool
	}{
		{"hit, plain", Selection{HitID: hits[0].ID}, ExportOptions{}, 1, 3, false, false},
		{"set of posts (a network)", Selection{Posts: network, Name: "network:n1", Title: "关联团伙 n1"}, ExportOptions{Actor: "police"}, 2, 4, false, false},
		{"contact, signed and timestamped", Selection{Contact: "13800138000"}, ExportOptions{SignKey: signKey, TSA: srv.URL, Actor: "alice"}, 2, 4, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			res, err := Export(ctx, db, tc.sel, &buf, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			files := readZip(t, buf.Bytes())
			var m Manifest
			if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
				t.Fatal(err)
			}
			if len(m.Posts) != tc.posts || len(m.Captures) != tc.caps || len(m.Records) != 3*tc.caps {
				t.Errorf("posts %d captures %d records %d", len(m.Posts), len(m.Captures), len(m.Records))
			}
			// Every listed file: present, same size and SHA-256, recomputed here.
			listed := map[string]bool{}
			for _, f := range m.Files {
				b, ok := files[f.Path]
				if !ok {
					t.Errorf("%s listed but absent", f.Path)
					continue
				}
				if int64(len(b)) != f.Size || hexSHA(b) != f.SHA256 {
					t.Errorf("%s: size %d sha %s, manifest %d %s", f.Path, len(b), hexSHA(b), f.Size, f.SHA256)
				}
				listed[f.Path] = true
			}
			for name := range files {
				if !listed[name] && !strings.Contains(strings.Join(m.NotListed, " "), name) {
					t.Errorf("%s in zip but not in the manifest", name)
				}
			}
			// manifest.sha256 and SHA256SUMS.
			if got := hexSHA(files["manifest.json"]); got != res.ManifestSHA256 || string(files["manifest.sha256"]) != got+"  manifest.json\n" {
				t.Errorf("manifest digest %s / %q / %s", got, files["manifest.sha256"], res.ManifestSHA256)
			}
			sums := strings.Split(strings.TrimSpace(string(files["SHA256SUMS"])), "\n")
			if len(sums) != len(m.Files)+1 {
				t.Errorf("SHA256SUMS has %d lines", len(sums))
			}
			for _, l := range sums {
				sum, name, ok := strings.Cut(l, "  ")
				if !ok || hexSHA(files[name]) != sum {
					t.Errorf("SHA256SUMS line %q does not check", l)
				}
			}
			// WARC records: byte-exact copies of the stored members, readable by gowarc.
			for _, r := range m.Records {
				src, err := os.ReadFile(filepath.Join(db.WARCDir(), r.SourceFile))
				if err != nil {
					t.Fatal(err)
				}
				pkg := files[r.PackageFile]
				if !bytes.Equal(pkg[r.PackageOffset:r.PackageOffset+r.Length], src[r.SourceOffset:r.SourceOffset+r.Length]) {
					t.Errorf("record %s is not a byte-exact copy", r.RecordID)
				}
			}
			warcs := 0
			for name, b := range files {
				if !strings.HasPrefix(name, "warc/") {
					continue
				}
				warcs++
				p := filepath.Join(t.TempDir(), "x.warc.gz")
				os.WriteFile(p, b, 0o644)
				r, err := gowarc.NewWarcFileReader(p, 0, gowarc.WithStrictValidation())
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for rec, err := range r.Records() {
					if err != nil {
						t.Fatalf("gowarc %s: %v", name, err)
					}
					if n == 0 && rec.WarcRecord.Type() != gowarc.Warcinfo {
						t.Errorf("%s does not start with warcinfo", name)
					}
					if v, ok := rec.WarcRecord.(interface{ ValidateDigest() ([]error, error) }); ok {
						if vs, err := v.ValidateDigest(); err != nil || len(vs) > 0 {
							t.Errorf("digest: %v %v", vs, err)
						}
					}
					n++
					rec.Close()
				}
				r.Close()
			}
			if warcs < 2 && tc.caps > 2 {
				t.Errorf("expected records from several WARC files, got %d", warcs)
			}
			sum := string(files["summary.txt"])
			if tc.sel.Posts != nil && !strings.Contains(sum, "线索范围：关联团伙 n1（2 条帖子）") {
				t.Errorf("summary does not name the network:\n%s", sum)
			}
			for _, want := range []string{"本材料为线索，非正式证据", "13800138000", "guakao", "一级建造师/市政", "已删除", "待审核", "http://jobs/1"} {
				if !strings.Contains(sum, want) {
					t.Errorf("summary lacks %q", want)
				}
			}
			if !strings.Contains(string(files["说明.txt"]), "sha256sum -c SHA256SUMS") {
				t.Error("说明.txt lacks sha256sum instructions")
			}
			if tc.posts == 1 && len(files["texts/post-1-v2.txt"]) == 0 {
				t.Errorf("texts: %v", keys(files))
			}
			if tc.signed {
				pub := files["manifest.pub.pem"]
				blk, _ := pem.Decode(pub)
				k, err := x509.ParsePKIXPublicKey(blk.Bytes)
				if err != nil || !ed25519.Verify(k.(ed25519.PublicKey), files["manifest.json"], files["manifest.sig"]) {
					t.Errorf("signature does not verify: %v", err)
				}
			}
			if tc.tsr {
				ts, err := timestamp.ParseResponse(files["manifest.tsr"])
				if err != nil {
					t.Fatal(err)
				}
				d := sha256.Sum256(files["manifest.json"])
				if !bytes.Equal(ts.HashedMessage, d[:]) || !ts.Certificates[0].Equal(tsaCert) {
					t.Errorf("timestamp token over the wrong digest or by another TSA")
				}
			}
			// sha256sum itself, where installed, accepts the package.
			if sha, err := exec.LookPath("sha256sum"); err == nil {
				dir := t.TempDir()
				for name, b := range files {
					os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
					os.WriteFile(filepath.Join(dir, name), b, 0o644)
				}
				for _, list := range []string{"SHA256SUMS", "manifest.sha256"} {
					cmd := exec.Command(sha, "-c", "--quiet", list)
					cmd.Dir = dir
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("sha256sum -c %s: %v\n%s", list, err, out)
					}
				}
			}
			// The export is in the audit log.
			es, _ := db.Audit().List(ctx, guazheng.AuditFilter{Action: "export"})
			last := es[len(es)-1]
			if last.Seq != res.AuditSeq || !strings.Contains(string(last.Details), res.ManifestSHA256) || last.Object != tc.sel.object() {
				t.Errorf("audit entry = %+v", last)
			}
		})
	}
	for _, bad := range []Selection{{Posts: network}, {Posts: network, Name: "network:n1", Title: "t", HitID: hits[0].ID}, {}} {
		if _, err := Export(ctx, db, bad, io.Discard, ExportOptions{}); err == nil {
			t.Errorf("selection %+v accepted", bad)
		}
	}
	var alt bytes.Buffer
	if res, err := Export(ctx, db, Selection{Contact: "+86 138-0013-8000"}, &alt, ExportOptions{}); err != nil || len(res.Manifest.Posts) != 2 ||
		res.Manifest.Selection != "contact:13800138000" {
		t.Errorf("export by a phone written with separators: %v", err)
	}
	if _, err := Export(ctx, db, Selection{Contact: "nobody"}, io.Discard, ExportOptions{}); err == nil {
		t.Error("export of nothing succeeded")
	}
	if _, err := Export(ctx, db, Selection{HitID: 999}, io.Discard, ExportOptions{}); err == nil {
		t.Error("export of unknown hit succeeded")
	}
	// A damaged record stops the export.
	var resp guazheng.IndexedRecord
	db.WARCRecords(ctx, func(r guazheng.IndexedRecord) error {
		if r.Type == "response" && r.CaptureID == 1 {
			resp = r
		}
		return nil
	})
	f := filepath.Join(db.WARCDir(), resp.File)
	b, _ := os.ReadFile(f)
	b[resp.Offset+resp.Length-12] ^= 1
	os.WriteFile(f, b, 0o644)
	if _, err := Export(ctx, db, Selection{HitID: hits[0].ID}, io.Discard, ExportOptions{}); err == nil || !strings.Contains(err.Error(), "verify") {
		t.Errorf("export of a damaged record: %v", err)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestLoadSignKey(t *testing.T) {
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	p := filepath.Join(t.TempDir(), "k.pem")
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	got, err := LoadSignKey(p)
	if err != nil || !got.Equal(k) {
		t.Errorf("LoadSignKey = %v", err)
	}
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ = x509.MarshalPKCS8PrivateKey(ek)
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	if _, err := LoadSignKey(p); err == nil {
		t.Error("ECDSA key accepted")
	}
}
