package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/guazheng/guazheng"
)

// maxCell is the longest text a spreadsheet cell holds.
const maxCell = 32000

func cut(s string) string {
	if len(s) <= maxCell {
		return s
	}
	r := []rune(s[:maxCell])
	return string(r[:len(r)-1]) + "…"
}

// Sheet names.
const (
	SheetSummary = "汇总"
	SheetCases   = "处理案件清单"
)

// WriteXLSX writes d as a workbook with the sheets 汇总 and 处理案件清单.
// Every text is written as a string cell, never as a formula.
func WriteXLSX(d *Data, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := f.NewSheet(SheetCases); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	titleStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sectionStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := writeSummary(f, d, titleStyle, headStyle, sectionStyle); err != nil {
		return err
	}
	if err := writeCases(f, d, titleStyle, headStyle); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

func monthLabel(d *Data) string {
	return fmt.Sprintf("%d年%d月", d.Month.Year(), int(d.Month.Month()))
}

func writeSummary(f *excelize.File, d *Data, titleStyle, headStyle, sectionStyle int) error {
	sw, err := f.NewStreamWriter(SheetSummary)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetColWidth(1, 1, 30); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetColWidth(2, 4, 16); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	row := 1
	put := func(values ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, values)
	}
	styled := func(style int, values ...any) error {
		cells := make([]any, len(values))
		for i, v := range values {
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		return put(cells...)
	}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	add(sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: Title}}, excelize.RowOpts{Height: 42}))
	add(sw.MergeCell("A1", "D1"))
	row = 2
	add(put("填报单位："+d.Unit, "统计月份："+monthLabel(d), "填报日期："+d.Generated.Format("2006-01-02")))
	add(put(fmt.Sprintf("统计区间：%s 至 %s（不含）", d.From.Format("2006-01-02"), d.To.Format("2006-01-02")),
		"说明：数据来自网络巡查线索，线索非正式证据，需核实后依法处理"))
	add(put())

	add(styled(sectionStyle, "一、处理情况（按处理结果）"))
	add(styled(headStyle, "处理结果", "本月处理数", "当前累计"))
	handled := 0
	for _, s := range []guazheng.HitState{guazheng.HitConfirmed, guazheng.HitDismissed, guazheng.HitReferred} {
		add(put(s.Chinese(), d.ByState[s], d.Current[s]))
		handled += d.ByState[s]
	}
	add(put("合计", handled, d.Current[guazheng.HitConfirmed]+d.Current[guazheng.HitDismissed]+d.Current[guazheng.HitReferred]))
	add(put("待审核（积压）", "", d.Current[guazheng.HitPending]))
	add(put("本月新发现线索", d.NewHits, ""))
	add(put())

	for _, sec := range []struct {
		title, key string
		rows       []Count
	}{
		{"二、按网站", "网站", d.BySite},
		{"三、按发布者角色", "角色", d.ByRole},
		{"四、按证书类型", "证书类型", d.ByCert},
	} {
		add(styled(sectionStyle, sec.title))
		add(styled(headStyle, sec.key, "本月新发现", "本月处理"))
		if len(sec.rows) == 0 {
			add(put("（无）", 0, 0))
		}
		for _, c := range sec.rows {
			add(put(cut(c.Key), c.New, c.Handled))
		}
		add(put())
	}
	add(styled(sectionStyle, "五、关联团伙（黑中介网络）"))
	add(styled(headStyle, "项目", "数量"))
	add(put("本月移交公安的关联团伙数", d.NetworksReferred))
	add(put())
	add(styled(sectionStyle, "六、投诉举报"))
	add(styled(headStyle, "项目", "数量"))
	add(put("本月收到投诉举报", d.ComplaintsReceived))
	add(put("本月办结投诉举报", d.ComplaintsClosed))
	add(sw.Flush())
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("xlsx: %s: %w", SheetSummary, err)
		}
	}
	return nil
}

// CaseColumns are the headings of the 处理案件清单 sheet.
var CaseColumns = []string{"序号", "处理时间", "处理结果", "审核人", "网站", "网址", "标题", "发布者角色", "证书", "电话", "微信", "QQ", "处理说明", "线索编号"}

func writeCases(f *excelize.File, d *Data, titleStyle, headStyle int) error {
	sw, err := f.NewStreamWriter(SheetCases)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	widths := []float64{6, 18, 10, 10, 12, 40, 40, 10, 24, 16, 16, 12, 30, 10}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	add(sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: Title + "——处理案件清单（" + monthLabel(d) + "）"}}, excelize.RowOpts{Height: 36}))
	add(sw.MergeCell("A1", "N1"))
	add(sw.SetRow("A2", []any{"填报单位：" + d.Unit}))
	head := make([]any, len(CaseColumns))
	for i, c := range CaseColumns {
		head[i] = excelize.Cell{StyleID: headStyle, Value: c}
	}
	add(sw.SetRow("A3", head))
	for i, c := range d.Handled {
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		add(sw.SetRow(cell, []any{i + 1, c.At.Format("2006-01-02 15:04"), c.State.Chinese(), cut(c.Reviewer), cut(c.Site), cut(c.URL),
			cut(c.Title), c.Role.Chinese(), cut(strings.Join(c.Certs, "、")), cut(strings.Join(c.Phones, "、")),
			cut(strings.Join(c.WeChat, "、")), cut(strings.Join(c.QQ, "、")), cut(c.Reason), fmt.Sprintf("%d", c.HitID)}))
	}
	add(sw.Flush())
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("xlsx: %s: %w", SheetCases, err)
		}
	}
	return nil
}
