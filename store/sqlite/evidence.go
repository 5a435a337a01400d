package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

// evidence holds the WARC writer. Its mutex orders WARC writes with the
// commits that index them, so a file's indexed end only grows.
type evidence struct {
	mu sync.Mutex
	w  *warc.Writer
	// The id of the file being written, cached (under mu).
	curName string
	curID   int64
}

// fileID returns the id of the indexed WARC file name (under mu).
func (e *evidence) fileID(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	if name == e.curName && e.curID != 0 {
		return e.curID, nil
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM warc_files WHERE name = ?`, name).Scan(&id); err != nil {
		return 0, fmt.Errorf("WARC file %s: %w", name, err)
	}
	e.curName, e.curID = name, id
	return id, nil
}

// forget drops the cached file id (after a rolled-back transaction, which
// may have rolled back the file's row).
func (e *evidence) forget() { e.curName, e.curID = "", 0 }

func (e *evidence) close() error { return e.w.Close() }

// openEvidence prepares the WARC writer and repairs files left by a crash:
// bytes after the last indexed record of a file (a torn member, or records
// whose index was never committed) are cut off, unless another process is
// still writing that file.
func (db *DB) openEvidence(ctx context.Context) error {
	if err := os.MkdirAll(db.opts.WARCDir, 0o755); err != nil {
		return fmt.Errorf("create WARC directory: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT name, size FROM warc_files`)
	if err != nil {
		return fmt.Errorf("list WARC files: %w", err)
	}
	type file struct {
		name string
		size int64
	}
	var files []file
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.name, &f.size); err != nil {
			rows.Close()
			return fmt.Errorf("list WARC files: %w", err)
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list WARC files: %w", err)
	}
	known := map[string]bool{}
	for _, f := range files {
		known[f.name] = true
		path := filepath.Join(db.opts.WARCDir, f.name)
		n, err := warc.Repair(path, f.size)
		switch {
		case errors.Is(err, os.ErrNotExist):
			db.log.Warn("indexed WARC file is missing", "file", path)
		case err != nil:
			db.log.Info("WARC file not repaired", "file", path, "err", err)
		case n > 0:
			db.log.Warn("WARC file had unindexed bytes at its end (torn or uncommitted records); cut them off",
				"file", path, "bytes", n, "indexed_end", f.size)
		}
	}
	// Files never indexed: created by a process killed before its first
	// commit. They are left alone and reported by verification.
	entries, _ := os.ReadDir(db.opts.WARCDir)
	for _, e := range entries {
		if !e.IsDir() && filepath.Ext(e.Name()) == ".gz" && !known[e.Name()] {
			db.log.Warn("WARC file not in the index", "file", filepath.Join(db.opts.WARCDir, e.Name()))
		}
	}
	db.ev = &evidence{w: warc.NewWriter(warc.WriterOptions{
		Dir:      db.opts.WARCDir,
		MaxSize:  db.opts.WARCMaxSize,
		Software: "guazheng/" + guazheng.Version,
		Info:     []warc.Field{{Name: "description", Value: "guazheng captures of online 挂证 advertisements (leads, 线索)"}},
		Level:    db.opts.GzipLevel,
		Sync:     db.opts.Durable,
		Now:      db.now,
	})}
	return nil
}
