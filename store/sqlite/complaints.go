package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

var _ guazheng.ComplaintStore = (*DB)(nil)

// reviewSchema is the migration of the complaints register and the index the
// monthly report reads the hit history by. complaint_posts names posts
// without a foreign key so that retention can still delete old posts.
const reviewSchema = `
CREATE TABLE complaints (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	channel     TEXT NOT NULL,
	received    INTEGER NOT NULL,
	complainant TEXT NOT NULL DEFAULT '',
	urls        TEXT NOT NULL DEFAULT '[]',
	contacts    TEXT NOT NULL DEFAULT '[]',
	notes       TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL CHECK (state IN ('open','inprogress','closed')),
	version     INTEGER NOT NULL DEFAULT 1,
	created     INTEGER NOT NULL,
	created_by  TEXT NOT NULL,
	updated     INTEGER NOT NULL,
	closed      INTEGER,
	result      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaints_received ON complaints(received);
CREATE INDEX complaints_closed ON complaints(closed);

CREATE TABLE complaint_captures (
	id           INTEGER PRIMARY KEY,
	complaint_id INTEGER NOT NULL REFERENCES complaints(id),
	url          TEXT NOT NULL,
	at           INTEGER NOT NULL,
	error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_captures_complaint ON complaint_captures(complaint_id);

CREATE TABLE complaint_posts (
	capture_id INTEGER NOT NULL REFERENCES complaint_captures(id),
	post_id    INTEGER NOT NULL,
	PRIMARY KEY (capture_id, post_id)
) WITHOUT ROWID;

CREATE TABLE complaint_history (
	id           INTEGER PRIMARY KEY,
	complaint_id INTEGER NOT NULL REFERENCES complaints(id),
	at           INTEGER NOT NULL,
	actor        TEXT NOT NULL,
	from_state   TEXT NOT NULL,
	to_state     TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_history_complaint ON complaint_history(complaint_id);

CREATE INDEX hit_history_at ON hit_history(at);
`

func jsonList(v []string) string {
	if len(v) == 0 {
		return "[]"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "[]"
	}
	return string(b)
}

// CreateComplaint registers c in state open.
func (db *DB) CreateComplaint(ctx context.Context, c guazheng.Complaint, user string) (guazheng.Complaint, error) {
	c.Channel = strings.TrimSpace(c.Channel)
	if c.Channel == "" {
		return c, errors.New("complaint without channel")
	}
	if user == "" {
		return c, errors.New("complaint: no user")
	}
	now := db.now().UTC()
	if c.Received.IsZero() {
		c.Received = now
	}
	c.State, c.Version, c.Created, c.Updated, c.CreatedBy = guazheng.ComplaintOpen, 1, now, now, user
	c.Closed, c.Result = time.Time{}, ""
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO complaints(channel, received, complainant, urls, contacts, notes, state,
			version, created, created_by, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
			c.Channel, tsMust(c.Received), c.Complainant, jsonList(c.URLs), jsonList(c.Contacts), c.Notes, string(c.State),
			tsMust(now), user, tsMust(now))
		if err != nil {
			return fmt.Errorf("create complaint: %w", err)
		}
		c.ID, _ = res.LastInsertId()
		if err := addComplaintHistory(ctx, tx, c.ID, now, user, "", c.State, ""); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, now, user, "complaint.create", fmt.Sprintf("complaint:%d", c.ID),
			map[string]any{"channel": c.Channel, "received": c.Received, "urls": c.URLs, "contacts": c.Contacts})
		return err
	})
	return c, err
}

func addComplaintHistory(ctx context.Context, tx *sql.Tx, id int64, at time.Time, actor string, from, to guazheng.ComplaintState, note string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO complaint_history(complaint_id, at, actor, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?)`, id, tsMust(at), actor, string(from), string(to), note); err != nil {
		return fmt.Errorf("complaint %d history: %w", id, err)
	}
	return nil
}

const complaintCols = `id, channel, received, complainant, urls, contacts, notes, state, version, created, created_by, updated, closed, result`

func scanComplaint(sc interface{ Scan(...any) error }) (guazheng.Complaint, error) {
	var (
		c                      guazheng.Complaint
		received, created, upd int64
		closed                 sql.NullInt64
		urls, contacts, state  string
	)
	if err := sc.Scan(&c.ID, &c.Channel, &received, &c.Complainant, &urls, &contacts, &c.Notes, &state, &c.Version,
		&created, &c.CreatedBy, &upd, &closed, &c.Result); err != nil {
		return c, err
	}
	c.Received, c.Created, c.Updated, c.Closed = time.Unix(0, received).UTC(), time.Unix(0, created).UTC(), time.Unix(0, upd).UTC(), timeOf(closed)
	c.State = guazheng.ComplaintState(state)
	if err := errors.Join(json.Unmarshal([]byte(urls), &c.URLs), json.Unmarshal([]byte(contacts), &c.Contacts)); err != nil {
		return c, fmt.Errorf("complaint %d: %w", c.ID, err)
	}
	return c, nil
}

// GetComplaint returns a complaint with its captures and history.
func (db *DB) GetComplaint(ctx context.Context, id int64) (*guazheng.ComplaintDetail, error) {
	c, err := scanComplaint(db.r.QueryRowContext(ctx, `SELECT `+complaintCols+` FROM complaints WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("complaint %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("complaint %d: %w", id, err)
	}
	d := &guazheng.ComplaintDetail{Complaint: c, Captures: []guazheng.ComplaintCapture{}, History: []guazheng.ComplaintChange{}}
	rows, err := db.r.QueryContext(ctx, `SELECT id, url, at, error FROM complaint_captures WHERE complaint_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("complaint %d captures: %w", id, err)
	}
	var capIDs []int64
	for rows.Next() {
		var cc guazheng.ComplaintCapture
		var cid, at int64
		if err := rows.Scan(&cid, &cc.URL, &at, &cc.Error); err != nil {
			rows.Close()
			return nil, fmt.Errorf("complaint %d captures: %w", id, err)
		}
		cc.At, cc.Posts = time.Unix(0, at).UTC(), []guazheng.PostRef{}
		capIDs = append(capIDs, cid)
		d.Captures = append(d.Captures, cc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("complaint %d captures: %w", id, err)
	}
	for i, cid := range capIDs {
		var ids []int64
		prow, err := db.r.QueryContext(ctx, `SELECT post_id FROM complaint_posts WHERE capture_id = ? ORDER BY post_id`, cid)
		if err != nil {
			return nil, fmt.Errorf("complaint %d posts: %w", id, err)
		}
		for prow.Next() {
			var pid int64
			if err := prow.Scan(&pid); err != nil {
				prow.Close()
				return nil, fmt.Errorf("complaint %d posts: %w", id, err)
			}
			ids = append(ids, pid)
		}
		prow.Close()
		sums, err := db.PostSummaries(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, s := range sums {
			d.Captures[i].Posts = append(d.Captures[i].Posts, s.PostRef)
		}
	}
	hrows, err := db.r.QueryContext(ctx, `SELECT at, actor, from_state, to_state, note FROM complaint_history
		WHERE complaint_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("complaint %d history: %w", id, err)
	}
	defer hrows.Close()
	for hrows.Next() {
		var h guazheng.ComplaintChange
		var at int64
		var from, to string
		if err := hrows.Scan(&at, &h.Actor, &from, &to, &h.Note); err != nil {
			return nil, fmt.Errorf("complaint %d history: %w", id, err)
		}
		h.At, h.From, h.To = time.Unix(0, at).UTC(), guazheng.ComplaintState(from), guazheng.ComplaintState(to)
		d.History = append(d.History, h)
	}
	return d, hrows.Err()
}

