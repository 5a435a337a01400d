package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/guazheng/guazheng/web/report"
)

func (s *Server) reportOptions() report.Options {
	return report.Options{Unit: s.cfg.Unit, Location: s.loc, Now: s.now}
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	files, err := s.reports.List()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prev := report.PreviousMonth(s.now(), s.loc)
	s.render(w, r, "reports", "月度汇总表", map[string]any{"Files": files, "Default": prev.Format("2006-01"),
		"Title": report.Title, "Unit": s.cfg.Unit})
}

func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request) {
	fh, f, err := s.reports.Open(r.PathValue("name"))
	if errors.Is(err, report.ErrBadName) || isNotExist(err) {
		s.errorPage(w, r, http.StatusNotFound, "汇总表不存在。")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer fh.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, f.Name, url.PathEscape(f.DownloadName())))
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	io.Copy(w, fh)
}

func (s *Server) reportGenerate(w http.ResponseWriter, r *http.Request) {
	month, err := report.ParseMonth(r.PostFormValue("month"), s.loc)
	if err != nil {
		s.flashRedirect(w, r, "/reports", "月份格式应为 年-月，例如 2026-03。", false)
		return
	}
	if month.After(s.now()) {
		s.flashRedirect(w, r, "/reports", "不能生成未来月份的汇总表。", false)
		return
	}
	f, err := s.reports.Generate(r.Context(), s.store, month, s.reportOptions())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := viewerOf(r.Context())
	if _, err := s.store.Audit().Append(r.Context(), v.Name, "report", "report:"+month.Format("2006-01"),
		map[string]any{"file": f.Name, "bytes": f.Size}); err != nil {
		s.log.Error("audit report", "err", err)
	}
	s.flashRedirect(w, r, "/reports", fmt.Sprintf("已生成 %d年%d月 汇总表。", month.Year(), int(month.Month())), true)
}
