package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func userVersion(t *testing.T, path string) int {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int
	if err := raw.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrateFromEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "g.db")
	db := openAt(t, path, Options{})
	db.Close()
	if v := userVersion(t, path); v != SchemaVersion() {
		t.Errorf("user_version = %d, want %d", v, SchemaVersion())
	}
	// Reopening is a no-op.
	db = openAt(t, path, Options{})
	var n int
	if err := db.r.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != SchemaVersion() {
		t.Errorf("schema_migrations rows = %d, %v", n, err)
	}
}

// TestMigrateFromEachOlderVersion builds a database at every older version
// by applying only the first k migrations, then opens it and checks that it
// upgraded.
func TestMigrateFromEachOlderVersion(t *testing.T) {
	for k := 0; k < SchemaVersion(); k++ {
		t.Run(fmt.Sprintf("from v%d", k), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			raw, err := sql.Open("sqlite3", "file:"+path)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < k; i++ {
				if _, err := raw.Exec(migrations[i].sql); err != nil {
					t.Fatal(err)
				}
				if _, err := raw.Exec("INSERT INTO schema_migrations(version, name, applied) VALUES (?, ?, 0)", i+1, migrations[i].name); err != nil {
					t.Fatal(err)
				}
				if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
					t.Fatal(err)
				}
			}
			if k >= 1 {
				if _, err := raw.Exec("INSERT INTO sites(name, created) VALUES ('old', 1)"); err != nil {
					t.Fatal(err)
				}
			}
			raw.Close()
			db := openAt(t, path, Options{})
			if k >= 1 {
				var created int64
				if err := db.r.QueryRow("SELECT created FROM sites WHERE name = 'old'").Scan(&created); err != nil || created != 1 {
					t.Errorf("data of the old schema lost: %v", err)
				}
			}
			// The upgraded database works: a capture goes in and verifies.
			ingest(t, db, testCapture("old", "http://old/1", t0, []byte("x")))
			if probs, err := db.CaptureIntegrity(context.Background()); err != nil || len(probs) > 0 {
				t.Errorf("integrity after upgrade: %v %v", probs, err)
			}
			db.Close()
			if v := userVersion(t, path); v != SchemaVersion() {
				t.Errorf("user_version = %d, want %d", v, SchemaVersion())
			}
		})
	}
}

func TestMigrateRefusesNewer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db := openAt(t, path, Options{})
	db.Close()
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, ro := range []bool{false, true} {
		_, err = Open(path, Options{Logger: quietLogger(), ReadOnly: ro})
		if !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("Open(readonly=%v) = %v, want ErrSchemaTooNew", ro, err)
		}
		if !strings.Contains(err.Error(), "newer guazheng") {
			t.Errorf("message not clear: %v", err)
		}
	}
}
