package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/store/warc"
)

var _ guazheng.Ingester = (*DB)(nil)

// ActorSystem is the audit actor of everything the crawl pipeline records.
const ActorSystem = "system"

// captureMeta is the JSON of a capture's metadata record.
type captureMeta struct {
	Tool     string                    `json:"tool"`
	Version  string                    `json:"version"`
	Kind     string                    `json:"kind"` // page or gone
	Capture  *guazheng.Capture         `json:"capture"`
	BodySize int                       `json:"body_size"`
	Posts    []guazheng.ClassifiedPost `json:"posts,omitempty"`
}

func contentHash(title, text string) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// captureRecords builds the request, response and metadata records of c.
func captureRecords(c *guazheng.Capture, kind string, posts []guazheng.ClassifiedPost) ([]*warc.Record, error) {
	target := c.FinalURL
	if target == "" {
		target = c.URL
	}
	at := c.FetchedAt
	reqTarget, host := target, ""
	if u, err := url.Parse(target); err == nil {
		reqTarget, host = u.RequestURI(), u.Host
	}
	ip := c.ServerIP
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	proto := c.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	reqBlock, reqOff := warc.HTTPRequestBlock(c.Method, reqTarget, proto, c.RequestHeader, host, nil)
	respBlock, respOff := warc.HTTPResponseBlock(proto, c.Status, c.ResponseHeader, c.Body)
	req := &warc.Record{Type: warc.TypeRequest, ID: warc.NewID(), Date: at, TargetURI: target,
		ContentType: "application/http;msgtype=request", Block: reqBlock, PayloadOffset: reqOff}
	resp := &warc.Record{Type: warc.TypeResponse, ID: warc.NewID(), Date: at, TargetURI: target, IPAddress: ip,
		ContentType: "application/http;msgtype=response", Block: respBlock, PayloadOffset: respOff}
	protoField := []warc.Field{{Name: "WARC-Protocol", Value: strings.ToLower(proto)}}
	if strings.HasPrefix(proto, "HTTP/2") {
		protoField[0].Value = "h2"
	}
	resp.Fields = append(resp.Fields, protoField...)
	if c.Truncated {
		resp.Fields = append(resp.Fields, warc.Field{Name: "WARC-Truncated", Value: "length"})
	}
	req.Fields = protoField
	req.ConcurrentTo = []string{resp.ID}
	resp.ConcurrentTo = []string{req.ID}
	m := captureMeta{Tool: "guazheng", Version: guazheng.Version, Kind: kind, Capture: c, BodySize: len(c.Body), Posts: posts}
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("metadata record: %w", err)
	}
	meta := &warc.Record{Type: warc.TypeMetadata, ID: warc.NewID(), Date: at, TargetURI: target,
		ContentType: "application/json", ConcurrentTo: []string{resp.ID, req.ID}, Block: mj, PayloadOffset: -1}
	return []*warc.Record{req, resp, meta}, nil
}

