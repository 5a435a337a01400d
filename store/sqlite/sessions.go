package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/guazheng/guazheng"
)

// sessionKey is what the sessions table keeps of a cookie value: its
// SHA-256, so a copy of the database does not hand out live sessions.
func sessionKey(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// PutSession adds a web session or updates its last use.
func (db *DB) PutSession(ctx context.Context, s guazheng.Session) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO sessions(id_hash, user, csrf, created, seen) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(id_hash) DO UPDATE SET seen = excluded.seen`,
		sessionKey(s.ID), s.User, s.CSRF, tsMust(s.Created), tsMust(s.Seen))
	if err != nil {
		return fmt.Errorf("put session of %s: %w", s.User, err)
	}
	return nil
}

// GetSession returns the session with cookie value id, or ErrNotFound.
func (db *DB) GetSession(ctx context.Context, id string) (guazheng.Session, error) {
	s := guazheng.Session{ID: id}
	var created, seen sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT user, csrf, created, seen FROM sessions WHERE id_hash = ?`, sessionKey(id)).
		Scan(&s.User, &s.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("session: %w", guazheng.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("get session: %w", err)
	}
	s.Created, s.Seen = timeOf(created), timeOf(seen)
	return s, nil
}

// DeleteSession ends one session; a missing one is no error.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, sessionKey(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of user.
func (db *DB) DeleteUserSessions(ctx context.Context, user string) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE user = ?`, user); err != nil {
		return fmt.Errorf("delete sessions of %s: %w", user, err)
	}
	return nil
}

// DeleteSessionsBefore drops sessions last used before seen or created
// before created.
func (db *DB) DeleteSessionsBefore(ctx context.Context, seen, created time.Time) error {
	if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE seen < ? OR created < ?`, tsMust(seen), tsMust(created)); err != nil {
		return fmt.Errorf("expire sessions: %w", err)
	}
	return nil
}
