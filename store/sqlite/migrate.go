package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one step of the schema. Steps are applied in order, each in
// the same transaction as the bump of PRAGMA user_version, so a database is
// always at exactly one version. Never edit a released step: add a new one.
type migration struct {
	name string
	sql  string
}

// SchemaVersion is the schema version this program writes.
func SchemaVersion() int { return len(migrations) }

func (db *DB) migrate(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("%s has schema version %d, this program knows up to %d; use a newer guazheng: %w",
				db.path, v, len(migrations), ErrSchemaTooNew)
		}
		for i := v; i < len(migrations); i++ {
			m := migrations[i]
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %d (%s): %w", i+1, m.name, err)
			}
			if _, err := tx.ExecContext(ctx,
				"INSERT INTO schema_migrations(version, name, applied) VALUES (?, ?, ?)",
				i+1, m.name, tsMust(db.now())); err != nil {
				return fmt.Errorf("record migration %d: %w", i+1, err)
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
				return fmt.Errorf("set schema version %d: %w", i+1, err)
			}
			db.log.Info("database migrated", "path", db.path, "version", i+1, "name", m.name)
		}
		return nil
	})
}

// checkVersion refuses a database that is not exactly at SchemaVersion (used
// when opening read-only, where no migration can run).
func (db *DB) checkVersion(ctx context.Context) error {
	var v int
	if err := db.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%s has schema version %d, this program knows up to %d; use a newer guazheng: %w",
			db.path, v, len(migrations), ErrSchemaTooNew)
	}
	if v < len(migrations) {
		return fmt.Errorf("%s has schema version %d, expected %d: open it once read-write to upgrade", db.path, v, len(migrations))
	}
	return nil
}

