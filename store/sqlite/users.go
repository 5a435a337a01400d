package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

// CreateUser adds a web UI account; ErrExists if the name is taken.
func (db *DB) CreateUser(ctx context.Context, u guazheng.User) (guazheng.User, error) {
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		return u, errors.New("user without name")
	}
	if u.Created.IsZero() {
		u.Created = db.now().UTC()
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users(name, role, password_hash, created, disabled) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(name) DO NOTHING`, u.Name, u.Role, u.PasswordHash, tsMust(u.Created), u.Disabled)
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %s: %w", u.Name, guazheng.ErrExists)
		}
		u.ID, _ = res.LastInsertId()
		_, err = appendAudit(ctx, tx, db.now(), "system", "user.create", "user:"+u.Name, map[string]any{"role": u.Role})
		return err
	})
	return u, err
}

func scanUser(sc interface{ Scan(...any) error }) (guazheng.User, error) {
	var u guazheng.User
	var created int64
	err := sc.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &created, &u.Disabled)
	u.Created = time.Unix(0, created).UTC()
	return u, err
}

// GetUser returns the named user or ErrNotFound.
func (db *DB) GetUser(ctx context.Context, name string) (guazheng.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT id, name, role, password_hash, created, disabled FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// ListUsers returns every user by name.
func (db *DB) ListUsers(ctx context.Context) ([]guazheng.User, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, role, password_hash, created, disabled FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	out := []guazheng.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser stores the role, password hash and disabled flag of u.Name.
func (db *DB) UpdateUser(ctx context.Context, u guazheng.User) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var oldHash string
		err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE name = ?`, u.Name).Scan(&oldHash)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %s: %w", u.Name, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("update user %s: %w", u.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, password_hash = ?, disabled = ? WHERE name = ?`,
			u.Role, u.PasswordHash, u.Disabled, u.Name); err != nil {
			return fmt.Errorf("update user %s: %w", u.Name, err)
		}
		_, err = appendAudit(ctx, tx, db.now(), "system", "user.update", "user:"+u.Name,
			map[string]any{"role": u.Role, "disabled": u.Disabled, "password_changed": u.PasswordHash != oldHash})
		return err
	})
}