func headerJSON(h http.Header) string {
	if len(h) == 0 {
		return "{}"
	}
	b, err := json.Marshal(h)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// prepareCapture fills the defaults of c: FetchedAt (now, in UTC), Method
// (GET) and FinalURL (URL).
func prepareCapture(c *guazheng.Capture, now func() time.Time) {
	if c.FetchedAt.IsZero() {
		c.FetchedAt = now()
	}
	c.FetchedAt = c.FetchedAt.UTC()
	if c.Method == "" {
		c.Method = http.MethodGet
	}
	if c.FinalURL == "" {
		c.FinalURL = c.URL
	}
}

// storeCapture stores capture c: it writes its WARC records and, in one
// transaction, indexes them, records the capture (with its audit entry) and
// runs f. Compression and writing of the records overlap with the
// statements of the transaction, but the transaction commits only once the
// records are in the file; if it fails, the records are cut off the file
// again. It sets c.ID.
func (db *DB) storeCapture(ctx context.Context, c *guazheng.Capture, kind string, posts []guazheng.ClassifiedPost,
	f func(tx *sql.Tx, captureID int64) error) error {
	if db.ev == nil {
		return errors.New("store opened read-only")
	}
	if c.Site == "" {
		return errors.New("capture without site")
	}
	prepareCapture(c, db.now)
	recs, err := captureRecords(c, kind, posts)
	if err != nil {
		return err
	}
	for _, r := range recs {
		r.Digests()
	}
	req, resp := recs[0], recs[1]
	payload := strings.TrimPrefix(resp.PayloadDigest, "sha256:")

	// Compression starts at once, in parallel with other captures being
	// stored and with this capture's statements below.
	encoded := make(chan *warc.Encoded, 1)
	var encErr error
	go func() {
		e, err := db.ev.w.Encode(recs...)
		encErr = err
		encoded <- e
	}()
	// One capture at a time from here: the file's indexed end only grows,
	// and a failed commit can cut its own records off the end of the file.
	db.ev.mu.Lock()
	defer db.ev.mu.Unlock()
	var batch warc.Batch
	waited := false
	wait := func() error {
		if waited {
			return nil
		}
		waited = true
		e := <-encoded
		if encErr != nil {
			return fmt.Errorf("encode WARC: %w", encErr)
		}
		b, err := db.ev.w.WriteEncoded(e)
		if err != nil {
			return fmt.Errorf("write WARC: %w", err)
		}
		batch = b
		if db.hookAfterWARC != nil {
			db.hookAfterWARC(batch)
		}
		return nil
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		if err := db.ensureSiteCached(ctx, tx, c.Site, now); err != nil {
			return err
		}
		redirects, _ := json.Marshal(c.Redirects)
		if c.Redirects == nil {
			redirects = []byte("[]")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO captures(site, kind, method, url, final_url, redirects, proto, status,
			server_ip, fetched_at, duration_ns, truncated, charset, request_header, response_header, body_size, payload_sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Site, kind, c.Method, c.URL, c.FinalURL, string(redirects), c.Proto, c.Status, c.ServerIP,
			tsMust(c.FetchedAt), int64(c.Duration), c.Truncated, c.Charset, headerJSON(c.RequestHeader),
			headerJSON(c.ResponseHeader), len(c.Body), payload)
		if err != nil {
			return fmt.Errorf("insert capture: %w", err)
		}
		id, _ := res.LastInsertId()
		ae, err := appendAudit(ctx, tx, now, ActorSystem, "capture", fmt.Sprintf("capture:%d", id), map[string]any{
			"site": c.Site, "kind": kind, "url": c.URL, "final_url": c.FinalURL, "status": c.Status,
			"fetched_at": c.FetchedAt, "payload_sha256": payload, "request_record": req.ID,
			"response_record": resp.ID, "response_block_digest": resp.BlockDigest, "metadata_record": recs[2].ID,
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE captures SET audit_seq = ? WHERE id = ?`, ae.Seq, id); err != nil {
			return fmt.Errorf("link capture to audit: %w", err)
		}
		c.ID = id
		if f != nil {
			if err := f(tx, id); err != nil {
				return err
			}
		}
		// Index the records once they are in the file.
		if err := wait(); err != nil {
			return err
		}
		if nf := batch.NewFile; nf != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO warc_files(name, created, warcinfo_id, info_length, size)
				VALUES (?, ?, ?, ?, ?)`, nf.Name, tsMust(nf.Created), nf.WarcinfoID, nf.InfoLength, nf.InfoLength); err != nil {
				return fmt.Errorf("index WARC file: %w", err)
			}
		}
		fileID, err := db.ev.fileID(ctx, tx, batch.Locations[0].File)
		if err != nil {
			return err
		}
		for _, l := range batch.Locations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO warc_records(capture_id, file_id, type, offset, length, record_id,
				block_digest, payload_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				id, fileID, l.Type, l.Offset, l.Length, l.RecordID, l.BlockDigest, l.PayloadDigest); err != nil {
				return fmt.Errorf("index WARC record: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE warc_files SET size = max(size, ?) WHERE id = ?`, batch.End, fileID); err != nil {
			return fmt.Errorf("index WARC file size: %w", err)
		}
		return nil
	})
	if err != nil && !waited {
		<-encoded // nothing was written
		c.ID = 0
		return err
	}
	if werr := wait(); werr != nil {
		c.ID = 0
		if err == nil {
			err = werr
		}
		return err
	}
	if err != nil {
		c.ID = 0
		db.ev.forget()
		if uerr := db.ev.w.Undo(batch); uerr != nil {
			db.log.Error("could not cut uncommitted WARC records; they stay unindexed", "err", uerr)
		}
		return err
	}
	db.sites.Store(c.Site, true)
	return nil
}

// Ingest stores capture c (its WARC records and index row) and, for each
// post, a new version if its content changed, its verdict and entities, and
// its hit: one transaction per post, the first shared with the capture.
//
// It fills c.ID, and defaults: FetchedAt (now, in UTC), Method (GET),
// FinalURL (URL), Site (the first post's site).
func (db *DB) Ingest(ctx context.Context, c *guazheng.Capture, posts []guazheng.ClassifiedPost) ([]guazheng.PostChange, error) {
	if c.Site == "" && len(posts) > 0 {
		c.Site = posts[0].Post.Site
	}
	prepareCapture(c, db.now)
	// Complete and check the posts before anything is written, so that the
	// metadata record shows them as stored and a bad post loses no capture.
	for i := range posts {
		p := &posts[i].Post
		if p.Site == "" {
			p.Site = c.Site
		}
		if p.URL == "" {
			p.URL = c.FinalURL
		}
		if p.Key == "" {
			return nil, fmt.Errorf("store capture %s: post %d has no key", c.URL, i)
		}
	}
	changes := make([]guazheng.PostChange, 0, len(posts))
	err := db.storeCapture(ctx, c, "page", posts, func(tx *sql.Tx, captureID int64) error {
		if len(posts) == 0 {
			return nil
		}
		ch, err := db.ingestPost(ctx, tx, c, &posts[0])
		if err != nil {
			return err
		}
		changes = append(changes, ch)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store capture %s: %w", c.URL, err)
	}
	for i := 1; i < len(posts); i++ {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			ch, err := db.ingestPost(ctx, tx, c, &posts[i])
			if err != nil {
				return err
			}
			changes = append(changes, ch)
			return nil
		})
		if err != nil {
			return changes, err
		}
	}
	return changes, nil
}

type postRow struct {
	id            int64
	versions      int
	latestVersion sql.NullInt64
	latestVerdict sql.NullInt64
	takenDown     sql.NullInt64
}

// ingestPost stores one classified post seen in capture c.
func (db *DB) ingestPost(ctx context.Context, tx *sql.Tx, c *guazheng.Capture, cp *guazheng.ClassifiedPost) (guazheng.PostChange, error) {
	p := &cp.Post
	if p.Site == "" {
		p.Site = c.Site
	}
	if p.Key == "" {
		return 0, fmt.Errorf("post without key on %s", c.URL)
	}
	if p.URL == "" {
		p.URL = c.FinalURL
	}
	at := tsMust(c.FetchedAt)
	now := db.now()
	if p.Site != c.Site {
		if err := ensureSite(ctx, tx, p.Site, now); err != nil {
			return 0, err
		}
	}
	hash := contentHash(p.Title, p.Text)
	var pr postRow
	err := tx.QueryRowContext(ctx, `SELECT id, versions, latest_version, latest_verdict, taken_down FROM posts WHERE site = ? AND key = ?`,
		p.Site, p.Key).Scan(&pr.id, &pr.versions, &pr.latestVersion, &pr.latestVerdict, &pr.takenDown)
	change := guazheng.PostUnchanged
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO posts(site, key, url, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
			p.Site, p.Key, p.URL, at, at)
		if err != nil {
			return 0, fmt.Errorf("insert post %s: %w", p.Key, err)
		}
		pr.id, _ = res.LastInsertId()
		change = guazheng.PostNew
	case err != nil:
		return 0, fmt.Errorf("look up post %s: %w", p.Key, err)
	default:
		var latestHash string
		if pr.latestVersion.Valid {
			if err := tx.QueryRowContext(ctx, `SELECT content_hash FROM post_versions WHERE id = ?`, pr.latestVersion.Int64).Scan(&latestHash); err != nil {
				return 0, fmt.Errorf("latest version of post %d: %w", pr.id, err)
			}
		}
		if latestHash != hash {
			change = guazheng.PostChanged
		}
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET last_seen = max(last_seen, ?), url = ? WHERE id = ?`, at, p.URL, pr.id); err != nil {
			return 0, fmt.Errorf("update post %d: %w", pr.id, err)
		}
		if pr.takenDown.Valid && at > pr.takenDown.Int64 {
			if _, err := tx.ExecContext(ctx, `UPDATE posts SET taken_down = NULL, taken_down_by = NULL, reappeared = ? WHERE id = ?`, at, pr.id); err != nil {
				return 0, fmt.Errorf("update post %d: %w", pr.id, err)
			}
			if _, err := appendAudit(ctx, tx, now, ActorSystem, "post.reappeared", fmt.Sprintf("post:%d", pr.id), map[string]any{
				"taken_down": time.Unix(0, pr.takenDown.Int64).UTC(), "seen_again": c.FetchedAt, "capture": c.ID}); err != nil {
				return 0, err
			}
		}
	}
	versionID := pr.latestVersion.Int64
	if change == guazheng.PostUnchanged {
		if _, err := tx.ExecContext(ctx, `UPDATE post_versions SET last_seen = max(last_seen, ?) WHERE id = ?`, at, versionID); err != nil {
			return 0, fmt.Errorf("update version: %w", err)
		}
	} else {
		res, err := tx.ExecContext(ctx, `INSERT INTO post_versions(post_id, n, content_hash, title, text, author, published,
			first_seen, last_seen, capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			pr.id, pr.versions+1, hash, p.Title, p.Text, p.Author, tsOf(p.Published), at, at, c.ID)
		if err != nil {
			return 0, fmt.Errorf("insert version of post %d: %w", pr.id, err)
		}
		versionID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET versions = versions + 1, latest_version = ? WHERE id = ?`, versionID, pr.id); err != nil {
			return 0, fmt.Errorf("update post %d: %w", pr.id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO post_captures(post_id, capture_id, version_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		pr.id, c.ID, versionID); err != nil {
		return 0, fmt.Errorf("link post %d to capture: %w", pr.id, err)
	}

	// The verdict is stored for new content, or when the rule set decides
	// differently about the same content.
	v := &cp.Verdict
	store := change != guazheng.PostUnchanged || !pr.latestVerdict.Valid
	if !store {
		var rs, role string
		var flagged bool
		var score float64
		if err := tx.QueryRowContext(ctx, `SELECT ruleset, flagged, score, role FROM verdicts WHERE id = ?`, pr.latestVerdict.Int64).
			Scan(&rs, &flagged, &score, &role); err != nil {
			return 0, fmt.Errorf("latest verdict of post %d: %w", pr.id, err)
		}
		store = rs != v.RuleSet || flagged != v.Flagged || score != v.Score || role != string(v.Role)
	}
	if !store {
		return change, nil
	}
	rules, err := json.Marshal(v.Rules)
	if err != nil {
		return 0, fmt.Errorf("verdict rules: %w", err)
	}
	ents, err := json.Marshal(v.Entities)
	if err != nil {
		return 0, fmt.Errorf("verdict entities: %w", err)
	}
	if v.Rules == nil {
		rules = []byte("[]")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO verdicts(post_id, version_id, capture_id, created, ruleset, flagged, score, role, rules, entities)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, pr.id, versionID, c.ID, tsMust(now), v.RuleSet, v.Flagged, v.Score, string(v.Role), string(rules), string(ents))
	if err != nil {
		return 0, fmt.Errorf("insert verdict of post %d: %w", pr.id, err)
	}
	verdictID, _ := res.LastInsertId()
	if _, err := tx.ExecContext(ctx, `UPDATE posts SET latest_verdict = ? WHERE id = ?`, verdictID, pr.id); err != nil {
		return 0, fmt.Errorf("update post %d: %w", pr.id, err)
	}
	ruleNames := make([]string, len(v.Rules))
	for i, r := range v.Rules {
		ruleNames[i] = r.Rule
	}
	if _, err := appendAudit(ctx, tx, now, ActorSystem, "verdict", fmt.Sprintf("post:%d", pr.id), map[string]any{
		"verdict": verdictID, "version": versionID, "capture": c.ID, "ruleset": v.RuleSet, "flagged": v.Flagged,
		"score": v.Score, "role": v.Role, "rules": ruleNames, "content_sha256": hash}); err != nil {
		return 0, err
	}
	if err := linkEntities(ctx, tx, pr.id, versionID, at, &v.Entities); err != nil {
		return 0, err
	}
	if v.Flagged {
		if err := db.flag(ctx, tx, pr.id, versionID, change, v, now, at); err != nil {
			return 0, err
		}
	}
	return change, nil
}

// linkEntities records the post's contacts and certificates.
func linkEntities(ctx context.Context, tx *sql.Tx, postID, versionID, at int64, e *guazheng.Entities) error {
	type ent struct {
		kind, value string
		obf         bool
	}
	var list []ent
	seen := map[[2]string]int{}
	add := func(kind, value string, obf bool) {
		value = strings.TrimSpace(value)
		if value == "" {
			return
		}
		k := [2]string{kind, value}
		if i, ok := seen[k]; ok {
			list[i].obf = list[i].obf || obf
			return
		}
		seen[k] = len(list)
		list = append(list, ent{kind, value, obf})
	}
	for _, c := range e.Contacts {
		add(string(c.Kind), c.Value, c.Obfuscated)
	}
	for _, v := range e.Phones {
		add(string(guazheng.ContactPhone), v, false)
	}
	for _, v := range e.WeChat {
		add(string(guazheng.ContactWeChat), v, false)
	}
	for _, v := range e.QQ {
		add(string(guazheng.ContactQQ), v, false)
	}
	for _, v := range e.Emails {
		add(string(guazheng.ContactEmail), v, false)
	}
	for _, v := range e.Companies {
		add(string(guazheng.ContactCompany), v, false)
	}
	for _, c := range e.Certs {
		add("cert", c.Label(), false)
	}
	for _, en := range list {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO entities(kind, value) VALUES (?, ?)
			ON CONFLICT(kind, value) DO UPDATE SET kind = kind RETURNING id`, en.kind, en.value).Scan(&id)
		if err != nil {
			return fmt.Errorf("entity %s %s: %w", en.kind, en.value, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_entities(post_id, entity_id, version_id, obfuscated, first_seen)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET obfuscated = max(obfuscated, excluded.obfuscated)`,
			postID, id, versionID, en.obf, at); err != nil {
			return fmt.Errorf("link entity %s: %w", en.value, err)
		}
	}
	return nil
}

// flag opens the post's hit, or updates it: a dismissed hit is reopened
// when the post has a new version; an unchanged recrawl never reopens.
// The hit's flagged time is seenAt, when the flagged content was captured.
func (db *DB) flag(ctx context.Context, tx *sql.Tx, postID, versionID int64, change guazheng.PostChange, v *guazheng.Verdict, now time.Time, seenAt int64) error {
	var (
		hitID int64
		state string
	)
	err := tx.QueryRowContext(ctx, `SELECT id, state FROM hits WHERE post_id = ?`, postID).Scan(&hitID, &state)
	reason := fmt.Sprintf("规则集 %s 判定 %.2f 分", v.RuleSet, v.Score)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO hits(post_id, state, created, updated, flagged, flagged_version)
			VALUES (?, 'pending', ?, ?, ?, ?)`, postID, tsMust(now), tsMust(now), seenAt, versionID)
		if err != nil {
			return fmt.Errorf("open hit for post %d: %w", postID, err)
		}
		hitID, _ = res.LastInsertId()
		if err := addHistory(ctx, tx, hitID, now, ActorSystem, "", guazheng.HitPending, reason); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, now, ActorSystem, "hit.open", fmt.Sprintf("hit:%d", hitID),
			map[string]any{"post": postID, "version": versionID, "ruleset": v.RuleSet, "score": v.Score})
		return err
	case err != nil:
		return fmt.Errorf("hit of post %d: %w", postID, err)
	}
	if guazheng.HitState(state) == guazheng.HitDismissed && change == guazheng.PostChanged {
		if _, err := tx.ExecContext(ctx, `UPDATE hits SET state = 'pending', version = version + 1, updated = ?, flagged = ?,
			flagged_version = ? WHERE id = ?`, tsMust(now), seenAt, versionID, hitID); err != nil {
			return fmt.Errorf("reopen hit %d: %w", hitID, err)
		}
		if err := addHistory(ctx, tx, hitID, now, ActorSystem, guazheng.HitDismissed, guazheng.HitPending, "帖子内容变更后再次命中："+reason); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, now, ActorSystem, "hit.reopen", fmt.Sprintf("hit:%d", hitID),
			map[string]any{"post": postID, "version": versionID, "ruleset": v.RuleSet, "score": v.Score, "from": state})
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE hits SET flagged = max(flagged, ?), flagged_version = ? WHERE id = ?`, seenAt, versionID, hitID); err != nil {
		return fmt.Errorf("update hit %d: %w", hitID, err)
	}
	return nil
}

func addHistory(ctx context.Context, tx *sql.Tx, hitID int64, at time.Time, actor string, from, to guazheng.HitState, reason string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO hit_history(hit_id, at, actor, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?)`,
		hitID, tsMust(at), actor, string(from), string(to), reason); err != nil {
		return fmt.Errorf("hit %d history: %w", hitID, err)
	}
	return nil
}

