package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	evpkg "github.com/guazheng/guazheng/store/evidence"
	"github.com/guazheng/guazheng/store/warc"
)

// TestCrashChild is the ingesting process of TestKill9DuringIngest; it does
// nothing unless started by it.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("GUAZHENG_CRASH_DB")
	if path == "" {
		t.Skip("helper process")
	}
	start, _ := strconv.Atoi(os.Getenv("GUAZHENG_CRASH_START"))
	db, err := Open(path, Options{Logger: quietLogger(), WARCMaxSize: 200 << 10})
	if err != nil {
		fmt.Println("open error", err)
		os.Exit(3)
	}
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	// Modes that die at the worst moments: after the WARC records are
	// written but before their index is committed, and in the middle of
	// writing a record (simulated by cutting the file inside the batch).
	mode := os.Getenv("GUAZHENG_CRASH_MODE")
	writes := 0
	db.hookAfterWARC = func(b warc.Batch) {
		writes++
		if writes < 4 {
			return
		}
		switch mode {
		case "uncommitted":
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		case "torn":
			last := b.Locations[len(b.Locations)-1]
			os.Truncate(filepath.Join(db.WARCDir(), last.File), last.Offset+last.Length/2)
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
	for i := start; ; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		c := testCapture("crash", fmt.Sprintf("http://crash/list/%d", i%7), at, htmlPage(i, 30000))
		var cps []guazheng.ClassifiedPost
		for j := range 3 {
			// Keys repeat so that posts change, stay or come back.
			key := fmt.Sprintf("http://crash/p/%d", (i*3+j)%40)
			v := cleanVerdict()
			if j == 0 {
				v = flaggedVerdict(6, fmt.Sprintf("138%08d", i%5), "wx")
			}
			cps = append(cps, guazheng.ClassifiedPost{Post: post("crash", key, "标题", fmt.Sprintf("正文 %d", i/3)), Verdict: v})
		}
		if _, err := db.Ingest(ctx, c, cps); err != nil {
			fmt.Fprintln(out, "ingest error", err)
			out.Flush()
			os.Exit(4)
		}
		if i%11 == 5 {
			g := testCapture("crash", fmt.Sprintf("http://crash/p/%d", i%40), at.Add(time.Second), nil)
			g.Status = 404
			if _, err := db.TakeDown(ctx, g); err != nil {
				fmt.Fprintln(out, "takedown error", err)
				out.Flush()
				os.Exit(5)
			}
		}
		fmt.Fprintf(out, "ok %d %d\n", i, c.ID)
		out.Flush()
	}
}

// TestKill9DuringIngest kills an ingesting process with SIGKILL at varying
// moments, reopens the store (which cuts torn WARC tails) and verifies
// everything: every record indexed is complete and matches its digests, the
// audit chain is intact, and every ingest the child acknowledged is there.
func TestKill9DuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	next := 0
	var acked []int64
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		mode := []string{"", "uncommitted", "torn"}[round%3]
		cmd.Env = append(os.Environ(), "GUAZHENG_CRASH_DB="+path, "GUAZHENG_CRASH_START="+strconv.Itoa(next), "GUAZHENG_CRASH_MODE="+mode)
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		want := 5 + round*7
		if mode != "" {
			want = 3 // the child kills itself at its fourth capture
		}
		got := 0
		for sc.Scan() {
			line := sc.Text()
			f := strings.Fields(line)
			if len(f) != 3 || f[0] != "ok" {
				t.Fatalf("child: %s", line)
			}
			i, _ := strconv.Atoi(f[1])
			id, _ := strconv.ParseInt(f[2], 10, 64)
			acked = append(acked, id)
			next = i + 1
			got++
			if got == want {
				break
			}
		}
		if mode == "" {
			// Let it run into the middle of something, then kill it.
			time.Sleep(time.Duration(round*2) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
		} else {
			// It kills itself; drain its output until it dies.
			timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
			for sc.Scan() {
				if f := strings.Fields(sc.Text()); len(f) == 3 {
					id, _ := strconv.ParseInt(f[2], 10, 64)
					acked = append(acked, id)
				}
			}
			timer.Stop()
		}
		cmd.Wait()
		next += 1000 // the child may have ingested more than it reported

		var logBuf strings.Builder
		db, err := Open(path, Options{Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logBuf}, nil))})
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		rep, err := evpkg.Verify(ctx, db, evpkg.VerifyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Errorf("round %d: %d problems: %v", round, len(rep.Problems), rep.Problems)
		}
		caps, err := db.CapturesByID(ctx, acked)
		if err != nil || len(caps) != len(acked) {
			t.Errorf("round %d: %d of %d acknowledged captures present (%v)", round, len(caps), len(acked), err)
		}
		var bad int
		db.r.QueryRow(`SELECT count(*) FROM posts p WHERE versions <> (SELECT count(*) FROM post_versions v WHERE v.post_id = p.id)
			OR latest_version <> (SELECT max(id) FROM post_versions v WHERE v.post_id = p.id)`).Scan(&bad)
		if bad > 0 {
			t.Errorf("round %d: %d posts with inconsistent versions", round, bad)
		}
		db.r.QueryRow(`SELECT count(*) FROM posts p JOIN verdicts d ON d.id = p.latest_verdict
			WHERE d.flagged AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.post_id = p.id)`).Scan(&bad)
		if bad > 0 {
			t.Errorf("round %d: %d flagged posts without a hit", round, bad)
		}
		if mode == "torn" && !strings.Contains(logBuf.String(), "cut them off") {
			t.Errorf("round %d: torn tail not repaired on reopen; log:\n%s", round, logBuf.String())
		}
		t.Logf("round %d (%s): %d captures acknowledged, %d records verified, %d warnings, torn tails cut: %d",
			round, mode, len(acked), rep.Records, len(rep.Warnings), strings.Count(logBuf.String(), "cut them off"))
		db.Close()
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
