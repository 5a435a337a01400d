package guazheng

import (
	"context"
	"time"
)

// This file declares what the review web UI, the lead exports and the
// monthly 汇总表 need from a store beyond store.go: statistics, crawl runs,
// the handled-case history, post summaries for broker networks and the
// complaints register (投诉举报登记).

// DayCount is the number of hits first flagged on one day for one site and
// role.
type DayCount struct {
	Day   time.Time `json:"day"` // midnight of the day in the requested location
	Site  string    `json:"site"`
	Role  Role      `json:"role"`
	Count int       `json:"count"`
}

// StateChange is one entry of a hit's history together with the hit.
type StateChange struct {
	HitID int64 `json:"hit_id"`
	HitChange
}

// PostSummary is a post as a broker network lists it: where, when, whether
// it is a hit, and what it is about.
type PostSummary struct {
	PostRef
	Role    Role     `json:"role,omitempty"`
	Score   float64  `json:"score,omitempty"`
	Certs   []string `json:"certs,omitempty"`
	Flagged bool     `json:"flagged"` // the latest verdict flagged it
}

// ReviewStats answers the dashboard and the monthly report.
type ReviewStats interface {
	// HitsPerDay counts the hits created in [from, to) per day (in loc),
	// site and role; days without hits are left out.
	HitsPerDay(ctx context.Context, from, to time.Time, loc *time.Location) ([]DayCount, error)
	// StateChanges returns the hit state changes made in [from, to), oldest
	// first.
	StateChanges(ctx context.Context, from, to time.Time) ([]StateChange, error)
	// LatestRuns returns the latest crawl runs of every site: up to perSite
	// runs per site, newest first within a site, sites by name.
	LatestRuns(ctx context.Context, perSite int) ([]RunStats, error)
	// PostSummaries returns the given posts (unknown ids are left out), by id.
	PostSummaries(ctx context.Context, ids []int64) ([]PostSummary, error)
	// PostsCapturedFrom returns the posts shown by the captures of url
	// (requested or final URL), by id.
	PostsCapturedFrom(ctx context.Context, url string) ([]PostRef, error)
}

// ComplaintState is where a registered complaint (投诉举报) stands.
type ComplaintState string

// States of a complaint.
const (
	ComplaintOpen       ComplaintState = "open"       // 已登记
	ComplaintInProgress ComplaintState = "inprogress" // 办理中
	ComplaintClosed     ComplaintState = "closed"     // 已办结
)

// ComplaintStates lists the states in order.
var ComplaintStates = []ComplaintState{ComplaintOpen, ComplaintInProgress, ComplaintClosed}

// Valid reports whether s is a known state.
func (s ComplaintState) Valid() bool {
	switch s {
	case ComplaintOpen, ComplaintInProgress, ComplaintClosed:
		return true
	}
	return false
}

// Chinese returns the state's label as shown to reviewers.
func (s ComplaintState) Chinese() string {
	switch s {
	case ComplaintOpen:
		return "已登记"
	case ComplaintInProgress:
		return "办理中"
	case ComplaintClosed:
		return "已办结"
	}
	return "未知"
}

// Complaint is one registered complaint or report (投诉举报).
type Complaint struct {
	ID          int64          `json:"id"`
	Channel     string         `json:"channel"` // e.g. 电话, 信箱, 网站, 来访, 转办
	Received    time.Time      `json:"received"`
	Complainant string         `json:"complainant,omitempty"` // optional; may be anonymous
	URLs        []string       `json:"urls"`
	Contacts    []string       `json:"contacts"` // phones, WeChat ids, QQ numbers, companies named
	Notes       string         `json:"notes,omitempty"`
	State       ComplaintState `json:"state"`
	Version     int64          `json:"version"` // optimistic-locking counter
	Created     time.Time      `json:"created"`
	CreatedBy   string         `json:"created_by"`
	Updated     time.Time      `json:"updated"`
	Closed      time.Time      `json:"closed,omitzero"`
	Result      string         `json:"result,omitempty"` // how it was closed
}

// ComplaintCapture is the capture of one URL named by a complaint.
type ComplaintCapture struct {
	URL   string    `json:"url"`
	At    time.Time `json:"at"`
	Error string    `json:"error,omitempty"`
	Posts []PostRef `json:"posts"` // posts the capture showed, with their hits
}

// ComplaintChange is one entry of a complaint's history.
type ComplaintChange struct {
	At    time.Time      `json:"at"`
	Actor string         `json:"actor"`
	From  ComplaintState `json:"from"` // "" when registered
	To    ComplaintState `json:"to"`
	Note  string         `json:"note,omitempty"`
}

// ComplaintDetail is a complaint with its captures and history.
type ComplaintDetail struct {
	Complaint
	Captures []ComplaintCapture `json:"captures"`
	History  []ComplaintChange  `json:"history"`
}

// ComplaintFilter selects complaints. Zero fields select everything.
type ComplaintFilter struct {
	States                   []ComplaintState
	ReceivedFrom, ReceivedTo time.Time // received in [From, To)
	ClosedFrom, ClosedTo     time.Time // closed in [From, To)
	Limit                    int       // default 50
	Offset                   int
}

// ComplaintStore is the complaints register.
type ComplaintStore interface {
	// CreateComplaint registers c (state open) and returns it with its id.
	CreateComplaint(ctx context.Context, c Complaint, user string) (Complaint, error)
	// GetComplaint returns a complaint with its captures and history, or
	// ErrNotFound.
	GetComplaint(ctx context.Context, id int64) (*ComplaintDetail, error)
	// ListComplaints returns one page of complaints, newest received first,
	// and the total count.
	ListComplaints(ctx context.Context, f ComplaintFilter) ([]Complaint, int, error)
	// SetComplaintState moves a complaint to state to if its version is
	// still version (ErrConflict otherwise); result is kept when closing.
	SetComplaintState(ctx context.Context, id, version int64, to ComplaintState, note, user string) error
	// RecordComplaintCapture links the capture of url (the posts it showed,
	// or the error that stopped it) to the complaint.
	RecordComplaintCapture(ctx context.Context, id int64, url string, at time.Time, postIDs []int64, captureErr string) error
}
