package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	a := guazheng.Session{ID: "cookie-a", User: "alice", CSRF: "tok-a", Created: t0, Seen: t0}
	b := guazheng.Session{ID: "cookie-b", User: "bob", CSRF: "tok-b", Created: t0, Seen: t0}
	for _, s := range []guazheng.Session{a, b} {
		if err := db.PutSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	// a second put updates the last use only
	a.Seen = t0.Add(10 * time.Minute)
	if err := db.PutSession(ctx, guazheng.Session{ID: a.ID, User: "mallory", CSRF: "x", Created: t0.Add(time.Hour), Seen: a.Seen}); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetSession(ctx, "cookie-a")
	if err != nil || got != a {
		t.Errorf("GetSession = %+v, %v; want %+v", got, err, a)
	}
	if _, err := db.GetSession(ctx, "cookie-x"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}
	// only a hash of the cookie value is kept
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM sessions WHERE id_hash IN ('cookie-a', 'cookie-b')").Scan(&n); err != nil || n != 0 {
		t.Errorf("cookie values stored in clear: %d rows, %v", n, err)
	}
	// expiry by last use
	if err := db.DeleteSessionsBefore(ctx, t0.Add(5*time.Minute), t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetSession(ctx, "cookie-b"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("idle session kept: %v", err)
	}
	if _, err := db.GetSession(ctx, "cookie-a"); err != nil {
		t.Errorf("live session dropped: %v", err)
	}
	// by user, and one by one
	db.PutSession(ctx, b)
	if err := db.DeleteUserSessions(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetSession(ctx, "cookie-a"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("session of a deleted user kept: %v", err)
	}
	if err := db.DeleteSession(ctx, "cookie-b"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, "cookie-b"); err != nil {
		t.Errorf("deleting a missing session: %v", err)
	}
	if _, err := db.GetSession(ctx, "cookie-b"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("logged-out session kept: %v", err)
	}
}
