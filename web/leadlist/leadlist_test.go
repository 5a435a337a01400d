package leadlist

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/csvsafe"
)

var evil = guazheng.HitExport{ID: 7, Site: "jobs", URL: "http://x/1", Title: `=HYPERLINK("http://evil","点我")`,
	Text: "@SUM(1)<script>alert(1)</script>", Phones: []string{"13800000000"}, Role: guazheng.RoleBroker,
	State: guazheng.HitReferred, FirstSeen: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}

func TestCSVInert(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, []guazheng.HitExport{evil}, time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), csvsafe.BOM) {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), csvsafe.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][4] != "'"+evil.Title || recs[1][5] != "'"+evil.Text || recs[1][17] != "已移交" {
		t.Errorf("rows = %q", recs)
	}
}

func TestXLSXInert(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, "线索清单", []guazheng.HitExport{evil}, time.UTC); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue("线索清单", "E4")
	formula, _ := f.GetCellFormula("线索清单", "E4")
	if v != evil.Title || formula != "" {
		t.Errorf("E4 = %q formula %q", v, formula)
	}
	rows, _ := f.GetRows("线索清单")
	if len(rows) != 4 || rows[2][0] != "线索编号" {
		t.Errorf("rows = %q", rows)
	}
}
