package guazheng

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"time"
)

// Errors shared by every store implementation.
var (
	// ErrNotFound: the requested record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record changed since the caller read it (optimistic
	// locking); reload and retry.
	ErrConflict = errors.New("changed by someone else")
	// ErrExists: a record with that unique name already exists.
	ErrExists = errors.New("already exists")
)

// HitState is where a flagged post stands in the review queue. The English
// code is stored; Chinese gives the label reviewers see.
type HitState string

// Review states of a hit.
const (
	HitPending   HitState = "pending"   // 待审核
	HitConfirmed HitState = "confirmed" // 已确认
	HitDismissed HitState = "dismissed" // 已排除
	HitReferred  HitState = "referred"  // 已移交
)

// HitStates lists the states in queue order.
var HitStates = []HitState{HitPending, HitConfirmed, HitDismissed, HitReferred}

// Valid reports whether s is a known state.
func (s HitState) Valid() bool {
	switch s {
	case HitPending, HitConfirmed, HitDismissed, HitReferred:
		return true
	}
	return false
}

// Chinese returns the state's label as shown to reviewers.
func (s HitState) Chinese() string {
	switch s {
	case HitPending:
		return "待审核"
	case HitConfirmed:
		return "已确认"
	case HitDismissed:
		return "已排除"
	case HitReferred:
		return "已移交"
	}
	return "未知"
}

// Hit is a flagged post in the review queue, with what a queue row shows.
type Hit struct {
	ID       int64     `json:"id"`
	PostID   int64     `json:"post_id"`
	State    HitState  `json:"state"`
	Assignee string    `json:"assignee,omitempty"`
	Version  int64     `json:"version"` // optimistic-locking counter, bumped by every change
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Flagged  time.Time `json:"flagged"` // latest time the post was (re)flagged

	Site      string    `json:"site"`
	Key       string    `json:"key"`
	URL       string    `json:"url"`
	Title     string    `json:"title"` // latest version
	Snippet   string    `json:"snippet,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	TakenDown time.Time `json:"taken_down,omitzero"`
	Versions  int       `json:"versions"`

	Role    Role     `json:"role"`
	Score   float64  `json:"score"`
	RuleSet string   `json:"ruleset"`
	Rules   []string `json:"rules"` // names of the fired rules
	// StillFlagged: the latest verdict flags the post (a later version may
	// have been judged clean; the hit stays).
	StillFlagged bool     `json:"still_flagged"`
	Certs        []string `json:"certs,omitempty"`
	Notes        int      `json:"notes"`
}

// HitFilter selects and orders hits. Zero fields select everything.
type HitFilter struct {
	IDs      []int64
	States   []HitState
	Site     string
	Role     Role
	Cert     string // certificate label or name, e.g. 一级建造师 or 一级建造师/市政
	Assignee string
	MinScore *float64
	MaxScore *float64
	From, To time.Time // first flagged in [From, To)
	Text     string    // substring of the latest title or text, or of the URL
	Contact  string    // a contact value the post carries
	// Sort is one of "score", "flagged", "last_seen", "id", each optionally
	// prefixed with "-" for descending; default "-flagged".
	Sort   string
	Limit  int // default 50
	Offset int
}

// PostVersion is one distinct content of a post.
type PostVersion struct {
	ID          int64     `json:"id"`
	N           int       `json:"n"` // 1 for the first version
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Author      string    `json:"author,omitempty"`
	Published   time.Time `json:"published,omitzero"`
	ContentHash string    `json:"content_hash"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	CaptureID   int64     `json:"capture_id"` // the capture that first showed it
}

// StoredVerdict is a verdict as stored, with its post version.
type StoredVerdict struct {
	ID        int64     `json:"id"`
	VersionID int64     `json:"version_id"`
	CaptureID int64     `json:"capture_id"`
	Created   time.Time `json:"created"`
	Verdict
}

// WARCLocation is where one WARC record's gzip member lies.
type WARCLocation struct {
	Type          string `json:"type"` // request, response, metadata
	File          string `json:"file"` // name inside the WARC directory
	Offset        int64  `json:"offset"`
	Length        int64  `json:"length"`
	RecordID      string `json:"record_id"`
	BlockDigest   string `json:"block_digest"`
	PayloadDigest string `json:"payload_digest,omitempty"`
}

