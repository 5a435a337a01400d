// Package leadlist writes the list of a lead package — one row per hit, with
// where and when it was seen, what it says, its contacts and the hash of the
// captured response — as XLSX and as Excel-safe CSV. Every cell is text
// written by the people under investigation: XLSX cells are plain strings
// (never formulas) and CSV cells are escaped by csvsafe.
package leadlist

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/csvsafe"
)

// Columns are the headings, in order.
var columns = []string{"线索编号", "网站", "网址", "帖子标识", "标题", "正文", "首次发现", "最后发现", "下线时间", "版本数",
	"发布者角色", "得分", "命中规则", "电话", "微信", "QQ", "证书", "审核状态", "页面SHA-256"}

// Columns returns the headings.
func Columns() []string { return append([]string(nil), columns...) }

func ts(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// Row renders one hit; times in loc.
func Row(e guazheng.HitExport, loc *time.Location) []string {
	return []string{fmt.Sprint(e.ID), e.Site, e.URL, e.PostKey, e.Title, e.Text, ts(e.FirstSeen, loc), ts(e.LastSeen, loc),
		ts(e.TakenDown, loc), fmt.Sprint(e.Versions), e.Role.Chinese(), fmt.Sprintf("%.2f", e.Score), strings.Join(e.Rules, "、"),
		strings.Join(e.Phones, "、"), strings.Join(e.WeChat, "、"), strings.Join(e.QQ, "、"), strings.Join(e.Certs, "、"),
		e.State.Chinese(), e.ResponseSHA256}
}

// WriteCSV writes the rows as CSV with a UTF-8 BOM, formula cells escaped.
func WriteCSV(w io.Writer, rows []guazheng.HitExport, loc *time.Location) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return err
	}
	for _, e := range rows {
		if err := cw.Write(Row(e, loc)); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// WriteXLSX writes the rows as a workbook with one sheet 线索清单, headed
// by title and a note that the list is a lead, not evidence.
func WriteXLSX(w io.Writer, title string, rows []guazheng.HitExport, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "线索清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	widths := []float64{8, 12, 40, 30, 36, 60, 18, 18, 18, 6, 10, 6, 30, 16, 16, 12, 24, 8, 20}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	put := func(row int, values []string, style int) error {
		cells := make([]any, len(values))
		for i, v := range values {
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, cells)
	}
	if err := put(1, []string{title}, bold); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := put(2, []string{"本清单为网络巡查线索，非正式证据；请接收单位自行核实、依法调取和固定证据。"}, 0); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := put(3, columns, bold); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i, e := range rows {
		if err := put(i+4, Row(e, loc), 0); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}
