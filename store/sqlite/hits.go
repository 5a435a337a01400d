package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

var _ guazheng.Store = (*DB)(nil)

// hitSelect is the queue row: the hit with its post's latest version and
// latest verdict.
const hitSelect = `SELECT h.id, h.post_id, h.state, h.assignee, h.version, h.created, h.updated, h.flagged,
	p.site, p.key, p.url, coalesce(v.title, ''), substr(coalesce(v.text, ''), 1, 160), p.first_seen, p.last_seen, p.taken_down, p.versions,
	coalesce(d.role, ''), coalesce(d.score, 0), coalesce(d.ruleset, ''), coalesce(d.rules, '[]'), coalesce(d.flagged, 0),
	coalesce((SELECT group_concat(e.value, char(31)) FROM post_entities pe JOIN entities e ON e.id = pe.entity_id
	          WHERE pe.post_id = p.id AND e.kind = 'cert'), ''),
	(SELECT count(*) FROM hit_notes n WHERE n.hit_id = h.id)
FROM hits h JOIN posts p ON p.id = h.post_id
LEFT JOIN post_versions v ON v.id = p.latest_version
LEFT JOIN verdicts d ON d.id = p.latest_verdict`

func ruleNames(rulesJSON string) []string {
	var rs []guazheng.FiredRule
	if err := json.Unmarshal([]byte(rulesJSON), &rs); err != nil {
		return nil
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Rule
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	out := strings.Split(s, "\x1f")
	sort.Strings(out)
	return out
}

func scanHit(sc interface{ Scan(...any) error }) (guazheng.Hit, error) {
	var (
		h                                 guazheng.Hit
		state, role, rules, certs         string
		created, updated, flagged, fs, ls int64
		td                                sql.NullInt64
	)
	err := sc.Scan(&h.ID, &h.PostID, &state, &h.Assignee, &h.Version, &created, &updated, &flagged,
		&h.Site, &h.Key, &h.URL, &h.Title, &h.Snippet, &fs, &ls, &td, &h.Versions,
		&role, &h.Score, &h.RuleSet, &rules, &h.StillFlagged, &certs, &h.Notes)
	if err != nil {
		return h, err
	}
	h.State, h.Role = guazheng.HitState(state), guazheng.Role(role)
	h.Created, h.Updated, h.Flagged = time.Unix(0, created).UTC(), time.Unix(0, updated).UTC(), time.Unix(0, flagged).UTC()
	h.FirstSeen, h.LastSeen, h.TakenDown = time.Unix(0, fs).UTC(), time.Unix(0, ls).UTC(), timeOf(td)
	h.Rules = ruleNames(rules)
	h.Certs = splitList(certs)
	return h, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// hitWhere renders f's conditions over the aliases of hitSelect.
func hitWhere(f *guazheng.HitFilter) (string, []any, error) {
	var conds []string
	var args []any
	if len(f.IDs) > 0 {
		conds = append(conds, "h.id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if len(f.States) > 0 {
		conds = append(conds, "h.state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			if !s.Valid() {
				return "", nil, fmt.Errorf("unknown hit state %q", s)
			}
			args = append(args, string(s))
		}
	}
	if f.Site != "" {
		conds = append(conds, "p.site = ?")
		args = append(args, f.Site)
	}
	if f.Role != "" {
		conds = append(conds, "d.role = ?")
		args = append(args, string(f.Role))
	}
	if f.Assignee != "" {
		conds = append(conds, "h.assignee = ?")
		args = append(args, f.Assignee)
	}
	if f.Cert != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM post_entities pe JOIN entities e ON e.id = pe.entity_id
			WHERE pe.post_id = p.id AND e.kind = 'cert' AND (e.value = ? OR e.value LIKE ? ESCAPE '\'))`)
		args = append(args, f.Cert, likeEscape(f.Cert)+"/%")
	}
	if f.Contact != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM post_entities pe JOIN entities e ON e.id = pe.entity_id
			WHERE pe.post_id = p.id AND e.value = ? AND e.kind <> 'cert')`)
		args = append(args, f.Contact)
	}
	if f.MinScore != nil {
		conds = append(conds, "coalesce(d.score, 0) >= ?")
		args = append(args, *f.MinScore)
	}
	if f.MaxScore != nil {
		conds = append(conds, "coalesce(d.score, 0) <= ?")
		args = append(args, *f.MaxScore)
	}
	if !f.From.IsZero() {
		conds = append(conds, "h.flagged >= ?")
		args = append(args, tsMust(f.From))
	}
	if !f.To.IsZero() {
		conds = append(conds, "h.flagged < ?")
		args = append(args, tsMust(f.To))
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		pat := "%" + likeEscape(t) + "%"
		conds = append(conds, `(v.title LIKE ? ESCAPE '\' OR v.text LIKE ? ESCAPE '\' OR p.url LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat, pat)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func hitOrder(sortKey string) (string, error) {
	desc := strings.HasPrefix(sortKey, "-")
	key := strings.TrimPrefix(sortKey, "-")
	col := map[string]string{"": "h.flagged", "flagged": "h.flagged", "score": "coalesce(d.score, 0)",
		"last_seen": "p.last_seen", "id": "h.id", "first_seen": "p.first_seen", "updated": "h.updated"}[key]
	if col == "" {
		return "", fmt.Errorf("unknown sort %q", sortKey)
	}
	if sortKey == "" {
		desc = true
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return " ORDER BY " + col + dir + ", h.id" + dir, nil
}

// ListHits returns one page of the queue and the number of matching hits.
func (db *DB) ListHits(ctx context.Context, f guazheng.HitFilter) ([]guazheng.Hit, int, error) {
	where, args, err := hitWhere(&f)
	if err != nil {
		return nil, 0, err
	}
	order, err := hitOrder(f.Sort)
	if err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM hits h JOIN posts p ON p.id = h.post_id
		LEFT JOIN post_versions v ON v.id = p.latest_version LEFT JOIN verdicts d ON d.id = p.latest_verdict`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count hits: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, hitSelect+where+order+" LIMIT ? OFFSET ?", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list hits: %w", err)
	}
	defer rows.Close()
	var out []guazheng.Hit
	for rows.Next() {
		h, err := scanHit(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list hits: %w", err)
		}
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// CountByState counts all hits per state (every state present, maybe 0).
func (db *DB) CountByState(ctx context.Context) (map[guazheng.HitState]int, error) {
	out := map[guazheng.HitState]int{}
	for _, s := range guazheng.HitStates {
		out[s] = 0
	}
	rows, err := db.r.QueryContext(ctx, `SELECT state, count(*) FROM hits GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count hits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count hits: %w", err)
		}
		out[guazheng.HitState(s)] = n
	}
	return out, rows.Err()
}

// GetHit returns a hit with its post, notes and history.
func (db *DB) GetHit(ctx context.Context, id int64) (*guazheng.HitDetail, error) {
	h, err := scanHit(db.r.QueryRowContext(ctx, hitSelect+" WHERE h.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("hit %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("hit %d: %w", id, err)
	}
	d := &guazheng.HitDetail{Hit: h, Notes: []guazheng.HitNote{}, History: []guazheng.HitChange{}}
	p, err := db.GetPost(ctx, h.PostID)
	if err != nil {
		return nil, err
	}
	d.Post = *p
	rows, err := db.r.QueryContext(ctx, `SELECT id, hit_id, author, created, text FROM hit_notes WHERE hit_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("hit %d notes: %w", id, err)
	}
	for rows.Next() {
		var n guazheng.HitNote
		var created int64
		if err := rows.Scan(&n.ID, &n.HitID, &n.Author, &created, &n.Text); err != nil {
			rows.Close()
			return nil, fmt.Errorf("hit %d notes: %w", id, err)
		}
		n.Created = time.Unix(0, created).UTC()
		d.Notes = append(d.Notes, n)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT at, actor, from_state, to_state, reason FROM hit_history WHERE hit_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("hit %d history: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c guazheng.HitChange
		var at int64
		var from, to string
		if err := rows.Scan(&at, &c.Actor, &from, &to, &c.Reason); err != nil {
			return nil, fmt.Errorf("hit %d history: %w", id, err)
		}
		c.At, c.From, c.To = time.Unix(0, at).UTC(), guazheng.HitState(from), guazheng.HitState(to)
		d.History = append(d.History, c)
	}
	return d, rows.Err()
}

// checkVersions locks nothing (the write transaction does) but compares the
// versions the caller read with the stored ones.
func checkVersions(ctx context.Context, tx *sql.Tx, ids, versions []int64) (map[int64]string, error) {
	if len(ids) != len(versions) {
		return nil, fmt.Errorf("%d hits but %d versions", len(ids), len(versions))
	}
	states := map[int64]string{}
	var stale []string
	for i, id := range ids {
		var state string
		var v int64
		err := tx.QueryRowContext(ctx, `SELECT state, version FROM hits WHERE id = ?`, id).Scan(&state, &v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("hit %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("hit %d: %w", id, err)
		}
		if v != versions[i] {
			stale = append(stale, fmt.Sprintf("%d (version %d, read %d)", id, v, versions[i]))
		}
		states[id] = state
	}
	if len(stale) > 0 {
		return nil, fmt.Errorf("hits %s: %w", strings.Join(stale, ", "), guazheng.ErrConflict)
	}
	return states, nil
}

// SetState moves the hits to state to, all or none, with history and audit.
func (db *DB) SetState(ctx context.Context, ids []int64, versions []int64, to guazheng.HitState, reason, user string) error {
	if !to.Valid() {
		return fmt.Errorf("unknown hit state %q", to)
	}
	if user == "" {
		return errors.New("set state: no user")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		states, err := checkVersions(ctx, tx, ids, versions)
		if err != nil {
			return err
		}
		now := db.now()
		for _, id := range ids {
			from := guazheng.HitState(states[id])
			if from == to {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE hits SET state = ?, version = version + 1, updated = ? WHERE id = ?`,
				string(to), tsMust(now), id); err != nil {
				return fmt.Errorf("hit %d: %w", id, err)
			}
			if err := addHistory(ctx, tx, id, now, user, from, to, reason); err != nil {
				return err
			}
			if _, err := appendAudit(ctx, tx, now, user, "hit.state", fmt.Sprintf("hit:%d", id),
				map[string]any{"from": from, "to": to, "reason": reason}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Assign sets the hit's assignee ("" clears it).
func (db *DB) Assign(ctx context.Context, id, version int64, assignee, user string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := checkVersions(ctx, tx, []int64{id}, []int64{version}); err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE hits SET assignee = ?, version = version + 1, updated = ? WHERE id = ?`,
			assignee, tsMust(now), id); err != nil {
			return fmt.Errorf("assign hit %d: %w", id, err)
		}
		_, err := appendAudit(ctx, tx, now, user, "hit.assign", fmt.Sprintf("hit:%d", id), map[string]any{"assignee": assignee})
		return err
	})
}

// AddNote appends a reviewer's note.
func (db *DB) AddNote(ctx context.Context, id int64, author, text string) (guazheng.HitNote, error) {
	n := guazheng.HitNote{HitID: id, Author: author, Text: text}
	if strings.TrimSpace(text) == "" {
		return n, errors.New("empty note")
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM hits WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("hit %d: %w", id, ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("hit %d: %w", id, err)
		}
		n.Created = db.now().UTC()
		res, err := tx.ExecContext(ctx, `INSERT INTO hit_notes(hit_id, author, created, text) VALUES (?, ?, ?, ?)`,
			id, author, tsMust(n.Created), text)
		if err != nil {
			return fmt.Errorf("note on hit %d: %w", id, err)
		}
		n.ID, _ = res.LastInsertId()
		_, err = appendAudit(ctx, tx, n.Created, author, "hit.note", fmt.Sprintf("hit:%d", id), map[string]any{"note": n.ID, "text": text})
		return err
	})
	return n, err
}

// ExportHits streams the hits matching f with everything `guazheng export`
// lists.
func (db *DB) ExportHits(ctx context.Context, f guazheng.HitFilter, fn func(guazheng.HitExport) error) error {
	where, args, err := hitWhere(&f)
	if err != nil {
		return err
	}
	if f.Sort == "" {
		f.Sort = "id"
	}
	order, err := hitOrder(f.Sort)
	if err != nil {
		return err
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	ents := func(kind string) string {
		return `coalesce((SELECT group_concat(e.value, char(31)) FROM post_entities pe JOIN entities e ON e.id = pe.entity_id
			WHERE pe.post_id = p.id AND e.kind = '` + kind + `'), '')`
	}
	q := `SELECT h.id, p.site, p.url, p.key, coalesce(v.title, ''), coalesce(v.text, ''), p.first_seen, p.last_seen, p.taken_down,
		p.versions, coalesce(d.role, ''), coalesce(d.score, 0), coalesce(d.rules, '[]'),
		` + ents("phone") + `, ` + ents("wechat") + `, ` + ents("qq") + `, ` + ents("cert") + `, h.state,
		coalesce((SELECT c.payload_sha256 FROM post_captures pc JOIN captures c ON c.id = pc.capture_id
		          WHERE pc.post_id = p.id AND pc.version_id IS NOT NULL ORDER BY c.fetched_at DESC, c.id DESC LIMIT 1), '')
		FROM hits h JOIN posts p ON p.id = h.post_id
		LEFT JOIN post_versions v ON v.id = p.latest_version
		LEFT JOIN verdicts d ON d.id = p.latest_verdict` + where + order + limit
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("export hits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e                              guazheng.HitExport
			fs, ls                         int64
			td                             sql.NullInt64
			role, rules, ph, wx, qq, certs string
			state                          string
		)
		if err := rows.Scan(&e.ID, &e.Site, &e.URL, &e.PostKey, &e.Title, &e.Text, &fs, &ls, &td, &e.Versions, &role, &e.Score,
			&rules, &ph, &wx, &qq, &certs, &state, &e.ResponseSHA256); err != nil {
			return fmt.Errorf("export hits: %w", err)
		}
		e.FirstSeen, e.LastSeen, e.TakenDown = time.Unix(0, fs).UTC(), time.Unix(0, ls).UTC(), timeOf(td)
		e.Role, e.State = guazheng.Role(role), guazheng.HitState(state)
		e.Rules = ruleNames(rules)
		e.Phones, e.WeChat, e.QQ, e.Certs = splitList(ph), splitList(wx), splitList(qq), splitList(certs)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
