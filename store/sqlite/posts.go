package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

// GetPost returns everything stored about a post.
func (db *DB) GetPost(ctx context.Context, id int64) (*guazheng.PostDetail, error) {
	p := &guazheng.PostDetail{ID: id, Versions: []guazheng.PostVersion{}, Verdicts: []guazheng.StoredVerdict{},
		Contacts: []guazheng.StoredContact{}}
	var (
		fs, ls               int64
		td, tdBy, reappeared sql.NullInt64
	)
	err := db.r.QueryRowContext(ctx, `SELECT site, key, url, first_seen, last_seen, taken_down, taken_down_by, reappeared
		FROM posts WHERE id = ?`, id).Scan(&p.Site, &p.Key, &p.URL, &fs, &ls, &td, &tdBy, &reappeared)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("post %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("post %d: %w", id, err)
	}
	p.FirstSeen, p.LastSeen, p.TakenDown, p.Reappeared = time.Unix(0, fs).UTC(), time.Unix(0, ls).UTC(), timeOf(td), timeOf(reappeared)
	p.TakenDownBy = tdBy.Int64

	rows, err := db.r.QueryContext(ctx, `SELECT id, n, title, text, author, published, content_hash, first_seen, last_seen, capture_id
		FROM post_versions WHERE post_id = ? ORDER BY n`, id)
	if err != nil {
		return nil, fmt.Errorf("post %d versions: %w", id, err)
	}
	for rows.Next() {
		var v guazheng.PostVersion
		var pub sql.NullInt64
		var vfs, vls int64
		if err := rows.Scan(&v.ID, &v.N, &v.Title, &v.Text, &v.Author, &pub, &v.ContentHash, &vfs, &vls, &v.CaptureID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("post %d versions: %w", id, err)
		}
		v.Published, v.FirstSeen, v.LastSeen = timeOf(pub), time.Unix(0, vfs).UTC(), time.Unix(0, vls).UTC()
		p.Versions = append(p.Versions, v)
	}
	rows.Close()

	rows, err = db.r.QueryContext(ctx, `SELECT id, version_id, capture_id, created, ruleset, flagged, score, role, rules, entities
		FROM verdicts WHERE post_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("post %d verdicts: %w", id, err)
	}
	for rows.Next() {
		var v guazheng.StoredVerdict
		var created int64
		var role, rules, ents string
		if err := rows.Scan(&v.ID, &v.VersionID, &v.CaptureID, &created, &v.RuleSet, &v.Flagged, &v.Score, &role, &rules, &ents); err != nil {
			rows.Close()
			return nil, fmt.Errorf("post %d verdicts: %w", id, err)
		}
		v.Created, v.Role = time.Unix(0, created).UTC(), guazheng.Role(role)
		if err := errors.Join(json.Unmarshal([]byte(rules), &v.Rules), json.Unmarshal([]byte(ents), &v.Entities)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("post %d verdict %d: %w", id, v.ID, err)
		}
		p.Verdicts = append(p.Verdicts, v)
	}
	rows.Close()

	rows, err = db.r.QueryContext(ctx, `SELECT e.kind, e.value, pe.obfuscated, pe.first_seen FROM post_entities pe
		JOIN entities e ON e.id = pe.entity_id WHERE pe.post_id = ? ORDER BY e.kind, e.value`, id)
	if err != nil {
		return nil, fmt.Errorf("post %d entities: %w", id, err)
	}
	for rows.Next() {
		var c guazheng.StoredContact
		var at int64
		if err := rows.Scan(&c.Kind, &c.Value, &c.Obfuscated, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("post %d entities: %w", id, err)
		}
		c.FirstSeen = time.Unix(0, at).UTC()
		p.Contacts = append(p.Contacts, c)
	}
	rows.Close()

	p.Captures, err = db.Captures(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// Captures returns every capture that showed the given posts or found them
// gone, oldest first, with their WARC records.
func (db *DB) Captures(ctx context.Context, postIDs []int64) ([]guazheng.CaptureRecord, error) {
	out := []guazheng.CaptureRecord{}
	if len(postIDs) == 0 {
		return out, nil
	}
	return db.capturesWhere(ctx, `c.id IN (SELECT capture_id FROM post_captures WHERE post_id IN (`+placeholders(len(postIDs))+`))`,
		int64Args(postIDs)...)
}

// CapturesByID returns the given captures with their WARC records.
func (db *DB) CapturesByID(ctx context.Context, ids []int64) ([]guazheng.CaptureRecord, error) {
	if len(ids) == 0 {
		return []guazheng.CaptureRecord{}, nil
	}
	return db.capturesWhere(ctx, `c.id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
}

func (db *DB) capturesWhere(ctx context.Context, where string, args ...any) ([]guazheng.CaptureRecord, error) {
	out := []guazheng.CaptureRecord{}
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.site, c.kind, c.method, c.url, c.final_url, c.redirects, c.proto, c.status,
		c.server_ip, c.fetched_at, c.duration_ns, c.truncated, c.charset, c.request_header, c.response_header, c.body_size, c.payload_sha256
		FROM captures c WHERE `+where+` ORDER BY c.fetched_at, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("captures: %w", err)
	}
	index := map[int64]int{}
	for rows.Next() {
		var (
			c                 guazheng.CaptureRecord
			redirects, rq, rs string
			at, dur           int64
		)
		if err := rows.Scan(&c.ID, &c.Site, &c.Kind, &c.Method, &c.URL, &c.FinalURL, &redirects, &c.Proto, &c.Status,
			&c.ServerIP, &at, &dur, &c.Truncated, &c.Charset, &rq, &rs, &c.BodySize, &c.PayloadSHA256); err != nil {
			rows.Close()
			return nil, fmt.Errorf("captures: %w", err)
		}
		c.FetchedAt, c.Duration = time.Unix(0, at).UTC(), time.Duration(dur)
		c.RequestHeader, c.ResponseHeader = http.Header{}, http.Header{}
		if err := errors.Join(json.Unmarshal([]byte(redirects), &c.Redirects), json.Unmarshal([]byte(rq), &c.RequestHeader),
			json.Unmarshal([]byte(rs), &c.ResponseHeader)); err != nil {
			rows.Close()
			return nil, fmt.Errorf("capture %d: %w", c.ID, err)
		}
		if len(c.Redirects) == 0 {
			c.Redirects = nil
		}
		c.Records = []guazheng.WARCLocation{}
		index[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("captures: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	rows, err = db.r.QueryContext(ctx, `SELECT r.capture_id, r.type, f.name, r.offset, r.length, r.record_id, r.block_digest, r.payload_digest
		FROM warc_records r JOIN warc_files f ON f.id = r.file_id WHERE r.capture_id IN (`+placeholders(len(ids))+`) ORDER BY r.id`,
		int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("capture records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var l guazheng.WARCLocation
		if err := rows.Scan(&cid, &l.Type, &l.File, &l.Offset, &l.Length, &l.RecordID, &l.BlockDigest, &l.PayloadDigest); err != nil {
			return nil, fmt.Errorf("capture records: %w", err)
		}
		c := &out[index[cid]]
		c.Records = append(c.Records, l)
	}
	return out, rows.Err()
}

// PostsByContact returns the posts carrying value (of kind, or any kind
// but cert when kind is "").
func (db *DB) PostsByContact(ctx context.Context, kind, value string) ([]guazheng.PostRef, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT DISTINCT p.id, coalesce(h.id, 0), coalesce(h.state, ''), p.site, p.key, p.url,
		coalesce(v.title, ''), p.first_seen, p.last_seen
		FROM entities e JOIN post_entities pe ON pe.entity_id = e.id JOIN posts p ON p.id = pe.post_id
		LEFT JOIN hits h ON h.post_id = p.id LEFT JOIN post_versions v ON v.id = p.latest_version
		WHERE e.value = ? AND ((? = '' AND e.kind <> 'cert') OR e.kind = ?) ORDER BY p.id`, value, kind, kind)
	if err != nil {
		return nil, fmt.Errorf("posts by contact: %w", err)
	}
	defer rows.Close()
	out := []guazheng.PostRef{}
	for rows.Next() {
		var r guazheng.PostRef
		var state string
		var fs, ls int64
		if err := rows.Scan(&r.PostID, &r.HitID, &state, &r.Site, &r.Key, &r.URL, &r.Title, &fs, &ls); err != nil {
			return nil, fmt.Errorf("posts by contact: %w", err)
		}
		r.HitState, r.FirstSeen, r.LastSeen = guazheng.HitState(state), time.Unix(0, fs).UTC(), time.Unix(0, ls).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// Contacts returns every contact value carried by at least minPosts posts.
func (db *DB) Contacts(ctx context.Context, minPosts int) ([]guazheng.ContactPosts, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.kind, e.value, group_concat(pe.post_id) FROM entities e
		JOIN post_entities pe ON pe.entity_id = e.id WHERE e.kind <> 'cert'
		GROUP BY e.id HAVING count(*) >= ? ORDER BY e.kind, e.value`, max(minPosts, 1))
	if err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	defer rows.Close()
	out := []guazheng.ContactPosts{}
	for rows.Next() {
		var c guazheng.ContactPosts
		var ids string
		if err := rows.Scan(&c.Kind, &c.Value, &ids); err != nil {
			return nil, fmt.Errorf("contacts: %w", err)
		}
		for _, s := range strings.Split(ids, ",") {
			var id int64
			fmt.Sscan(s, &id)
			c.Posts = append(c.Posts, id)
		}
		sortInt64(c.Posts)
		out = append(out, c)
	}
	return out, rows.Err()
}

func sortInt64(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// WARCFiles lists the indexed WARC files, oldest first.
func (db *DB) WARCFiles(ctx context.Context) ([]guazheng.WARCFile, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT f.name, f.created, f.size, f.warcinfo_id,
		(SELECT count(*) FROM warc_records r WHERE r.file_id = f.id) FROM warc_files f ORDER BY f.id`)
	if err != nil {
		return nil, fmt.Errorf("WARC files: %w", err)
	}
	defer rows.Close()
	out := []guazheng.WARCFile{}
	for rows.Next() {
		var f guazheng.WARCFile
		var created int64
		if err := rows.Scan(&f.Name, &created, &f.Size, &f.WarcinfoID, &f.Records); err != nil {
			return nil, fmt.Errorf("WARC files: %w", err)
		}
		f.Created = time.Unix(0, created).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// WARCRecords calls fn for every indexed record (each file's warcinfo record
// first, with CaptureID 0), by file and offset.
func (db *DB) WARCRecords(ctx context.Context, fn func(guazheng.IndexedRecord) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT 0, 'warcinfo', name, 0, info_length, warcinfo_id, '', '', id, -1 FROM warc_files
		UNION ALL
		SELECT r.capture_id, r.type, f.name, r.offset, r.length, r.record_id, r.block_digest, r.payload_digest, f.id, r.id
		FROM warc_records r JOIN warc_files f ON f.id = r.file_id
		ORDER BY 9, 4`)
	if err != nil {
		return fmt.Errorf("WARC records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r guazheng.IndexedRecord
		var fileID, recID int64
		if err := rows.Scan(&r.CaptureID, &r.Type, &r.File, &r.Offset, &r.Length, &r.RecordID, &r.BlockDigest, &r.PayloadDigest,
			&fileID, &recID); err != nil {
			return fmt.Errorf("WARC records: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CaptureIntegrity cross-checks the index: every capture has its request,
// response and metadata records and an audit entry naming it; the response
// payload digest equals the capture's payload hash; the indexed size of each
// file covers its records.
func (db *DB) CaptureIntegrity(ctx context.Context) ([]string, error) {
	var probs []string
	checks := []struct {
		q    string
		desc func(a, b sql.NullString) string
	}{
		{`SELECT c.id, (SELECT group_concat(type) FROM warc_records r WHERE r.capture_id = c.id) FROM captures c
		  WHERE (SELECT count(*) FROM warc_records r WHERE r.capture_id = c.id AND r.type IN ('request','response','metadata')) <> 3`,
			func(a, b sql.NullString) string {
				return fmt.Sprintf("capture %s: WARC records %q in the index, want request, response and metadata", a.String, b.String)
			}},
		{`SELECT c.id, c.audit_seq FROM captures c LEFT JOIN audit_log a ON a.seq = c.audit_seq
		  WHERE a.seq IS NULL OR a.object <> 'capture:' || c.id OR a.action <> 'capture'`,
			func(a, b sql.NullString) string {
				return fmt.Sprintf("capture %s: its audit entry #%s is missing or names something else", a.String, b.String)
			}},
		{`SELECT c.id, r.payload_digest FROM captures c JOIN warc_records r ON r.capture_id = c.id AND r.type = 'response'
		  WHERE r.payload_digest <> 'sha256:' || c.payload_sha256`,
			func(a, b sql.NullString) string {
				return fmt.Sprintf("capture %s: response payload digest %s differs from the capture's payload hash", a.String, b.String)
			}},
		{`SELECT f.name, max(r.offset + r.length) FROM warc_files f JOIN warc_records r ON r.file_id = f.id
		  GROUP BY f.id HAVING max(r.offset + r.length) > f.size`,
			func(a, b sql.NullString) string {
				return fmt.Sprintf("WARC file %s: records indexed up to byte %s, beyond its recorded size", a.String, b.String)
			}},
		{`SELECT a.object, a.seq FROM audit_log a LEFT JOIN captures c ON c.id = CAST(substr(a.object, 9) AS INTEGER)
		  WHERE a.action = 'capture' AND c.id IS NULL
		  AND a.seq > coalesce((SELECT max(seq) FROM audit_log WHERE action = 'retention'), 0)`,
			func(a, b sql.NullString) string {
				return fmt.Sprintf("%s (audit #%s) is missing from the index without a retention run", a.String, b.String)
			}},
	}
	for _, c := range checks {
		rows, err := db.r.QueryContext(ctx, c.q)
		if err != nil {
			return nil, fmt.Errorf("integrity: %w", err)
		}
		for rows.Next() {
			var a, b sql.NullString
			if err := rows.Scan(&a, &b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("integrity: %w", err)
			}
			probs = append(probs, c.desc(a, b))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("integrity: %w", err)
		}
	}
	return probs, nil
}