var migrations = []migration{
	{name: "frontier and runs", sql: `
CREATE TABLE schema_migrations (
	version INTEGER PRIMARY KEY,
	name    TEXT NOT NULL,
	applied INTEGER NOT NULL
);

CREATE TABLE sites (
	name    TEXT PRIMARY KEY,
	created INTEGER NOT NULL
) WITHOUT ROWID;

-- state: fresh (never fetched or released), claimed (leased until lease_until),
-- done (fetched; due again at next_fetch, never when NULL).
-- due folds the three into one indexed column: the time from which the URL
-- may be claimed (0 for fresh, lease_until for claimed, next_fetch for done),
-- NULL for never.
CREATE TABLE frontier (
	id            INTEGER PRIMARY KEY,
	site          TEXT NOT NULL REFERENCES sites(name),
	url           TEXT NOT NULL,
	kind          TEXT NOT NULL DEFAULT '',
	depth         INTEGER NOT NULL DEFAULT 0,
	referrer      TEXT NOT NULL DEFAULT '',
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	content_hash  TEXT NOT NULL DEFAULT '',
	fetches       INTEGER NOT NULL DEFAULT 0,
	interval_ns   INTEGER NOT NULL DEFAULT 0,
	next_fetch    INTEGER,
	last_status   INTEGER NOT NULL DEFAULT 0,
	state         TEXT NOT NULL DEFAULT 'fresh' CHECK (state IN ('fresh','claimed','done')),
	claimed_at    INTEGER,
	lease_until   INTEGER,
	due           INTEGER,
	added         INTEGER NOT NULL,
	UNIQUE (site, url)
);
CREATE INDEX frontier_due ON frontier(site, due);

CREATE TABLE runs (
	id               INTEGER PRIMARY KEY,
	site             TEXT NOT NULL REFERENCES sites(name),
	started          INTEGER NOT NULL,
	finished         INTEGER,
	counters         TEXT NOT NULL DEFAULT '{}',
	statuses         TEXT NOT NULL DEFAULT '{}',
	hosts            TEXT NOT NULL DEFAULT '{}',
	robots_conflicts TEXT NOT NULL DEFAULT '[]',
	error            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_site ON runs(site, started);
`},
	{name: "evidence", sql: `
CREATE TABLE warc_files (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE, -- inside the WARC directory
	created     INTEGER NOT NULL,
	warcinfo_id TEXT NOT NULL,
	info_length INTEGER NOT NULL,     -- the warcinfo record takes [0, info_length)
	size        INTEGER NOT NULL      -- end of the last indexed record
);

-- One row per HTTP exchange; the bytes are in the WARC records.
CREATE TABLE captures (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	site            TEXT NOT NULL REFERENCES sites(name),
	kind            TEXT NOT NULL CHECK (kind IN ('page','gone')),
	method          TEXT NOT NULL,
	url             TEXT NOT NULL,
	final_url       TEXT NOT NULL,
	redirects       TEXT NOT NULL DEFAULT '[]',
	proto           TEXT NOT NULL DEFAULT '',
	status          INTEGER NOT NULL,
	server_ip       TEXT NOT NULL DEFAULT '',
	fetched_at      INTEGER NOT NULL,
	duration_ns     INTEGER NOT NULL DEFAULT 0,
	truncated       INTEGER NOT NULL DEFAULT 0,
	charset         TEXT NOT NULL DEFAULT '',
	request_header  TEXT NOT NULL DEFAULT '{}',
	response_header TEXT NOT NULL DEFAULT '{}',
	body_size       INTEGER NOT NULL,
	payload_sha256  TEXT NOT NULL,
	audit_seq       INTEGER NOT NULL DEFAULT 0 -- the audit entry recording it
);
CREATE INDEX captures_fetched ON captures(fetched_at);

CREATE TABLE warc_records (
	id             INTEGER PRIMARY KEY,
	capture_id     INTEGER NOT NULL REFERENCES captures(id),
	file_id        INTEGER NOT NULL REFERENCES warc_files(id),
	type           TEXT NOT NULL,
	offset         INTEGER NOT NULL,
	length         INTEGER NOT NULL,
	record_id      TEXT NOT NULL UNIQUE,
	block_digest   TEXT NOT NULL,
	payload_digest TEXT NOT NULL DEFAULT ''
);
CREATE INDEX warc_records_capture ON warc_records(capture_id);
CREATE INDEX warc_records_file ON warc_records(file_id, offset);

-- Ids of captures, posts, versions, verdicts and hits are never reused
-- (AUTOINCREMENT), since audit entries name them.
-- A post is identified by (site, key); its content lives in versions.
CREATE TABLE posts (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	site           TEXT NOT NULL REFERENCES sites(name),
	key            TEXT NOT NULL,
	url            TEXT NOT NULL,
	first_seen     INTEGER NOT NULL,
	last_seen      INTEGER NOT NULL,
	taken_down     INTEGER,
	taken_down_by  INTEGER REFERENCES captures(id),
	reappeared     INTEGER,
	versions       INTEGER NOT NULL DEFAULT 0,
	latest_version INTEGER,
	latest_verdict INTEGER,
	UNIQUE (site, key)
);
CREATE INDEX posts_url ON posts(url);

CREATE TABLE post_versions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id      INTEGER NOT NULL REFERENCES posts(id),
	n            INTEGER NOT NULL,
	content_hash TEXT NOT NULL,
	title        TEXT NOT NULL,
	text         TEXT NOT NULL,
	author       TEXT NOT NULL DEFAULT '',
	published    INTEGER,
	first_seen   INTEGER NOT NULL,
	last_seen    INTEGER NOT NULL,
	capture_id   INTEGER NOT NULL REFERENCES captures(id),
	UNIQUE (post_id, n)
);

-- Every capture that showed a post (version_id set) or found it gone (NULL).
CREATE TABLE post_captures (
	post_id    INTEGER NOT NULL REFERENCES posts(id),
	capture_id INTEGER NOT NULL REFERENCES captures(id),
	version_id INTEGER REFERENCES post_versions(id),
	PRIMARY KEY (post_id, capture_id)
) WITHOUT ROWID;
CREATE INDEX post_captures_capture ON post_captures(capture_id);

CREATE TABLE verdicts (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id    INTEGER NOT NULL REFERENCES posts(id),
	version_id INTEGER NOT NULL REFERENCES post_versions(id),
	capture_id INTEGER NOT NULL REFERENCES captures(id),
	created    INTEGER NOT NULL,
	ruleset    TEXT NOT NULL,
	flagged    INTEGER NOT NULL,
	score      REAL NOT NULL,
	role       TEXT NOT NULL,
	rules      TEXT NOT NULL, -- JSON [FiredRule]
	entities   TEXT NOT NULL  -- JSON Entities
);
CREATE INDEX verdicts_post ON verdicts(post_id);

-- kind: phone, wechat, qq, email, company, cert (value: Cert.Label()).
CREATE TABLE entities (
	id    INTEGER PRIMARY KEY,
	kind  TEXT NOT NULL,
	value TEXT NOT NULL,
	UNIQUE (kind, value)
);
CREATE INDEX entities_value ON entities(value);

CREATE TABLE post_entities (
	post_id    INTEGER NOT NULL REFERENCES posts(id),
	entity_id  INTEGER NOT NULL REFERENCES entities(id),
	version_id INTEGER NOT NULL REFERENCES post_versions(id),
	obfuscated INTEGER NOT NULL DEFAULT 0,
	first_seen INTEGER NOT NULL,
	PRIMARY KEY (post_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX post_entities_entity ON post_entities(entity_id);

CREATE TABLE hits (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id         INTEGER NOT NULL UNIQUE REFERENCES posts(id),
	state           TEXT NOT NULL CHECK (state IN ('pending','confirmed','dismissed','referred')),
	assignee        TEXT NOT NULL DEFAULT '',
	version         INTEGER NOT NULL DEFAULT 1,
	created         INTEGER NOT NULL,
	updated         INTEGER NOT NULL,
	flagged         INTEGER NOT NULL,
	flagged_version INTEGER NOT NULL REFERENCES post_versions(id)
);
CREATE INDEX hits_state ON hits(state, flagged);

CREATE TABLE hit_notes (
	id      INTEGER PRIMARY KEY,
	hit_id  INTEGER NOT NULL REFERENCES hits(id),
	author  TEXT NOT NULL,
	created INTEGER NOT NULL,
	text    TEXT NOT NULL
);
CREATE INDEX hit_notes_hit ON hit_notes(hit_id);

CREATE TABLE hit_history (
	id         INTEGER PRIMARY KEY,
	hit_id     INTEGER NOT NULL REFERENCES hits(id),
	at         INTEGER NOT NULL,
	actor      TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state   TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hit_history_hit ON hit_history(hit_id);

-- Append-only and hash-chained: hash = SHA-256 over prev_hash and the
-- canonical fields (guazheng.AuditEntry.ComputeHash).
CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	object    TEXT NOT NULL,
	details   TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_object ON audit_log(object);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created       INTEGER NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0
);
`},
	{name: "complaints register and review indexes", sql: reviewSchema + `
CREATE INDEX captures_url ON captures(url);
CREATE INDEX captures_final_url ON captures(final_url);
`},
	{name: "web sessions", sql: `
-- Logged-in browsers of the web UI, so that a restart does not log reviewers
-- out. The cookie value is kept only as its SHA-256.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user    TEXT NOT NULL,
	csrf    TEXT NOT NULL,
	created INTEGER NOT NULL,
	seen    INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user);
`},
}