// CaptureRecord is a stored capture (without its body) with its WARC records.
type CaptureRecord struct {
	Capture
	Kind          string         `json:"kind"` // "page" or "gone"
	BodySize      int64          `json:"body_size"`
	PayloadSHA256 string         `json:"payload_sha256"` // hex SHA-256 of Body
	Records       []WARCLocation `json:"records"`
}

// StoredContact is an entity linked to a post.
type StoredContact struct {
	Kind       string    `json:"kind"` // a ContactKind, or "cert"
	Value      string    `json:"value"`
	Obfuscated bool      `json:"obfuscated,omitempty"`
	FirstSeen  time.Time `json:"first_seen"`
}

// PostDetail is everything stored about one post.
type PostDetail struct {
	ID          int64           `json:"id"`
	Site        string          `json:"site"`
	Key         string          `json:"key"`
	URL         string          `json:"url"`
	FirstSeen   time.Time       `json:"first_seen"`
	LastSeen    time.Time       `json:"last_seen"`
	TakenDown   time.Time       `json:"taken_down,omitzero"`
	TakenDownBy int64           `json:"taken_down_by,omitempty"` // capture that showed it gone
	Reappeared  time.Time       `json:"reappeared,omitzero"`
	Versions    []PostVersion   `json:"versions"` // oldest first
	Verdicts    []StoredVerdict `json:"verdicts"` // oldest first
	Contacts    []StoredContact `json:"contacts"`
	Captures    []CaptureRecord `json:"captures"` // oldest first
}

// Latest returns the latest version (zero value if none).
func (p *PostDetail) Latest() PostVersion {
	if len(p.Versions) == 0 {
		return PostVersion{}
	}
	return p.Versions[len(p.Versions)-1]
}

// LatestVerdict returns the latest verdict (nil if none).
func (p *PostDetail) LatestVerdict() *StoredVerdict {
	if len(p.Verdicts) == 0 {
		return nil
	}
	return &p.Verdicts[len(p.Verdicts)-1]
}

// HitNote is a reviewer's note on a hit.
type HitNote struct {
	ID      int64     `json:"id"`
	HitID   int64     `json:"hit_id"`
	Author  string    `json:"author"`
	Created time.Time `json:"created"`
	Text    string    `json:"text"`
}

// HitChange is one entry of a hit's history.
type HitChange struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	From   HitState  `json:"from"` // "" when the hit was created
	To     HitState  `json:"to"`
	Reason string    `json:"reason,omitempty"`
}

// HitDetail is a hit with its post and review record.
type HitDetail struct {
	Hit
	Post    PostDetail  `json:"post"`
	Notes   []HitNote   `json:"notes"`
	History []HitChange `json:"history"`
}

// HitExport is one row of `guazheng export`.
type HitExport struct {
	ID             int64     `json:"id"`
	Site           string    `json:"site"`
	URL            string    `json:"url"`
	PostKey        string    `json:"post_key"`
	Title          string    `json:"title"`
	Text           string    `json:"text"`
	FirstSeen      time.Time `json:"first_seen"`
	LastSeen       time.Time `json:"last_seen"`
	TakenDown      time.Time `json:"taken_down,omitzero"`
	Versions       int       `json:"versions"`
	Role           Role      `json:"role"`
	Score          float64   `json:"score"`
	Rules          []string  `json:"fired_rules"`
	Phones         []string  `json:"phones"`
	WeChat         []string  `json:"wechat"`
	QQ             []string  `json:"qq"`
	Certs          []string  `json:"certs"`
	State          HitState  `json:"review_state"`
	ResponseSHA256 string    `json:"response_sha256"` // of the latest captured response payload
}

