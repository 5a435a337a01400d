package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/guazheng/guazheng"
)

// auditLog is the AuditLog view of a DB.
type auditLog struct{ db *DB }

var _ guazheng.AuditLog = auditLog{}

// Audit returns the hash-chained audit log.
func (db *DB) Audit() guazheng.AuditLog { return auditLog{db} }

// Append adds an entry in its own transaction.
func (a auditLog) Append(ctx context.Context, actor, action, object string, details any) (guazheng.AuditEntry, error) {
	var e guazheng.AuditEntry
	err := a.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		e, err = appendAudit(ctx, tx, a.db.now(), actor, action, object, details)
		return err
	})
	return e, err
}

// canonicalJSON marshals v compactly (map keys sorted, as encoding/json does).
func canonicalJSON(v any) (json.RawMessage, error) {
	var raw []byte
	switch d := v.(type) {
	case nil:
		return json.RawMessage("{}"), nil
	case json.RawMessage:
		raw = d
	case []byte:
		raw = d
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return b, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// appendAudit appends an entry inside tx; the caller's transaction makes
// the entry part of the change it records.
func appendAudit(ctx context.Context, tx *sql.Tx, at time.Time, actor, action, object string, details any) (guazheng.AuditEntry, error) {
	d, err := canonicalJSON(details)
	if err != nil {
		return guazheng.AuditEntry{}, fmt.Errorf("audit %s %s: details: %w", action, object, err)
	}
	e := guazheng.AuditEntry{Time: at.UTC(), Actor: actor, Action: action, Object: object, Details: d,
		PrevHash: guazheng.AuditGenesis}
	var prevSeq int64
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&prevSeq, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("audit head: %w", err)
	}
	e.Seq = prevSeq + 1
	e.Hash = e.ComputeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log(seq, at, actor, action, object, details, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, tsMust(e.Time), e.Actor, e.Action, e.Object, string(e.Details), e.PrevHash, e.Hash); err != nil {
		return e, fmt.Errorf("audit %s %s: %w", action, object, err)
	}
	return e, nil
}

const auditCols = `seq, at, actor, action, object, details, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (guazheng.AuditEntry, error) {
	var e guazheng.AuditEntry
	var at int64
	var details string
	if err := sc.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &details, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	e.Time = time.Unix(0, at).UTC()
	e.Details = json.RawMessage(details)
	return e, nil
}

// List returns entries in sequence order.
func (a auditLog) List(ctx context.Context, f guazheng.AuditFilter) ([]guazheng.AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := a.db.r.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log
		WHERE seq > ? AND (? = '' OR object = ?) AND (? = '' OR action = ?) ORDER BY seq LIMIT ?`,
		f.AfterSeq, f.Object, f.Object, f.Action, f.Action, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []guazheng.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Head returns the latest entry.
func (a auditLog) Head(ctx context.Context) (guazheng.AuditEntry, error) {
	e, err := scanAudit(a.db.r.QueryRowContext(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return guazheng.AuditEntry{Hash: guazheng.AuditGenesis}, nil
	}
	if err != nil {
		return e, fmt.Errorf("audit head: %w", err)
	}
	return e, nil
}

// Verify walks the chain from seq 1: every seq present, each prev_hash equal
// to the previous entry's hash, each hash equal to the recomputed one. It
// also checks that no capture refers to an audit entry that is missing
// (which reveals entries cut from the end of the chain).
func (a auditLog) Verify(ctx context.Context) ([]guazheng.AuditProblem, error) {
	rows, err := a.db.r.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	var probs []guazheng.AuditProblem
	prev := guazheng.AuditEntry{Hash: guazheng.AuditGenesis}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("verify audit: %w", err)
		}
		if e.Seq != prev.Seq+1 {
			if e.Seq == prev.Seq+2 {
				probs = append(probs, guazheng.AuditProblem{Seq: prev.Seq + 1, Problem: "entry missing (removed)"})
			} else {
				probs = append(probs, guazheng.AuditProblem{Seq: prev.Seq + 1,
					Problem: fmt.Sprintf("entries %d–%d missing (removed)", prev.Seq+1, e.Seq-1)})
			}
		}
		if e.PrevHash != prev.Hash {
			probs = append(probs, guazheng.AuditProblem{Seq: e.Seq,
				Problem: fmt.Sprintf("prev_hash %.12s… does not match the hash %.12s… of entry %d", e.PrevHash, prev.Hash, prev.Seq)})
		}
		if h := e.ComputeHash(); h != e.Hash {
			probs = append(probs, guazheng.AuditProblem{Seq: e.Seq,
				Problem: fmt.Sprintf("contents changed: hash %.12s… recomputes to %.12s…", e.Hash, h)})
		}
		prev = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify audit: %w", err)
	}
	var maxRef sql.NullInt64
	if err := a.db.r.QueryRowContext(ctx, `SELECT max(audit_seq) FROM captures`).Scan(&maxRef); err != nil {
		return nil, fmt.Errorf("verify audit: %w", err)
	}
	if maxRef.Valid && maxRef.Int64 > prev.Seq {
		probs = append(probs, guazheng.AuditProblem{Seq: prev.Seq + 1,
			Problem: fmt.Sprintf("entries %d–%d missing at the end of the chain (captures refer to them)", prev.Seq+1, maxRef.Int64)})
	}
	return probs, nil
}
