package main

import (
	"path/filepath"
	"testing"
)

func TestCrawlLockIsExclusive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	a, ok, err := tryCrawlLock(db)
	if err != nil || !ok {
		t.Fatalf("first lock: ok=%v err=%v", ok, err)
	}
	if _, ok, _ := tryCrawlLock(db); ok {
		t.Fatal("a second lock on the same database was granted")
	}
	a.release()
	b, ok, err := tryCrawlLock(db)
	if err != nil || !ok {
		t.Fatalf("lock after release: ok=%v err=%v", ok, err)
	}
	b.release()
}
