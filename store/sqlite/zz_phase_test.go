package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	evpkg "github.com/guazheng/guazheng/store/evidence"
	"github.com/guazheng/guazheng"
)

func TestZZPhases(t *testing.T) {
	ctx := context.Background()
	caps, cps, _ := benchPages(1000)
	db, _ := Open(filepath.Join(t.TempDir(), "v.db"), Options{Logger: quietLogger(), WARCMaxSize: 16 << 20})
	defer db.Close()
	for i := range caps {
		db.Ingest(ctx, caps[i], cps[i:i+1])
	}
	s := time.Now()
	n := 0
	db.WARCRecords(ctx, func(r guazheng.IndexedRecord) error { n++; return nil })
	t.Logf("records %d: %v", n, time.Since(s))
	s = time.Now()
	db.Audit().Verify(ctx)
	t.Logf("audit: %v", time.Since(s))
	s = time.Now()
	db.CaptureIntegrity(ctx)
	t.Logf("integrity: %v", time.Since(s))
	s = time.Now()
	evpkg.Verify(ctx, db, evpkg.VerifyOptions{})
	t.Logf("verify: %v", time.Since(s))
}
