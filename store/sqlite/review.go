package sqlite

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/guazheng/guazheng"
)

var _ guazheng.ReviewStats = (*DB)(nil)

// HitsPerDay counts the hits created in [from, to) per day in loc, site and
// role.
func (db *DB) HitsPerDay(ctx context.Context, from, to time.Time, loc *time.Location) ([]guazheng.DayCount, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := db.r.QueryContext(ctx, `SELECT h.created, p.site, coalesce(d.role, '') FROM hits h
		JOIN posts p ON p.id = h.post_id LEFT JOIN verdicts d ON d.id = p.latest_verdict
		WHERE h.created >= ? AND h.created < ?`, tsMust(from), tsMust(to))
	if err != nil {
		return nil, fmt.Errorf("hits per day: %w", err)
	}
	defer rows.Close()
	type key struct {
		day  time.Time
		site string
		role guazheng.Role
	}
	counts := map[key]int{}
	for rows.Next() {
		var at int64
		var site, role string
		if err := rows.Scan(&at, &site, &role); err != nil {
			return nil, fmt.Errorf("hits per day: %w", err)
		}
		t := time.Unix(0, at).In(loc)
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		counts[key{day, site, guazheng.Role(role)}]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hits per day: %w", err)
	}
	out := make([]guazheng.DayCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, guazheng.DayCount{Day: k.day, Site: k.site, Role: k.role, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Day.Equal(b.Day) {
			return a.Day.Before(b.Day)
		}
		if a.Site != b.Site {
			return a.Site < b.Site
		}
		return a.Role < b.Role
	})
	return out, nil
}

// StateChanges returns the hit state changes made in [from, to), oldest
// first.
func (db *DB) StateChanges(ctx context.Context, from, to time.Time) ([]guazheng.StateChange, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT hit_id, at, actor, from_state, to_state, reason FROM hit_history
		WHERE at >= ? AND at < ? ORDER BY at, id`, tsMust(from), tsMust(to))
	if err != nil {
		return nil, fmt.Errorf("state changes: %w", err)
	}
	defer rows.Close()
	out := []guazheng.StateChange{}
	for rows.Next() {
		var c guazheng.StateChange
		var at int64
		var f, t string
		if err := rows.Scan(&c.HitID, &at, &c.Actor, &f, &t, &c.Reason); err != nil {
			return nil, fmt.Errorf("state changes: %w", err)
		}
		c.At, c.From, c.To = time.Unix(0, at).UTC(), guazheng.HitState(f), guazheng.HitState(t)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LatestRuns returns up to perSite latest runs of every site.
func (db *DB) LatestRuns(ctx context.Context, perSite int) ([]guazheng.RunStats, error) {
	if perSite <= 0 {
		perSite = 1
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+runCols+` FROM (
		SELECT *, row_number() OVER (PARTITION BY site ORDER BY started DESC, id DESC) AS rn FROM runs)
		WHERE rn <= ? ORDER BY site, started DESC, id DESC`, perSite)
	if err != nil {
		return nil, fmt.Errorf("latest runs: %w", err)
	}
	defer rows.Close()
	out := []guazheng.RunStats{}
	for rows.Next() {
		s, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("latest runs: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const postSummarySelect = `SELECT p.id, coalesce(h.id, 0), coalesce(h.state, ''), p.site, p.key, p.url, coalesce(v.title, ''),
	p.first_seen, p.last_seen, coalesce(d.role, ''), coalesce(d.score, 0), coalesce(d.flagged, 0),
	coalesce((SELECT group_concat(e.value, char(31)) FROM post_entities pe JOIN entities e ON e.id = pe.entity_id
	          WHERE pe.post_id = p.id AND e.kind = 'cert'), '')
	FROM posts p LEFT JOIN hits h ON h.post_id = p.id
	LEFT JOIN post_versions v ON v.id = p.latest_version LEFT JOIN verdicts d ON d.id = p.latest_verdict`

func scanPostSummary(sc interface{ Scan(...any) error }) (guazheng.PostSummary, error) {
	var (
		s                  guazheng.PostSummary
		state, role, certs string
		fs, ls             int64
	)
	if err := sc.Scan(&s.PostID, &s.HitID, &state, &s.Site, &s.Key, &s.URL, &s.Title, &fs, &ls, &role, &s.Score, &s.Flagged, &certs); err != nil {
		return s, err
	}
	s.HitState, s.Role = guazheng.HitState(state), guazheng.Role(role)
	s.FirstSeen, s.LastSeen = time.Unix(0, fs).UTC(), time.Unix(0, ls).UTC()
	s.Certs = splitList(certs)
	return s, nil
}

// PostSummaries returns the given posts by id; unknown ids are left out.
func (db *DB) PostSummaries(ctx context.Context, ids []int64) ([]guazheng.PostSummary, error) {
	out := []guazheng.PostSummary{}
	const chunk = 500
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		part := ids[:n]
		ids = ids[n:]
		rows, err := db.r.QueryContext(ctx, postSummarySelect+` WHERE p.id IN (`+placeholders(len(part))+`)`, int64Args(part)...)
		if err != nil {
			return nil, fmt.Errorf("post summaries: %w", err)
		}
		for rows.Next() {
			s, err := scanPostSummary(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("post summaries: %w", err)
			}
			out = append(out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("post summaries: %w", err)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PostID < out[j].PostID })
	return out, nil
}

// PostsCapturedFrom returns the posts shown by captures of url (requested or
// final URL), and posts published at url.
func (db *DB) PostsCapturedFrom(ctx context.Context, url string) ([]guazheng.PostRef, error) {
	rows, err := db.r.QueryContext(ctx, postSummarySelect+` WHERE p.id IN (
		SELECT pc.post_id FROM captures c JOIN post_captures pc ON pc.capture_id = c.id
		WHERE (c.url = ? OR c.final_url = ?) AND pc.version_id IS NOT NULL
		UNION SELECT id FROM posts WHERE url = ?) ORDER BY p.id`, url, url, url)
	if err != nil {
		return nil, fmt.Errorf("posts captured from %s: %w", url, err)
	}
	defer rows.Close()
	out := []guazheng.PostRef{}
	for rows.Next() {
		s, err := scanPostSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("posts captured from %s: %w", url, err)
		}
		out = append(out, s.PostRef)
	}
	return out, rows.Err()
}
