package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

// DefaultKeep are the hit states whose posts a retention run keeps when the
// policy names none: everything not yet dismissed.
var DefaultKeep = []guazheng.HitState{guazheng.HitPending, guazheng.HitConfirmed, guazheng.HitReferred}

// Retain deletes posts last seen before p.Before (unless their hit is in a
// kept state) and captures fetched before p.Before that no remaining post
// refers to, with their WARC records: a WARC file left without records is
// removed, one with some left is rewritten (kept records copied byte for
// byte) and the old file removed. The run is recorded in the audit log with
// actor and reason. This is the only code path that deletes evidence.
func (db *DB) Retain(ctx context.Context, p guazheng.RetentionPolicy, actor, reason string) (guazheng.RetentionResult, error) {
	var res guazheng.RetentionResult
	if p.Before.IsZero() {
		return res, errors.New("retention: no cut-off time")
	}
	if actor == "" || strings.TrimSpace(reason) == "" {
		return res, errors.New("retention: actor and reason are required")
	}
	if db.ev == nil {
		return res, errors.New("retention: store opened read-only")
	}
	keep := p.Keep
	if len(keep) == 0 {
		keep = DefaultKeep
	}
	keepArgs := make([]any, len(keep))
	for i, s := range keep {
		keepArgs[i] = string(s)
	}
	before := tsMust(p.Before)

	// No capture may be written while files are rewritten.
	db.ev.mu.Lock()
	defer db.ev.mu.Unlock()
	db.ev.forget()
	if err := db.ev.w.Close(); err != nil {
		return res, fmt.Errorf("retention: close current WARC file: %w", err)
	}

	var oldFiles []string
	var newFiles []string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		steps := []struct {
			q    string
			args []any
		}{
			{`CREATE TEMP TABLE IF NOT EXISTS ret_posts(id INTEGER PRIMARY KEY)`, nil},
			{`CREATE TEMP TABLE IF NOT EXISTS ret_captures(id INTEGER PRIMARY KEY)`, nil},
			{`DELETE FROM ret_posts`, nil},
			{`DELETE FROM ret_captures`, nil},
			{`INSERT INTO ret_posts SELECT p.id FROM posts p WHERE p.last_seen < ?
			  AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.post_id = p.id AND h.state IN (` + placeholders(len(keep)) + `))`,
				append([]any{before}, keepArgs...)},
			{`INSERT INTO ret_captures SELECT c.id FROM captures c WHERE c.fetched_at < ?
			  AND NOT EXISTS (SELECT 1 FROM post_captures pc WHERE pc.capture_id = c.id AND pc.post_id NOT IN (SELECT id FROM ret_posts))
			  AND NOT EXISTS (SELECT 1 FROM post_versions v WHERE v.capture_id = c.id AND v.post_id NOT IN (SELECT id FROM ret_posts))
			  AND NOT EXISTS (SELECT 1 FROM verdicts d WHERE d.capture_id = c.id AND d.post_id NOT IN (SELECT id FROM ret_posts))
			  AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.taken_down_by = c.id AND p.id NOT IN (SELECT id FROM ret_posts))`,
				[]any{before}},
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
				return fmt.Errorf("retention: select: %w", err)
			}
		}
		for _, c := range []struct {
			q   string
			dst *int
		}{
			{`SELECT count(*) FROM ret_posts`, &res.Posts},
			{`SELECT count(*) FROM ret_captures`, &res.Captures},
			{`SELECT count(*) FROM hits WHERE post_id IN (SELECT id FROM ret_posts)`, &res.Hits},
		} {
			if err := tx.QueryRowContext(ctx, c.q).Scan(c.dst); err != nil {
				return fmt.Errorf("retention: count: %w", err)
			}
		}
		// Files touched, and what stays in each.
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT f.id, f.name, f.warcinfo_id FROM warc_files f JOIN warc_records r ON r.file_id = f.id
			WHERE r.capture_id IN (SELECT id FROM ret_captures)`)
		if err != nil {
			return fmt.Errorf("retention: files: %w", err)
		}
		type file struct {
			id         int64
			name, info string
		}
		var files []file
		for rows.Next() {
			var f file
			if err := rows.Scan(&f.id, &f.name, &f.info); err != nil {
				rows.Close()
				return err
			}
			files = append(files, f)
		}
		rows.Close()
		if p.DryRun {
			for _, f := range files {
				res.FilesRewritten = append(res.FilesRewritten, f.name)
			}
			return errDryRun
		}
		dels := []string{
			`UPDATE posts SET latest_version = NULL, latest_verdict = NULL WHERE id IN (SELECT id FROM ret_posts)`,
			`DELETE FROM post_entities WHERE post_id IN (SELECT id FROM ret_posts)`,
			`DELETE FROM verdicts WHERE post_id IN (SELECT id FROM ret_posts)`,
			`DELETE FROM hit_notes WHERE hit_id IN (SELECT id FROM hits WHERE post_id IN (SELECT id FROM ret_posts))`,
			`DELETE FROM hit_history WHERE hit_id IN (SELECT id FROM hits WHERE post_id IN (SELECT id FROM ret_posts))`,
			`DELETE FROM hits WHERE post_id IN (SELECT id FROM ret_posts)`,
			`DELETE FROM post_captures WHERE post_id IN (SELECT id FROM ret_posts) OR capture_id IN (SELECT id FROM ret_captures)`,
			`DELETE FROM post_versions WHERE post_id IN (SELECT id FROM ret_posts)`,
			`DELETE FROM posts WHERE id IN (SELECT id FROM ret_posts)`,
			`DELETE FROM entities WHERE NOT EXISTS (SELECT 1 FROM post_entities pe WHERE pe.entity_id = entities.id)`,
			`DELETE FROM warc_records WHERE capture_id IN (SELECT id FROM ret_captures)`,
			`DELETE FROM captures WHERE id IN (SELECT id FROM ret_captures)`,
		}
		for _, q := range dels {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("retention: delete: %w", err)
			}
		}
		for _, f := range files {
			rows, err := tx.QueryContext(ctx, `SELECT id, offset, length FROM warc_records WHERE file_id = ? ORDER BY offset`, f.id)
			if err != nil {
				return fmt.Errorf("retention: records of %s: %w", f.name, err)
			}
			var ids []int64
			var spans []warc.Span
			for rows.Next() {
				var id int64
				var s warc.Span
				if err := rows.Scan(&id, &s.Offset, &s.Length); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
				spans = append(spans, s)
			}
			rows.Close()
			path := filepath.Join(db.opts.WARCDir, f.name)
			st, err := os.Stat(path)
			if errors.Is(err, os.ErrNotExist) {
				// Nothing to rewrite; verification reports the missing file
				// while records remain indexed in it.
				db.log.Warn("retention: WARC file missing", "file", f.name)
				if len(spans) == 0 {
					if _, err := tx.ExecContext(ctx, `DELETE FROM warc_files WHERE id = ?`, f.id); err != nil {
						return fmt.Errorf("retention: %w", err)
					}
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("retention: %w", err)
			}
			// A file another process still appends to must not be replaced
			// under it.
			if free, err := warc.TryLock(path); err != nil {
				return fmt.Errorf("retention: %w", err)
			} else if !free {
				return fmt.Errorf("retention: WARC file %s is being written by another process (a running crawl or daemon); stop it and retry", f.name)
			}
			oldFiles = append(oldFiles, f.name)
			res.BytesFreed += st.Size()
			if len(spans) == 0 {
				if _, err := tx.ExecContext(ctx, `DELETE FROM warc_files WHERE id = ?`, f.id); err != nil {
					return fmt.Errorf("retention: %w", err)
				}
				res.FilesRemoved = append(res.FilesRemoved, f.name)
				continue
			}
			info, offs, err := warc.Rewrite(warc.WriterOptions{Dir: db.opts.WARCDir, Software: "guazheng/" + guazheng.Version,
				Level: db.opts.GzipLevel, Now: db.now}, f.name, f.info, spans)
			if err != nil {
				return err
			}
			newFiles = append(newFiles, info.Name)
			end := info.InfoLength
			for i, id := range ids {
				if _, err := tx.ExecContext(ctx, `UPDATE warc_records SET offset = ? WHERE id = ?`, offs[i], id); err != nil {
					return fmt.Errorf("retention: %w", err)
				}
				end = offs[i] + spans[i].Length
			}
			if _, err := tx.ExecContext(ctx, `UPDATE warc_files SET name = ?, created = ?, info_length = ?, size = ? WHERE id = ?`,
				info.Name, tsMust(info.Created), info.InfoLength, end, f.id); err != nil {
				return fmt.Errorf("retention: %w", err)
			}
			res.BytesFreed -= end
			res.FilesRewritten = append(res.FilesRewritten, f.name+" → "+info.Name)
		}
		_, err = appendAudit(ctx, tx, db.now(), actor, "retention", "store", map[string]any{
			"before": p.Before.UTC(), "keep": keep, "reason": reason, "posts": res.Posts, "captures": res.Captures,
			"hits": res.Hits, "files_removed": res.FilesRemoved, "files_rewritten": res.FilesRewritten})
		return err
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		for _, n := range newFiles {
			os.Remove(filepath.Join(db.opts.WARCDir, n))
		}
		return guazheng.RetentionResult{}, err
	}
	for _, n := range oldFiles {
		if err := os.Remove(filepath.Join(db.opts.WARCDir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.log.Warn("retention: could not remove old WARC file", "file", n, "err", err)
		}
	}
	db.log.Info("retention run", "actor", actor, "posts", res.Posts, "captures", res.Captures,
		"files_removed", len(res.FilesRemoved), "files_rewritten", len(res.FilesRewritten))
	return res, nil
}

var errDryRun = errors.New("dry run")
