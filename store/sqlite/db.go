// Package sqlite is the SQLite implementation of the store: the crawl
// frontier, the run log, the evidence records (captures, post versions,
// verdicts, entities, hits) and the hash-chained audit log. It implements the
// interfaces declared in the root package guazheng.
//
// The database uses WAL, a busy timeout, one writer connection (transactions
// begin IMMEDIATE) and a separate read pool. The schema is applied by numbered
// migrations when the database is opened: an older database upgrades itself,
// a newer one is refused with ErrSchemaTooNew.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/guazheng/guazheng/store/warc"
)

// Options configure Open. The zero value is usable.
type Options struct {
	// WARCDir is where WARC files are written; default: the directory "warc"
	// beside the database file.
	WARCDir string
	// WARCMaxSize rotates WARC files once they reach this size; default 1 GiB.
	WARCMaxSize int64
	// GzipLevel is the compression level of WARC records (1 … 9); default
	// DefaultGzipLevel.
	GzipLevel int
	// BusyTimeout is how long a statement waits for a lock held by another
	// process; default 10s.
	BusyTimeout time.Duration
	// ReadConns is the size of the read pool; default max(4, GOMAXPROCS).
	ReadConns int
	// Durable makes every commit survive power loss: synchronous=FULL and an
	// fsync of the WARC file before its rows are committed. Without it a
	// killed process (kill -9) still loses nothing committed; only an OS crash
	// may lose the last commits.
	Durable bool
	// Logger receives operational messages; default slog.Default().
	Logger *slog.Logger
	// Now is the clock used for audit entries and bookkeeping; default time.Now.
	Now func() time.Time
	// ReadOnly opens without migrating and without a WARC writer (for
	// verification and exports of a database another process writes).
	ReadOnly bool
}

// DefaultGzipLevel compresses HTML to about a quarter at a quarter less CPU
// than level 5 (see store/warc BenchmarkWrite).
const DefaultGzipLevel = 4

// DB is a store in one SQLite file plus a directory of WARC files. It is safe
// for concurrent use.
type DB struct {
	path string
	opts Options
	w    *sql.DB // the single writer connection
	r    *sql.DB // read pool
	log  *slog.Logger
	now  func() time.Time
	ev   *evidence // WARC writer and ingest state; nil when ReadOnly

	sites sync.Map // names of sites known to be in the sites table

	// hookAfterWARC, set only by tests, runs between writing a capture's
	// WARC records and committing their index.
	hookAfterWARC func(warc.Batch)
}

// ErrSchemaTooNew is returned by Open for a database written by a newer
// version of guazheng.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

func dsn(path string, o Options, write bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(o.BusyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_stmt_cache_size", "64") // reuse prepared statements per connection
	if o.Durable {
		q.Set("_synchronous", "FULL")
	} else {
		q.Set("_synchronous", "NORMAL")
	}
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "true")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, applies pending
// migrations and prepares the WARC directory. It is OpenContext with a
// background context.
func Open(path string, opts Options) (*DB, error) {
	return OpenContext(context.Background(), path, opts)
}

// OpenContext is Open with a context bounding the migrations.
func OpenContext(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	if opts.GzipLevel == 0 {
		opts.GzipLevel = DefaultGzipLevel
	}
	if opts.WARCMaxSize <= 0 {
		opts.WARCMaxSize = 1 << 30
	}
	if opts.WARCDir == "" {
		opts.WARCDir = filepath.Join(filepath.Dir(path), "warc")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
	} else if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	db := &DB{path: path, opts: opts, log: opts.Logger, now: opts.Now}
	var err error
	db.w, err = sql.Open("sqlite3", dsn(path, opts, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxLifetime(0)
	db.w.SetConnMaxIdleTime(0)
	db.r, err = sql.Open("sqlite3", dsn(path, opts, false))
	if err != nil {
		db.w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(opts.ReadConns)
	db.r.SetMaxIdleConns(opts.ReadConns)
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if opts.ReadOnly {
		if err := db.checkVersion(ctx); err != nil {
			db.Close()
			return nil, err
		}
	} else {
		if err := db.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
		if err := db.openEvidence(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// WARCDir is the directory holding the WARC files.
func (db *DB) WARCDir() string { return db.opts.WARCDir }

// Close closes the WARC writer and both connection pools.
func (db *DB) Close() error {
	var errs []error
	if db.ev != nil {
		errs = append(errs, db.ev.close())
	}
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// inTx runs f in a write transaction (BEGIN IMMEDIATE on the single writer
// connection), committing if f returns nil.
func (db *DB) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Time encoding: every time is stored as INTEGER nanoseconds since the Unix
// epoch (UTC); NULL stands for the zero time.

func tsOf(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().UnixNano()
}

func tsMust(t time.Time) int64 { return t.UTC().UnixNano() }

func timeOf(ns sql.NullInt64) time.Time {
	if !ns.Valid {
		return time.Time{}
	}
	return time.Unix(0, ns.Int64).UTC()
}
