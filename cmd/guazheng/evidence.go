package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/csvsafe"
	"github.com/guazheng/guazheng/store/evidence"
	"github.com/guazheng/guazheng/store/sqlite"
)

// openStore opens the evidence store at path; readOnly opens without
// migrating, repairing or writing WARC files (for verification).
func openStore(ctx context.Context, e *env, path, warcDir string, readOnly bool) (*sqlite.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := sqlite.OpenContext(ctx, path, sqlite.Options{Logger: log, WARCDir: warcDir, ReadOnly: readOnly})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

func runEvidence(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "verify":
		return runEvidenceVerify(ctx, e, args)
	case "export":
		return runEvidenceExport(ctx, e, args)
	case "retain":
		return runEvidenceRetain(ctx, e, args)
	case "audit":
		return runEvidenceAudit(ctx, e, args)
	case "-h", "--help", "help":
		evidenceUsage(e.stderr)
		return nil
	}
	evidenceUsage(e.stderr)
	return fmt.Errorf("%w: unknown evidence subcommand %q", errUsage, sub)
}

func evidenceUsage(w io.Writer) {
	fmt.Fprint(w, `usage: guazheng evidence <subcommand> [flags]

subcommands:
  verify  [--db FILE]                                  re-read every WARC record, recompute digests, check the audit chain
  export  (--hit ID | --contact VALUE) --out FILE.zip  write an evidence package (线索材料)
          [--db FILE] [--tsa URL] [--sign-key FILE]
  retain  --before DATE --reason TEXT [--dry-run]      delete evidence older than DATE (audited)
  audit   [--object OBJ] [--action A] [--limit N]      list audit log entries
`)
}

func runEvidenceVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "evidence verify")
	db := fs.String("db", defaultDB, "SQLite database `FILE`")
	warcDir := fs.String("warc-dir", "", "WARC `DIR` (default: warc/ beside the database)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	s, err := openStore(ctx, e, *db, *warcDir, true)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := evidence.Verify(ctx, s, evidence.VerifyOptions{})
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stdout, "DISCREPANCY %s\n", guazheng.SafeLog(p.String()))
		}
		for _, w := range rep.Warnings {
			fmt.Fprintf(e.stdout, "warning     %s\n", guazheng.SafeLog(w))
		}
		mb := float64(rep.Bytes) / (1 << 20)
		rate := 0.0
		if s := rep.Elapsed.Seconds(); s > 0 {
			rate = mb / s
		}
		fmt.Fprintf(e.stdout, "checked %d WARC files, %d records, %.1f MiB (%.1f MiB uncompressed) in %s (%.0f MiB/s); audit chain of %d entries\n",
			rep.Files, rep.Records, mb, float64(rep.Inflated)/(1<<20), rep.Elapsed.Round(time.Millisecond), rate, rep.Audit)
	}
	if !rep.OK() {
		if !*asJSON {
			fmt.Fprintf(e.stdout, "FAILED: %d discrepancies\n", len(rep.Problems))
		}
		return fmt.Errorf("%d discrepancies found", len(rep.Problems))
	}
	if !*asJSON {
		fmt.Fprintln(e.stdout, "OK: every record matches its digests and the index; the audit chain is intact")
	}
	return nil
}

func runEvidenceExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "evidence export")
	db := fs.String("db", defaultDB, "SQLite database `FILE`")
	warcDir := fs.String("warc-dir", "", "WARC `DIR` (default: warc/ beside the database)")
	hit := fs.Int64("hit", 0, "export the hit with this `ID`")
	contact := fs.String("contact", "", "export every post carrying this contact `VALUE` (phone, WeChat, QQ, e-mail, company)")
	out := fs.String("out", "", "write the package to `FILE.zip`")
	tsa := fs.String("tsa", "", "RFC 3161 time-stamping authority `URL` (optional)")
	signKey := fs.String("sign-key", "", "Ed25519 private key `FILE` (PEM, PKCS #8) to sign the manifest (optional)")
	actor := fs.String("actor", "", "who exports, for the audit log (default: $USER)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*hit == 0) == (*contact == "") || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: give --hit ID or --contact VALUE, and --out FILE.zip", errUsage)
	}
	opts := evidence.ExportOptions{TSA: *tsa, Actor: *actor}
	if opts.Actor == "" {
		opts.Actor = "cli:" + os.Getenv("USER")
	}
	if *signKey != "" {
		k, err := evidence.LoadSignKey(*signKey)
		if err != nil {
			return err
		}
		opts.SignKey = k
	}
	s, err := openStore(ctx, e, *db, *warcDir, false)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := evidence.ExportFile(ctx, s, evidence.Selection{HitID: *hit, Contact: *contact}, *out, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d files, %d posts, %d captures, %d WARC records\n", *out, res.Files,
		len(res.Manifest.Posts), len(res.Manifest.Captures), len(res.Manifest.Records))
	fmt.Fprintf(e.stdout, "manifest.json SHA-256 %s (audit entry #%d)", res.ManifestSHA256, res.AuditSeq)
	if res.Signed {
		fmt.Fprint(e.stdout, ", signed")
	}
	if res.Timestamped {
		fmt.Fprint(e.stdout, ", timestamped")
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// parseDate reads YYYY-MM-DD (midnight, Beijing time) or RFC 3339.
func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.FixedZone("CST", 8*3600))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date %q: want YYYY-MM-DD or RFC 3339", errUsage, s)
	}
	return t, nil
}

func parseStates(s string) ([]guazheng.HitState, error) {
	var out []guazheng.HitState
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		st := guazheng.HitState(p)
		if !st.Valid() {
			return nil, fmt.Errorf("%w: unknown state %q (pending, confirmed, dismissed, referred)", errUsage, p)
		}
		out = append(out, st)
	}
	return out, nil
}

func runEvidenceRetain(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "evidence retain")
	db := fs.String("db", defaultDB, "SQLite database `FILE`")
	warcDir := fs.String("warc-dir", "", "WARC `DIR` (default: warc/ beside the database)")
	before := fs.String("before", "", "delete posts last seen and captures fetched before this `DATE` (YYYY-MM-DD or RFC 3339)")
	keep := fs.String("keep", "pending,confirmed,referred", "keep posts whose hit is in these `STATES` whatever their age")
	reason := fs.String("reason", "", "why (recorded in the audit log; required)")
	actor := fs.String("actor", "", "who, for the audit log (default: $USER)")
	dry := fs.Bool("dry-run", false, "count what would be deleted, delete nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *before == "" || strings.TrimSpace(*reason) == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: --before and --reason are required", errUsage)
	}
	t, err := parseDate(*before)
	if err != nil {
		return err
	}
	states, err := parseStates(*keep)
	if err != nil {
		return err
	}
	if *actor == "" {
		*actor = "cli:" + os.Getenv("USER")
	}
	s, err := openStore(ctx, e, *db, *warcDir, false)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Retain(ctx, guazheng.RetentionPolicy{Before: t, Keep: states, DryRun: *dry}, *actor, *reason)
	if err != nil {
		return err
	}
	verb := "deleted"
	if *dry {
		verb = "would delete"
	}
	fmt.Fprintf(e.stdout, "%s %d posts (%d hits) and %d captures; WARC files removed %d, rewritten %d, %d bytes freed\n",
		verb, res.Posts, res.Hits, res.Captures, len(res.FilesRemoved), len(res.FilesRewritten), res.BytesFreed)
	return nil
}

