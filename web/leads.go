package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/evidence"
	"github.com/guazheng/guazheng/web/leadlist"
	"github.com/guazheng/guazheng/web/network"
)

// maxExportHits bounds one export of selected hits.
const maxExportHits = 500

// leadExport is what one export is about.
type leadExport struct {
	object string // audit object, e.g. network:ab12…, hits:3,5
	name   string // file name stem (ASCII)
	title  string // heading of the list
	hitIDs []int64
	lead   *network.Lead
}

func (s *Server) exportLeads(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := viewerOf(ctx)
	format := r.PostFormValue("format")
	if format != "package" && format != "xlsx" && format != "csv" {
		s.errorPage(w, r, http.StatusBadRequest, "未知导出格式。")
		return
	}
	var ex leadExport
	if id := r.PostFormValue("network"); id != "" {
		leads, err := s.leads(ctx, 1)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		l, ok := network.Find(leads, id)
		if !ok {
			s.errorPage(w, r, http.StatusNotFound, "该团伙不存在（关联关系可能已变化），请从团伙列表重新打开。")
			return
		}
		ex = leadExport{object: "network:" + l.ID, name: "network-" + l.ID, title: "关联团伙 " + l.ID + " 线索清单",
			hitIDs: l.HitIDs(), lead: &l}
	} else {
		ids, _, err := selected(r)
		if err != nil || len(ids) == 0 || len(ids) > maxExportHits {
			s.flashRedirect(w, r, back(r, "/queue"), fmt.Sprintf("请勾选 1 至 %d 条线索再导出。", maxExportHits), false)
			return
		}
		strs := make([]string, len(ids))
		for i, id := range ids {
			strs[i] = strconv.FormatInt(id, 10)
		}
		ex = leadExport{object: "hits:" + strings.Join(strs, ","), name: "hits-" + strs[0], title: "所选线索清单", hitIDs: ids}
		if len(ids) > 1 {
			ex.name += fmt.Sprintf("-and-%d", len(ids)-1)
		}
	}
	var rows []guazheng.HitExport
	if len(ex.hitIDs) > 0 {
		err := s.store.ExportHits(ctx, guazheng.HitFilter{IDs: ex.hitIDs, Sort: "id"}, func(e guazheng.HitExport) error {
			rows = append(rows, e)
			return nil
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(rows) == 0 {
		s.errorPage(w, r, http.StatusNotFound, "没有可导出的线索。")
		return
	}
	now := s.now()
	stamp := now.In(s.loc).Format("20060102-1504")
	var buf bytes.Buffer
	var ctype, ext string
	var manifests []string
	var err error
	switch format {
	case "csv":
		ctype, ext = "text/csv; charset=utf-8", "csv"
		err = leadlist.WriteCSV(&buf, rows, s.loc)
	case "xlsx":
		ctype, ext = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
		err = leadlist.WriteXLSX(&buf, ex.title, rows, s.loc)
	case "package":
		ctype, ext = "application/zip", "zip"
		manifests, err = s.writePackage(ctx, &buf, ex, rows, v.Name, now)
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("export %s as %s: %w", ex.object, format, err))
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	ids := make([]int64, len(rows))
	for i, e := range rows {
		ids[i] = e.ID
	}
	if _, err := s.store.Audit().Append(ctx, v.Name, "export", ex.object, map[string]any{"format": format, "hits": ids,
		"sha256": hex.EncodeToString(sum[:]), "bytes": buf.Len(), "evidence_manifests": manifests, "via": "web"}); err != nil {
		s.fail(w, r, fmt.Errorf("export %s: audit: %w", ex.object, err))
		return
	}
	name := fmt.Sprintf("lead-%s-%s.%s", ex.name, stamp, ext)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, name,
		url.PathEscape("线索-"+ex.name+"-"+stamp+"."+ext)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}

// writePackage writes the lead package: the evidence package(s) of
// store/evidence, the list as XLSX and CSV, and a note. It returns the
// manifest digests of the evidence packages.
func (s *Server) writePackage(ctx context.Context, buf *bytes.Buffer, ex leadExport, rows []guazheng.HitExport, actor string, now time.Time) ([]string, error) {
	zw := zip.NewWriter(buf)
	add := func(name string, b []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		_, err = f.Write(b)
		return err
	}
	opts := evidence.ExportOptions{Actor: actor, SignKey: s.cfg.EvidenceSignKey, TSA: s.cfg.EvidenceTSA, Now: s.now}
	var manifests []string
	var files []string
	exportOne := func(name string, st evidence.ExportStore, sel evidence.Selection) error {
		var eb bytes.Buffer
		res, err := evidence.Export(ctx, st, sel, &eb, opts)
		if errors.Is(err, evidence.ErrNothing) {
			return nil
		}
		if err != nil {
			return err
		}
		manifests = append(manifests, res.ManifestSHA256)
		files = append(files, name+"（manifest.json SHA-256："+res.ManifestSHA256+"）")
		return add(name, eb.Bytes())
	}
	if ex.lead != nil {
		refs := make([]guazheng.PostRef, len(ex.lead.Items))
		for i, p := range ex.lead.Items {
			refs[i] = p.PostRef
		}
		sel := evidence.Selection{Posts: refs, Name: "network:" + ex.lead.ID, Title: "关联团伙 " + ex.lead.ID}
		if err := exportOne("evidence/团伙-"+ex.lead.ID+".zip", s.store, sel); err != nil {
			return nil, err
		}
	} else {
		for _, e := range rows {
			if err := exportOne(fmt.Sprintf("evidence/线索-%d.zip", e.ID), s.store, evidence.Selection{HitID: e.ID}); err != nil {
				return nil, err
			}
		}
	}
	var x, c bytes.Buffer
	if err := leadlist.WriteXLSX(&x, ex.title, rows, s.loc); err != nil {
		return nil, err
	}
	if err := leadlist.WriteCSV(&c, rows, s.loc); err != nil {
		return nil, err
	}
	if err := add("线索清单.xlsx", x.Bytes()); err != nil {
		return nil, err
	}
	if err := add("线索清单.csv", c.Bytes()); err != nil {
		return nil, err
	}
	var note strings.Builder
	fmt.Fprintf(&note, "线索包说明\r\n==========\r\n\r\n本材料为线索，非正式证据。内容为网络巡查系统自动抓取的公开信息及规则研判结果，\r\n")
	fmt.Fprintf(&note, "供公安机关、人力资源社会保障部门核查参考；请自行核实、依法调取和固定证据。\r\n\r\n")
	fmt.Fprintf(&note, "范围：%s\r\n导出人：%s\r\n导出时间：%s（北京时间）\r\n线索数：%d\r\n\r\n", ex.title, actor,
		now.In(s.loc).Format("2006-01-02 15:04:05"), len(rows))
	note.WriteString("文件：\r\n  线索清单.xlsx / 线索清单.csv — 每条线索一行（CSV 为 UTF-8，以 ' 开头的单元格为防公式注入而加）\r\n")
	for _, f := range files {
		fmt.Fprintf(&note, "  %s — 证据包：原始抓取记录（WARC）、正文、清单与哈希，解压后按其中 说明.txt 用 sha256sum -c SHA256SUMS 校验\r\n", f)
	}
	if err := add("说明.txt", []byte(note.String())); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return manifests, nil
}
