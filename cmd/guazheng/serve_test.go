package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func runCmdIn(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := realMain(args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func TestUserAndReportCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.db")
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"add generates a password", "", []string{"user", "add", "alice", "--role", "reviewer", "--db", db}, 0, "password: "},
		{"flags before the name", "secret-pass-1\n", []string{"user", "add", "--db", db, "--role", "police", "--password-stdin", "bob"}, 0, "user bob added with role police"},
		{"duplicate", "", []string{"user", "add", "alice", "--role", "reviewer", "--db", db}, 1, ""},
		{"bad role", "", []string{"user", "add", "carol", "--role", "boss", "--db", db}, 2, ""},
		{"short password", "short\n", []string{"user", "add", "dave", "--role", "admin", "--password-stdin", "--db", db}, 2, ""},
		{"no name", "", []string{"user", "add", "--role", "admin", "--db", db}, 2, ""},
		{"disable", "", []string{"user", "disable", "bob", "--db", db}, 0, "user bob disabled"},
		{"list", "", []string{"user", "list", "--db", db}, 0, "bob                  police    disabled"},
		{"report needs --out", "", []string{"report", "monthly", "--month", "2026-03", "--db", db}, 2, ""},
		{"report bad month", "", []string{"report", "monthly", "--month", "2026-3x", "--out", "x.xlsx", "--db", db}, 2, ""},
		{"report missing db", "", []string{"report", "monthly", "--out", "x.xlsx", "--db", db + ".none"}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmdIn(tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) {
				t.Errorf("exit %d (want %d)\nstdout %s\nstderr %s", code, tc.code, out, errOut)
			}
		})
	}
	out := filepath.Join(t.TempDir(), "m.xlsx")
	code, stdout, stderr := runCmdIn("", "report", "monthly", "--month", "2026-03", "--out", out, "--db", db, "--unit", "某市住建局")
	if code != 0 || !strings.Contains(stdout, "2026年3月") {
		t.Fatalf("report: %d %s %s", code, stdout, stderr)
	}
	x, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("汇总", "A2"); v != "填报单位：某市住建局" {
		t.Errorf("A2 = %q", v)
	}
}

func TestServe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.db")
	if code, _, errOut := runCmdIn("", "user", "add", "admin", "--role", "admin", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	store, err := openWebStore(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- serveWeb(ctx, store, webOptions{addr: "127.0.0.1:0", sandboxAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler),
			func(app, sb net.Addr) { addrs <- [2]net.Addr{app, sb} })
	}()
	var a [2]net.Addr
	select {
	case a = <-addrs:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/login": 200, "/queue": 303, "/api/counts": 401, "/static/style.css": 200} {
		resp, err := client.Get("http://" + a[0].String() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d: %s", path, resp.StatusCode, want, b)
		}
	}
	resp, err := client.Get("http://" + a[1].String() + "/capture/1?post=1&exp=1&sig=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("sandbox: %d %v", resp.StatusCode, resp.Header)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "warc")); err != nil {
		t.Error(err)
	}
}

func TestSandboxDefaults(t *testing.T) {
	for _, tc := range []struct {
		o        webOptions
		addr     string
		failWith string
	}{
		{webOptions{addr: "127.0.0.1:8080"}, "127.0.0.1:8081", ""},
		{webOptions{addr: "0.0.0.0:9000"}, "0.0.0.0:9001", ""},
		{webOptions{addr: ":9000", sandboxAddr: ":9100"}, ":9100", ""},
		{webOptions{addr: "127.0.0.1:0", sandboxAddr: "127.0.0.1:0"}, "127.0.0.1:0", ""},
		{webOptions{addr: "127.0.0.1:0"}, "", "no fixed port"},
		{webOptions{addr: "127.0.0.1:80", sandboxAddr: "127.0.0.1:80"}, "", "must differ"},
	} {
		err := tc.o.sandboxDefaults()
		if tc.failWith != "" {
			if err == nil || !strings.Contains(err.Error(), tc.failWith) {
				t.Errorf("%+v: err %v", tc.o, err)
			}
			continue
		}
		if err != nil || tc.o.sandboxAddr != tc.addr {
			t.Errorf("got %q %v", tc.o.sandboxAddr, err)
		}
	}
	for _, tc := range []struct {
		o    webOptions
		ln   string
		want string
	}{
		{webOptions{}, "127.0.0.1:8081", "http://127.0.0.1:8081"},
		{webOptions{}, "[::]:8081", "http://127.0.0.1:8081"},
		{webOptions{sandboxURL: "https://sandbox.example"}, "127.0.0.1:8081", "https://sandbox.example"},
	} {
		addr, _ := net.ResolveTCPAddr("tcp", tc.ln)
		if got := sandboxBase(tc.o, addr); got != tc.want {
			t.Errorf("sandboxBase(%s) = %s, want %s", tc.ln, got, tc.want)
		}
	}
}