// HitStore is the review queue.
type HitStore interface {
	// ListHits returns one page of hits matching f and the total count.
	ListHits(ctx context.Context, f HitFilter) ([]Hit, int, error)
	// CountByState counts all hits per state.
	CountByState(ctx context.Context) (map[HitState]int, error)
	// GetHit returns a hit with its post's versions, verdicts, entities,
	// captures, notes and history; ErrNotFound if there is none.
	GetHit(ctx context.Context, id int64) (*HitDetail, error)
	// SetState moves hits to state to, all or none. versions[i] is the
	// Version the caller read of ids[i]; if any hit changed since, nothing is
	// changed and the error wraps ErrConflict.
	SetState(ctx context.Context, ids []int64, versions []int64, to HitState, reason, user string) error
	// Assign sets (or with "" clears) the hit's assignee, with the same
	// version check.
	Assign(ctx context.Context, id, version int64, assignee, user string) error
	// AddNote appends a note to a hit (notes need no version).
	AddNote(ctx context.Context, id int64, author, text string) (HitNote, error)
	// ExportHits calls fn for every hit matching f (Limit and Offset ignored
	// when Limit is 0), in f.Sort order.
	ExportHits(ctx context.Context, f HitFilter, fn func(HitExport) error) error
}

// PostRef names a post and its hit, if any.
type PostRef struct {
	PostID    int64     `json:"post_id"`
	HitID     int64     `json:"hit_id,omitempty"`
	HitState  HitState  `json:"hit_state,omitempty"`
	Site      string    `json:"site"`
	Key       string    `json:"key"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// ContactPosts is one contact value with the posts that carry it.
type ContactPosts struct {
	Kind  string  `json:"kind"`
	Value string  `json:"value"`
	Posts []int64 `json:"posts"` // post ids, ascending
}

// EntityStore links posts through shared contact details (broker networks).
type EntityStore interface {
	// PostsByContact returns the posts carrying value (of kind, or of any
	// kind when kind is "").
	PostsByContact(ctx context.Context, kind, value string) ([]PostRef, error)
	// Contacts returns every contact value (phone, WeChat, QQ, e-mail,
	// company; certificates excluded) carried by at least minPosts posts.
	Contacts(ctx context.Context, minPosts int) ([]ContactPosts, error)
	// GetPost returns everything stored about a post.
	GetPost(ctx context.Context, id int64) (*PostDetail, error)
}

// WARCFile is one WARC file known to the store.
type WARCFile struct {
	Name       string    `json:"name"`
	Created    time.Time `json:"created"`
	Size       int64     `json:"size"` // end of the last indexed record
	Records    int       `json:"records"`
	WarcinfoID string    `json:"warcinfo_id"`
}

// IndexedRecord is a WARC record the store indexed, for verification.
type IndexedRecord struct {
	CaptureID int64 `json:"capture_id"` // 0 for warcinfo records
	WARCLocation
}

// EvidenceStore gives verification and export what they need.
type EvidenceStore interface {
	// WARCDir is the directory the WARC file names are relative to.
	WARCDir() string
	// WARCFiles lists the WARC files, oldest first.
	WARCFiles(ctx context.Context) ([]WARCFile, error)
	// WARCRecords calls fn for every indexed record, by file and offset.
	WARCRecords(ctx context.Context, fn func(IndexedRecord) error) error
	// Captures returns the captures of the given posts (every capture that
	// showed them, and the ones that found them gone), oldest first.
	Captures(ctx context.Context, postIDs []int64) ([]CaptureRecord, error)
	// CaptureIntegrity returns problems found by cross-checking the records
	// (a capture without its WARC records or audit entry, and the like).
	CaptureIntegrity(ctx context.Context) ([]string, error)
}

// AuditEntry is one entry of the hash-chained audit log.
type AuditEntry struct {
	Seq      int64           `json:"seq"`
	Time     time.Time       `json:"time"` // UTC
	Actor    string          `json:"actor"`
	Action   string          `json:"action"` // e.g. capture, verdict, hit.state, export, retention
	Object   string          `json:"object"` // e.g. capture:12, hit:3
	Details  json.RawMessage `json:"details"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// AuditGenesis is the PrevHash of the first entry.
const AuditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the entry's hash: hex SHA-256 over the previous hash
// and the canonical fields (each as decimal length, ':', bytes, '\n'; time as
// RFC 3339 with nanoseconds in UTC; details as stored).
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	put := func(h hash.Hash, s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	put(h, e.PrevHash)
	put(h, strconv.FormatInt(e.Seq, 10))
	put(h, e.Time.UTC().Format(time.RFC3339Nano))
	put(h, e.Actor)
	put(h, e.Action)
	put(h, e.Object)
	put(h, string(e.Details))
	return hex.EncodeToString(h.Sum(nil))
}

// AuditProblem is a break in the audit chain.
type AuditProblem struct {
	Seq     int64  `json:"seq"`
	Problem string `json:"problem"`
}

// String renders the problem with its sequence number.
func (p AuditProblem) String() string { return fmt.Sprintf("audit #%d: %s", p.Seq, p.Problem) }

// AuditFilter selects audit entries.
type AuditFilter struct {
	Object   string // exact object, e.g. "hit:3"
	Action   string
	AfterSeq int64
	Limit    int // default 100
}

// AuditLog is the append-only, hash-chained record of what was captured,
// decided, reviewed, exported and deleted.
type AuditLog interface {
	// Append adds an entry; details is marshalled to JSON.
	Append(ctx context.Context, actor, action, object string, details any) (AuditEntry, error)
	// List returns entries in sequence order.
	List(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// Head returns the latest entry (zero entry when the log is empty).
	Head(ctx context.Context) (AuditEntry, error)
	// Verify walks the whole chain and reports gaps, broken links and
	// entries whose hash does not match their contents.
	Verify(ctx context.Context) ([]AuditProblem, error)
}

// RetentionPolicy says what a retention run deletes.
type RetentionPolicy struct {
	// Before: posts last seen, and captures fetched, before this time go.
	Before time.Time
	// Keep lists hit states whose posts (and their captures) are kept
	// whatever their age; default confirmed and referred.
	Keep []HitState
	// DryRun counts without deleting.
	DryRun bool
}

// RetentionResult counts what a retention run deleted.
type RetentionResult struct {
	Posts          int      `json:"posts"`
	Captures       int      `json:"captures"`
	Hits           int      `json:"hits"`
	FilesRemoved   []string `json:"files_removed"`
	FilesRewritten []string `json:"files_rewritten"`
	BytesFreed     int64    `json:"bytes_freed"`
}

// Retention is the only way anything stored is ever deleted. Every run is
// recorded in the audit log.
type Retention interface {
	Retain(ctx context.Context, p RetentionPolicy, actor, reason string) (RetentionResult, error)
}

// User is an account of the review web UI.
type User struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Role         string    `json:"role"` // e.g. reviewer, admin, viewer
	PasswordHash string    `json:"-"`
	Created      time.Time `json:"created"`
	Disabled     bool      `json:"disabled"`
}

// UserStore keeps web UI accounts; authentication lives in the web UI.
type UserStore interface {
	// CreateUser adds a user; ErrExists if the name is taken.
	CreateUser(ctx context.Context, u User) (User, error)
	// GetUser returns the named user or ErrNotFound.
	GetUser(ctx context.Context, name string) (User, error)
	// ListUsers returns every user by name.
	ListUsers(ctx context.Context) ([]User, error)
	// UpdateUser stores the role, password hash and disabled flag of the
	// named user.
	UpdateUser(ctx context.Context, u User) error
}

// Session is a logged-in browser of the web UI.
type Session struct {
	ID      string // the cookie value; stores keep only a hash of it
	User    string
	CSRF    string // the token every form of the session carries
	Created time.Time
	Seen    time.Time // last use
}

// SessionStore keeps web UI sessions, so that a restart does not log
// reviewers out.
type SessionStore interface {
	// PutSession adds a session or updates its last use.
	PutSession(ctx context.Context, s Session) error
	// GetSession returns the session with the cookie value id, or ErrNotFound.
	GetSession(ctx context.Context, id string) (Session, error)
	// DeleteSession ends one session (logout); a missing one is no error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of a user.
	DeleteUserSessions(ctx context.Context, user string) error
	// DeleteSessionsBefore drops sessions last used before seen or created
	// before created.
	DeleteSessionsBefore(ctx context.Context, seen, created time.Time) error
}

// Store is everything a store implementation offers; cmd/guazheng and the
// web UI take it so that a PostgreSQL implementation can replace SQLite.
type Store interface {
	Ingester
	Frontier
	RunLog
	HitStore
	EntityStore
	EvidenceStore
	Retention
	UserStore
	SessionStore
	ReviewStats
	ComplaintStore
	// Audit returns the audit log.
	Audit() AuditLog
	Close() error
}