func runEvidenceAudit(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "evidence audit")
	db := fs.String("db", defaultDB, "SQLite database `FILE`")
	object := fs.String("object", "", "only entries about `OBJ` (e.g. hit:3, capture:12)")
	action := fs.String("action", "", "only entries of this `ACTION` (capture, verdict, hit.state, export, retention …)")
	after := fs.Int64("after", 0, "only entries after sequence `N`")
	limit := fs.Int("limit", 100, "at most `N` entries")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openStore(ctx, e, *db, "", true)
	if err != nil {
		return err
	}
	defer s.Close()
	es, err := s.Audit().List(ctx, guazheng.AuditFilter{Object: *object, Action: *action, AfterSeq: *after, Limit: *limit})
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	for _, en := range es {
		fmt.Fprintf(w, "#%d %s %s %s %s %s hash=%.16s\n", en.Seq, en.Time.Format(time.RFC3339), guazheng.SafeLog(en.Actor),
			en.Action, guazheng.SafeLog(en.Object), guazheng.SafeLog(string(en.Details)), en.Hash)
	}
	return w.Flush()
}

// exportHeader is the header row of `guazheng export --format csv`.
var exportHeader = []string{"编号", "网站", "网址", "帖子标识", "标题", "正文（最新版本）", "首次发现（北京时间）",
	"最后发现（北京时间）", "删除时间（北京时间）", "版本数", "角色", "得分", "命中规则", "电话", "微信", "QQ", "证书",
	"审核状态", "响应内容SHA-256"}

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export")
	db := fs.String("db", defaultDB, "SQLite database `FILE`")
	format := fs.String("format", "jsonl", "output format: jsonl or csv")
	out := fs.String("out", "", "write to `FILE` (default: standard output)")
	states := fs.String("state", "", "only hits in these comma-separated `STATES` (pending, confirmed, dismissed, referred)")
	site := fs.String("site", "", "only hits of this `SITE`")
	actor := fs.String("actor", "", "who exports, for the audit log (default: $USER)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: --format must be jsonl or csv", errUsage)
	}
	st, err := parseStates(*states)
	if err != nil {
		return err
	}
	if *actor == "" {
		*actor = "cli:" + os.Getenv("USER")
	}
	s, err := openStore(ctx, e, *db, "", false)
	if err != nil {
		return err
	}
	defer s.Close()
	w := e.stdout
	var f *os.File
	if *out != "" {
		f, err = os.Create(*out)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer f.Close()
		w = f
	}
	n, err := writeHits(ctx, s, guazheng.HitFilter{States: st, Site: *site}, *format, w)
	if err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if _, err := s.Audit().Append(ctx, *actor, "export.hits", "hits", map[string]any{
		"format": *format, "rows": n, "states": st, "site": *site, "out": *out}); err != nil {
		return fmt.Errorf("export: audit: %w", err)
	}
	if *out != "" {
		fmt.Fprintf(e.stderr, "wrote %d hits to %s\n", n, *out)
	}
	return nil
}

// writeHits writes the hits matching f as JSON lines or Excel-safe CSV.
func writeHits(ctx context.Context, s guazheng.HitStore, f guazheng.HitFilter, format string, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	n := 0
	var err error
	if format == "csv" {
		cw := csvsafe.NewWriter(bw)
		cw.Write(exportHeader)
		cst := time.FixedZone("CST", 8*3600)
		at := func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(cst).Format("2006-01-02 15:04:05")
		}
		j := func(s []string) string { return strings.Join(s, "；") }
		err = s.ExportHits(ctx, f, func(h guazheng.HitExport) error {
			n++
			return cw.Write([]string{strconv.FormatInt(h.ID, 10), h.Site, h.URL, h.PostKey, h.Title, h.Text,
				at(h.FirstSeen), at(h.LastSeen), at(h.TakenDown), strconv.Itoa(h.Versions), h.Role.Chinese(),
				strconv.FormatFloat(h.Score, 'f', 2, 64), j(h.Rules), j(h.Phones), j(h.WeChat), j(h.QQ), j(h.Certs),
				h.State.Chinese(), h.ResponseSHA256})
		})
		if ferr := cw.Flush(); err == nil {
			err = ferr
		}
	} else {
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		err = s.ExportHits(ctx, f, func(h guazheng.HitExport) error {
			n++
			return enc.Encode(h)
		})
	}
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

var _ = errors.New
