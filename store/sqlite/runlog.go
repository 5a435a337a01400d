package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/guazheng/guazheng"
)

// StartRun records the start of a crawl run of site and returns its id.
func (db *DB) StartRun(ctx context.Context, site string, at time.Time) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := ensureSite(ctx, tx, site, db.now()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO runs(site, started) VALUES (?, ?)`, site, tsMust(at))
		if err != nil {
			return fmt.Errorf("start run %s: %w", site, err)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// FinishRun stores the stats of run s.ID (its finish time, counters,
// statuses, per-host counters, robots conflicts and error).
func (db *DB) FinishRun(ctx context.Context, s *guazheng.RunStats) error {
	enc := func(v any, empty string) (string, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		if string(b) == "null" {
			return empty, nil
		}
		return string(b), nil
	}
	counters, err := enc(s.Counters, "{}")
	if err != nil {
		return fmt.Errorf("finish run %d: counters: %w", s.ID, err)
	}
	statuses, err := enc(s.Statuses, "{}")
	if err != nil {
		return fmt.Errorf("finish run %d: statuses: %w", s.ID, err)
	}
	hosts, err := enc(s.Hosts, "{}")
	if err != nil {
		return fmt.Errorf("finish run %d: hosts: %w", s.ID, err)
	}
	conflicts, err := enc(s.RobotsConflicts, "[]")
	if err != nil {
		return fmt.Errorf("finish run %d: robots conflicts: %w", s.ID, err)
	}
	finished := s.Finished
	if finished.IsZero() {
		finished = db.now()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET finished = ?, counters = ?, statuses = ?, hosts = ?,
			robots_conflicts = ?, error = ? WHERE id = ?`,
			tsMust(finished), counters, statuses, hosts, conflicts, s.Error, s.ID)
		if err != nil {
			return fmt.Errorf("finish run %d: %w", s.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("finish run %d: %w", s.ID, ErrNotFound)
		}
		return nil
	})
}

func scanRun(sc interface{ Scan(...any) error }) (guazheng.RunStats, error) {
	var (
		s                                    guazheng.RunStats
		started                              int64
		finished                             sql.NullInt64
		counters, statuses, hosts, conflicts string
	)
	if err := sc.Scan(&s.ID, &s.Site, &started, &finished, &counters, &statuses, &hosts, &conflicts, &s.Error); err != nil {
		return s, err
	}
	s.Started = time.Unix(0, started).UTC()
	s.Finished = timeOf(finished)
	if err := errors.Join(
		json.Unmarshal([]byte(counters), &s.Counters),
		json.Unmarshal([]byte(statuses), &s.Statuses),
		json.Unmarshal([]byte(hosts), &s.Hosts),
		json.Unmarshal([]byte(conflicts), &s.RobotsConflicts),
	); err != nil {
		return s, fmt.Errorf("run %d: decode stats: %w", s.ID, err)
	}
	return s, nil
}

const runCols = `id, site, started, finished, counters, statuses, hosts, robots_conflicts, error`

// Run returns one crawl run, or ErrNotFound.
func (db *DB) Run(ctx context.Context, id int64) (guazheng.RunStats, error) {
	s, err := scanRun(db.r.QueryRowContext(ctx, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("run %d: %w", id, err)
	}
	return s, nil
}

// Runs lists the latest crawl runs, newest first; site "" means all sites.
func (db *DB) Runs(ctx context.Context, site string, limit int) ([]guazheng.RunStats, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+runCols+` FROM runs WHERE ? = '' OR site = ? ORDER BY started DESC, id DESC LIMIT ?`,
		site, site, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []guazheng.RunStats
	for rows.Next() {
		s, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
