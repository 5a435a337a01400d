package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

var (
	_ guazheng.Frontier = (*DB)(nil)
	_ guazheng.RunLog   = (*DB)(nil)
)

// DefaultLease is used by Claim when it is given a lease ≤ 0.
const DefaultLease = 10 * time.Minute

// Frontier URL states as stored.
const (
	StateFresh   = "fresh"
	StateClaimed = "claimed"
	StateDone    = "done"
)

func ensureSite(ctx context.Context, tx *sql.Tx, site string, now time.Time) error {
	if site == "" {
		return errors.New("empty site name")
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO sites(name, created) VALUES (?, ?) ON CONFLICT DO NOTHING",
		site, tsMust(now)); err != nil {
		return fmt.Errorf("register site %s: %w", site, err)
	}
	return nil
}

// ensureSiteCached is ensureSite that skips sites this DB has already
// committed (sites are never deleted); see storeCapture.
func (db *DB) ensureSiteCached(ctx context.Context, tx *sql.Tx, site string, now time.Time) error {
	if _, ok := db.sites.Load(site); ok {
		return nil
	}
	return ensureSite(ctx, tx, site, now)
}

// Add inserts URLs not yet known for their site, as fresh, and leaves known
// ones alone; it returns how many were new.
func (db *DB) Add(ctx context.Context, urls []guazheng.FrontierURL) (int, error) {
	if len(urls) == 0 {
		return 0, nil
	}
	now := db.now()
	added := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		seen := map[string]bool{}
		st, err := tx.PrepareContext(ctx, `INSERT INTO frontier
			(site, url, kind, depth, referrer, etag, last_modified, content_hash, fetches, interval_ns, last_status, state, due, added)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'fresh', 0, ?)
			ON CONFLICT(site, url) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("prepare frontier insert: %w", err)
		}
		defer st.Close()
		for _, u := range urls {
			if !seen[u.Site] {
				if err := ensureSite(ctx, tx, u.Site, now); err != nil {
					return err
				}
				seen[u.Site] = true
			}
			if u.URL == "" {
				return fmt.Errorf("frontier add: empty URL for site %s", u.Site)
			}
			res, err := st.ExecContext(ctx, u.Site, u.URL, string(u.Kind), u.Depth, u.Referrer, u.ETag,
				u.LastModified, u.ContentHash, u.Fetches, int64(u.Interval), u.LastStatus, tsMust(now))
			if err != nil {
				return fmt.Errorf("frontier add %s: %w", u.URL, err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

const frontierCols = `site, url, kind, depth, referrer, etag, last_modified, content_hash, fetches, interval_ns, next_fetch, last_status`

func scanFrontier(sc interface{ Scan(...any) error }, extra ...any) (guazheng.FrontierURL, error) {
	var (
		u        guazheng.FrontierURL
		kind     string
		interval int64
		next     sql.NullInt64
	)
	dst := append([]any{&u.Site, &u.URL, &kind, &u.Depth, &u.Referrer, &u.ETag, &u.LastModified,
		&u.ContentHash, &u.Fetches, &interval, &next, &u.LastStatus}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return u, err
	}
	u.Kind = guazheng.URLKind(kind)
	u.Interval = time.Duration(interval)
	u.NextFetch = timeOf(next)
	return u, nil
}

// Claim leases up to n URLs of site that are due at now: fresh (never
// fetched or released), claimed with an expired lease, or done with
// NextFetch reached. Earliest due first, then in insertion order. The
// selection and the lease happen in one write transaction, so concurrent
// callers (goroutines or processes) never receive the same URL while its
// lease runs.
func (db *DB) Claim(ctx context.Context, site string, n int, now time.Time, lease time.Duration) ([]guazheng.FrontierURL, error) {
	if n <= 0 {
		return nil, nil
	}
	if lease <= 0 {
		lease = DefaultLease
	}
	until := tsMust(now.Add(lease))
	var out []guazheng.FrontierURL
	var ids []int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out, ids = out[:0], ids[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE frontier
			SET state = 'claimed', claimed_at = ?, lease_until = ?, due = ?
			WHERE id IN (SELECT id FROM frontier WHERE site = ? AND due IS NOT NULL AND due <= ?
			             ORDER BY due, id LIMIT ?)
			RETURNING `+frontierCols+`, id`,
			tsMust(now), until, until, site, tsMust(now), n)
		if err != nil {
			return fmt.Errorf("claim %s: %w", site, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			u, err := scanFrontier(rows, &id)
			if err != nil {
				return fmt.Errorf("claim %s: scan: %w", site, err)
			}
			out = append(out, u)
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim %s: %w", site, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return ids[idx[a]] < ids[idx[b]] })
	sorted := make([]guazheng.FrontierURL, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted, nil
}

// Done stores the URL's new recrawl state (validators, content hash, fetch
// count, interval, NextFetch, status) and ends its lease. A zero NextFetch
// means never again. An unknown URL is inserted as done.
func (db *DB) Done(ctx context.Context, u guazheng.FrontierURL) error {
	now := db.now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := ensureSite(ctx, tx, u.Site, now); err != nil {
			return err
		}
		next := tsOf(u.NextFetch)
		_, err := tx.ExecContext(ctx, `INSERT INTO frontier
			(site, url, kind, depth, referrer, etag, last_modified, content_hash, fetches, interval_ns, next_fetch, last_status,
			 state, claimed_at, lease_until, due, added)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'done', NULL, NULL, ?, ?)
			ON CONFLICT(site, url) DO UPDATE SET
				kind = CASE WHEN excluded.kind = '' THEN kind ELSE excluded.kind END,
				depth = excluded.depth,
				referrer = CASE WHEN excluded.referrer = '' THEN referrer ELSE excluded.referrer END,
				etag = excluded.etag, last_modified = excluded.last_modified,
				content_hash = excluded.content_hash, fetches = excluded.fetches,
				interval_ns = excluded.interval_ns, next_fetch = excluded.next_fetch,
				last_status = excluded.last_status,
				state = 'done', claimed_at = NULL, lease_until = NULL, due = excluded.due`,
			u.Site, u.URL, string(u.Kind), u.Depth, u.Referrer, u.ETag, u.LastModified, u.ContentHash,
			u.Fetches, int64(u.Interval), next, u.LastStatus, next, tsMust(now))
		if err != nil {
			return fmt.Errorf("frontier done %s: %w", u.URL, err)
		}
		return nil
	})
}

// Release ends the leases of claimed URLs that were not fetched, making them
// fresh (due at once) again. URLs not claimed are left alone.
func (db *DB) Release(ctx context.Context, site string, urls []string) error {
	if len(urls) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE frontier SET state = 'fresh', claimed_at = NULL, lease_until = NULL, due = 0
			WHERE site = ? AND url = ? AND state = 'claimed'`)
		if err != nil {
			return fmt.Errorf("prepare release: %w", err)
		}
		defer st.Close()
		for _, u := range urls {
			if _, err := st.ExecContext(ctx, site, u); err != nil {
				return fmt.Errorf("release %s: %w", u, err)
			}
		}
		return nil
	})
}

// Pending counts the URLs of site that are due at now.
func (db *DB) Pending(ctx context.Context, site string, now time.Time) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM frontier WHERE site = ? AND due IS NOT NULL AND due <= ?`,
		site, tsMust(now)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("pending %s: %w", site, err)
	}
	return n, nil
}