// ListComplaints returns one page of complaints, newest received first.
func (db *DB) ListComplaints(ctx context.Context, f guazheng.ComplaintFilter) ([]guazheng.Complaint, int, error) {
	var conds []string
	var args []any
	if len(f.States) > 0 {
		conds = append(conds, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			if !s.Valid() {
				return nil, 0, fmt.Errorf("unknown complaint state %q", s)
			}
			args = append(args, string(s))
		}
	}
	for _, r := range []struct {
		col  string
		t    time.Time
		cond string
	}{{"received", f.ReceivedFrom, ">="}, {"received", f.ReceivedTo, "<"}, {"closed", f.ClosedFrom, ">="}, {"closed", f.ClosedTo, "<"}} {
		if !r.t.IsZero() {
			conds = append(conds, r.col+" "+r.cond+" ?")
			args = append(args, tsMust(r.t))
		}
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM complaints`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count complaints: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+complaintCols+` FROM complaints`+where+` ORDER BY received DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list complaints: %w", err)
	}
	defer rows.Close()
	out := []guazheng.Complaint{}
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list complaints: %w", err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// SetComplaintState moves a complaint to state to, checking its version.
func (db *DB) SetComplaintState(ctx context.Context, id, version int64, to guazheng.ComplaintState, note, user string) error {
	if !to.Valid() {
		return fmt.Errorf("unknown complaint state %q", to)
	}
	if user == "" {
		return errors.New("complaint state: no user")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var state string
		var v int64
		err := tx.QueryRowContext(ctx, `SELECT state, version FROM complaints WHERE id = ?`, id).Scan(&state, &v)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("complaint %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("complaint %d: %w", id, err)
		}
		if v != version {
			return fmt.Errorf("complaint %d (version %d, read %d): %w", id, v, version, guazheng.ErrConflict)
		}
		from := guazheng.ComplaintState(state)
		now := db.now().UTC()
		closed, result := any(nil), ""
		if to == guazheng.ComplaintClosed {
			closed, result = tsMust(now), note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE complaints SET state = ?, version = version + 1, updated = ?, closed = ?,
			result = CASE WHEN ? = 'closed' THEN ? ELSE result END WHERE id = ?`,
			string(to), tsMust(now), closed, string(to), result, id); err != nil {
			return fmt.Errorf("complaint %d: %w", id, err)
		}
		if err := addComplaintHistory(ctx, tx, id, now, user, from, to, note); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, now, user, "complaint.state", fmt.Sprintf("complaint:%d", id),
			map[string]any{"from": from, "to": to, "note": note})
		return err
	})
}

// RecordComplaintCapture links the capture of url to the complaint.
func (db *DB) RecordComplaintCapture(ctx context.Context, id int64, url string, at time.Time, postIDs []int64, captureErr string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM complaints WHERE id = ?`, id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("complaint %d: %w", id, ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("complaint %d: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO complaint_captures(complaint_id, url, at, error) VALUES (?, ?, ?, ?)`,
			id, url, tsMust(at), captureErr)
		if err != nil {
			return fmt.Errorf("complaint %d capture: %w", id, err)
		}
		cid, _ := res.LastInsertId()
		for _, p := range postIDs {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO complaint_posts(capture_id, post_id) VALUES (?, ?)`, cid, p); err != nil {
				return fmt.Errorf("complaint %d capture: %w", id, err)
			}
		}
		_, err = appendAudit(ctx, tx, db.now(), ActorSystem, "complaint.capture", fmt.Sprintf("complaint:%d", id),
			map[string]any{"url": url, "posts": postIDs, "error": captureErr})
		return err
	})
}
