package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/guazheng/guazheng"
)

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestNetworks(t *testing.T) {
	f := newFixture(t, nil)
	c := f.as(RolePolice)
	resp := c.get("/networks")
	ids := regexp.MustCompile(`class="network-row"><td><a href="/networks/([0-9a-f]+)"`).FindAllStringSubmatch(resp.body, -1)
	if len(ids) != 2 {
		t.Fatalf("networks listed: %d\n%s", len(ids), resp.body)
	}
	// Largest first: network A has three posts on three sites.
	page := c.get("/networks/" + ids[0][1])
	for _, want := range []string{"13800000001", "gz_a", "gcyc、jzsforum、zhucai", "一级建造师/市政",
		fmt.Sprintf(`href="/hits/%d"`, f.hits["a3"]), `id="export-package"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("network page lacks %q", want)
		}
	}
	// Singletons appear with min=1 (the hostile ad is its own network).
	if n := len(regexp.MustCompile(`class="network-row"`).FindAllString(c.get("/networks?min=1").body, -1)); n != 3 {
		t.Errorf("min=1: %d networks", n)
	}
	if resp := c.get("/networks/ffffffffffffffff"); resp.code != 404 {
		t.Errorf("unknown network: %d", resp.code)
	}
}

func TestExportLeadPackage(t *testing.T) {
	f := newFixture(t, nil)
	c := f.as(RolePolice)
	body := c.get("/networks").body
	id := regexp.MustCompile(`href="/networks/([0-9a-f]+)"`).FindStringSubmatch(body)[1]
	resp := c.postCSRF("/leads/export", url.Values{"network": {id}, "format": {"package"}})
	if resp.code != 200 || resp.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", resp.code, resp.body)
	}
	if cd := resp.header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "network-"+id) {
		t.Errorf("disposition %q", cd)
	}
	files := unzip(t, []byte(resp.body))
	for _, name := range []string{"说明.txt", "线索清单.xlsx", "线索清单.csv", "evidence/团伙-" + id + ".zip"} {
		if _, ok := files[name]; !ok {
			t.Errorf("package lacks %s (has %v)", name, keys(files))
		}
	}
	// The evidence package covers every post of the network, and its hashes hold.
	ev := unzip(t, files["evidence/团伙-"+id+".zip"])
	var m struct {
		Posts []int64 `json:"posts"`
		Files []struct {
			Path, SHA256 string
		} `json:"files"`
	}
	if err := json.Unmarshal(ev["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Posts) != 3 {
		t.Errorf("evidence posts %v, want the network's 3", m.Posts)
	}
	for _, mf := range m.Files {
		sum := sha256.Sum256(ev[mf.Path])
		if hex.EncodeToString(sum[:]) != mf.SHA256 {
			t.Errorf("%s: hash mismatch", mf.Path)
		}
	}
	// The list has the network's three hits.
	x, err := excelize.OpenReader(bytes.NewReader(files["线索清单.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("线索清单")
	if len(rows) != 6 {
		t.Errorf("xlsx rows %d", len(rows))
	}
	if strings.Count(string(files["线索清单.csv"]), "\r\n") != 4 {
		t.Errorf("csv:\n%s", files["线索清单.csv"])
	}
	// Audited: the web export and the evidence package.
	es, err := f.db.Audit().List(context.Background(), guazheng.AuditFilter{Action: "export"})
	if err != nil {
		t.Fatal(err)
	}
	var web, evidence bool
	for _, e := range es {
		if e.Object == "network:"+id && e.Actor == "u-police" && strings.Contains(string(e.Details), `"format":"package"`) {
			web = true
		}
		// the package itself, written by store/evidence for the network's posts
		if e.Object == "network:"+id && e.Actor == "u-police" && strings.Contains(string(e.Details), `"manifest_sha256"`) {
			evidence = true
		}
	}
	if !web || !evidence {
		t.Errorf("audit: web %v evidence %v in %+v", web, evidence, es)
	}
	// Selected hits as XLSX, audited too.
	resp = c.postCSRF("/leads/export", url.Values{"hit": {fmt.Sprintf("%d:1", f.hits["b1"]), fmt.Sprint(f.hits["b2"])}, "format": {"xlsx"}})
	if resp.code != 200 || !strings.HasPrefix(resp.body, "PK") {
		t.Fatalf("xlsx export: %d", resp.code)
	}
	es, _ = f.db.Audit().List(context.Background(), guazheng.AuditFilter{Object: "hits:" + ids(f.hits["b1"], f.hits["b2"])})
	if len(es) != 1 {
		t.Errorf("hits export audit: %+v", es)
	}
	// Reviewers cannot export.
	if resp := f.as(RoleReviewer).postCSRF("/leads/export", url.Values{"network": {id}, "format": {"csv"}}); resp.code != 403 {
		t.Errorf("reviewer export: %d", resp.code)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