// FrontierEntry is a frontier URL with its lease state, for inspection.
type FrontierEntry struct {
	guazheng.FrontierURL
	State      string    // StateFresh, StateClaimed or StateDone
	ClaimedAt  time.Time // zero unless claimed
	LeaseUntil time.Time // zero unless claimed
}

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = guazheng.ErrNotFound

// FrontierGet returns one frontier URL with its state, or ErrNotFound.
func (db *DB) FrontierGet(ctx context.Context, site, url string) (FrontierEntry, error) {
	var (
		e       FrontierEntry
		claimed sql.NullInt64
		until   sql.NullInt64
	)
	row := db.r.QueryRowContext(ctx, `SELECT `+frontierCols+`, state, claimed_at, lease_until FROM frontier WHERE site = ? AND url = ?`, site, url)
	u, err := scanFrontier(row, &e.State, &claimed, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("frontier %s %s: %w", site, url, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("frontier get %s: %w", url, err)
	}
	e.FrontierURL = u
	e.ClaimedAt, e.LeaseUntil = timeOf(claimed), timeOf(until)
	return e, nil
}

// FrontierCounts returns how many URLs of site are in each state.
func (db *DB) FrontierCounts(ctx context.Context, site string) (map[string]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT state, count(*) FROM frontier WHERE site = ? GROUP BY state`, site)
	if err != nil {
		return nil, fmt.Errorf("frontier counts %s: %w", site, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("frontier counts %s: %w", site, err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// ReleaseClaims ends every lease of site, leaving the URLs due. Call it only
// when no other process is crawling the site (guazheng holds a lock file).
func (db *DB) ReleaseClaims(ctx context.Context, site string) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE frontier SET state = 'fresh', claimed_at = NULL, lease_until = NULL, due = 0
			WHERE site = ? AND state = 'claimed'`, site)
		if err != nil {
			return fmt.Errorf("release claims of %s: %w", site, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
