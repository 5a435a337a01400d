// Package guazheng holds the domain types of the 挂证 monitoring system and the
// small interfaces between its parts.
//
// Data flows one way: the crawler fetches pages and extracts Posts with the raw
// HTTP exchange (Capture); a Classifier turns each Post into a Verdict; the
// store keeps captures, post versions, verdicts and entities as evidence; the
// web UI reviews flagged posts (hits). Each concern lives in its own folder and
// implements the interfaces declared here; cmd/guazheng wires them together.
package guazheng

import (
	"net/http"
	"time"
)

// Version is the tool version recorded in evidence; cmd/guazheng may override it at link time.
var Version = "0.1.0-dev"

// Role is who wrote a 挂证 ad.
type Role string

// Roles of a 挂证 ad's author.
const (
	RoleNone   Role = ""
	RoleBuyer  Role = "buyer"  // a firm (or its agent) that wants certificates
	RoleSeller Role = "seller" // a holder offering his own certificate
	RoleBroker Role = "broker" // an agency trading certificates between the two
)

// Valid reports whether r is one of the known roles (RoleNone included).
func (r Role) Valid() bool {
	switch r {
	case RoleNone, RoleBuyer, RoleSeller, RoleBroker:
		return true
	}
	return false
}

// Chinese returns the role's name as shown to reviewers.
func (r Role) Chinese() string {
	switch r {
	case RoleBuyer:
		return "收证方"
	case RoleSeller:
		return "出证方"
	case RoleBroker:
		return "中介"
	}
	return "未知"
}

// Post is one listing extracted from a page: a job ad, a classified ad, one
// floor of a forum thread, or one item of a JSON endpoint. Text includes the
// listing's contact block, if the site shows one apart from the body.
type Post struct {
	Site      string    `json:"site"`
	Key       string    `json:"key"` // stable per site, e.g. canonical URL or thread URL + "#floor-3"
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	Author    string    `json:"author,omitempty"`
	Published time.Time `json:"published,omitzero"`
}

// Capture is one HTTP exchange as fetched: what was asked, what came back,
// from which server and when. Body holds the raw bytes as received.
type Capture struct {
	ID             int64         `json:"id,omitempty"` // assigned by the store
	Site           string        `json:"site"`
	Method         string        `json:"method"`
	URL            string        `json:"url"`       // URL requested first
	FinalURL       string        `json:"final_url"` // URL that answered, after redirects
	Redirects      []string      `json:"redirects,omitempty"`
	Proto          string        `json:"proto"` // e.g. "HTTP/1.1"
	RequestHeader  http.Header   `json:"request_header"`
	Status         int           `json:"status"`
	ResponseHeader http.Header   `json:"response_header"`
	Body           []byte        `json:"-"`
	Truncated      bool          `json:"truncated,omitempty"` // Body was cut at the size limit
	ServerIP       string        `json:"server_ip,omitempty"`
	FetchedAt      time.Time     `json:"fetched_at"` // UTC, when the request was sent
	Duration       time.Duration `json:"duration"`
	Charset        string        `json:"charset,omitempty"` // how Body was decoded, e.g. "gb18030"
}