// TakeDown stores capture c (the 404/410 or "deleted" page) and marks every
// post of c.Site published at c.URL or c.FinalURL (by URL, by key, or by the
// URL part of a key such as URL#floor-3) as taken down at c.FetchedAt.
// Nothing is deleted. It returns how many posts it marked.
func (db *DB) TakeDown(ctx context.Context, c *guazheng.Capture) (int, error) {
	prepareCapture(c, db.now)
	n := 0
	err := db.storeCapture(ctx, c, "gone", nil, func(tx *sql.Tx, captureID int64) error {
		at := tsMust(c.FetchedAt)
		urls := []string{c.URL}
		if c.FinalURL != "" && c.FinalURL != c.URL {
			urls = append(urls, c.FinalURL)
		}
		ids := map[int64]bool{}
		var order []int64
		for _, u := range urls {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM posts WHERE site = ? AND (url = ? OR key = ? OR (key > ? AND key < ?))`,
				c.Site, u, u, u+"#", u+"$")
			if err != nil {
				return fmt.Errorf("posts at %s: %w", u, err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				if !ids[id] {
					ids[id] = true
					order = append(order, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for _, id := range order {
			if _, err := tx.ExecContext(ctx, `INSERT INTO post_captures(post_id, capture_id, version_id) VALUES (?, ?, NULL)
				ON CONFLICT DO NOTHING`, id, captureID); err != nil {
				return fmt.Errorf("link post %d to takedown: %w", id, err)
			}
			res, err := tx.ExecContext(ctx, `UPDATE posts SET taken_down = ?, taken_down_by = ? WHERE id = ? AND taken_down IS NULL AND last_seen <= ?`,
				at, captureID, id, at)
			if err != nil {
				return fmt.Errorf("take down post %d: %w", id, err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			n++
			if _, err := appendAudit(ctx, tx, db.now(), ActorSystem, "post.taken_down", fmt.Sprintf("post:%d", id), map[string]any{
				"capture": captureID, "url": c.URL, "status": c.Status, "at": c.FetchedAt}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("take down %s: %w", c.URL, err)
	}
	return n, nil
}
