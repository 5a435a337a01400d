package demosite

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// content holds everything the demo sites serve: post data, templates and
// the job board's script. It is read-only.
//
//go:embed data/*.json templates/*.html static/*
var content embed.FS

// cst is the zone of every time in the demo data (China Standard Time).
var cst = time.FixedZone("CST", 8*3600)

// dataLayout is how times are written in data/*.json.
const dataLayout = "2006-01-02 15:04"

// contact is the contact block a job board shows apart from a post's body.
type contact struct {
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	WeChat string `json:"wechat"`
	QQ     string `json:"qq"`
}

// edit is the phase-2 version of a post or floor: only the fields it sets
// change. Phones, WeChat and QQ, when set, replace the post's contact values.
type edit struct {
	Change  string   `json:"change"` // price, contact or text
	Title   string   `json:"title,omitempty"`
	Body    string   `json:"body,omitempty"` // board posts
	Text    string   `json:"text,omitempty"` // forum floors
	Contact *contact `json:"contact,omitempty"`
	Phones  []string `json:"phones,omitempty"`
	WeChat  []string `json:"wechat,omitempty"`
	QQ      []string `json:"qq,omitempty"`
	Updated string   `json:"updated"`
}

// truthFields are what a post really is, for Truth; they are never served.
type truthFields struct {
	Label      string   `json:"label"` // guazheng, job, news, discussion, other
	Role       string   `json:"role"`  // buyer, seller, broker for label guazheng
	Source     string   `json:"source"`
	Phones     []string `json:"phones"`
	WeChat     []string `json:"wechat"`
	QQ         []string `json:"qq"`
	Obfuscated bool     `json:"obfuscated"`
	From       int      `json:"from"`           // phase the post first appears in: 1 or 2
	Gone       string   `json:"gone,omitempty"` // how it vanishes in phase 2: 404, 410 or deleted
	Edit       *edit    `json:"edit,omitempty"` // its phase-2 version
}

// boardPost is one post of the job board or the JSON board.
type boardPost struct {
	ID        int     `json:"id"`
	Title     string  `json:"title"`
	Body      string  `json:"body"`
	Company   string  `json:"company"`
	City      string  `json:"city"`
	Published string  `json:"published"`
	Contact   contact `json:"contact"`
	truthFields
}

type boardData struct {
	Posts []boardPost `json:"posts"`
}

type forumBoard struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Desc string `json:"desc"`
}

type forumFloor struct {
	PID    int    `json:"pid"`
	Author string `json:"author"`
	UID    int    `json:"uid"`
	Time   string `json:"time"`
	Text   string `json:"text"`
	truthFields
}

type forumThread struct {
	ID     int          `json:"id"`
	Board  int          `json:"board"`
	Title  string       `json:"title"`
	Gone   string       `json:"gone,omitempty"`
	Floors []forumFloor `json:"floors"`
}

type forumData struct {
	Boards  []forumBoard  `json:"boards"`
	Threads []forumThread `json:"threads"`
}

// dataset is the parsed content of data/*.json.
type dataset struct {
	zhucai boardData
	gcyc   boardData
	forum  forumData
}

func loadData() (*dataset, error) {
	var ds dataset
	for _, f := range []struct {
		name string
		v    any
	}{{"data/zhucai.json", &ds.zhucai}, {"data/gcyc.json", &ds.gcyc}, {"data/jzsforum.json", &ds.forum}} {
		b, err := content.ReadFile(f.name)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", f.name, err)
		}
		if err := json.Unmarshal(b, f.v); err != nil {
			return nil, fmt.Errorf("parse embedded %s: %w", f.name, err)
		}
	}
	if err := ds.validate(); err != nil {
		return nil, fmt.Errorf("embedded demo data: %w", err)
	}
	return &ds, nil
}

func (ds *dataset) validate() error {
	for _, b := range []struct {
		name string
		d    *boardData
	}{{"zhucai", &ds.zhucai}, {"gcyc", &ds.gcyc}} {
		seen := map[int]bool{}
		for _, p := range b.d.Posts {
			if seen[p.ID] {
				return fmt.Errorf("%s: post id %d twice", b.name, p.ID)
			}
			seen[p.ID] = true
			if p.Title == "" || p.Body == "" {
				return fmt.Errorf("%s: post %d: empty title or body", b.name, p.ID)
			}
			if _, err := parseTime(p.Published); err != nil {
				return fmt.Errorf("%s: post %d: %w", b.name, p.ID, err)
			}
			if err := p.truthFields.validate(); err != nil {
				return fmt.Errorf("%s: post %d: %w", b.name, p.ID, err)
			}
		}
	}
	boards := map[int]bool{}
	for _, b := range ds.forum.Boards {
		boards[b.ID] = true
	}
	tids, pids := map[int]bool{}, map[int]bool{}
	for _, t := range ds.forum.Threads {
		if tids[t.ID] || !boards[t.Board] || len(t.Floors) == 0 || t.Title == "" {
			return fmt.Errorf("jzsforum: thread %d: duplicate id, unknown board, no title or no floors", t.ID)
		}
		tids[t.ID] = true
		if err := checkGone(t.Gone); err != nil {
			return fmt.Errorf("jzsforum: thread %d: %w", t.ID, err)
		}
		for i, f := range t.Floors {
			if pids[f.PID] || f.Text == "" || f.Author == "" {
				return fmt.Errorf("jzsforum: thread %d floor %d: duplicate pid, empty text or author", t.ID, i+1)
			}
			pids[f.PID] = true
			if _, err := parseTime(f.Time); err != nil {
				return fmt.Errorf("jzsforum: thread %d floor %d: %w", t.ID, i+1, err)
			}
			if err := f.truthFields.validate(); err != nil {
				return fmt.Errorf("jzsforum: thread %d floor %d: %w", t.ID, i+1, err)
			}
			if f.Gone != "" {
				return fmt.Errorf("jzsforum: thread %d floor %d: floors do not vanish alone, threads do", t.ID, i+1)
			}
			if i > 0 && f.From < t.Floors[i-1].From {
				return fmt.Errorf("jzsforum: thread %d floor %d: phase-1 floor after a phase-2 one", t.ID, i+1)
			}
		}
	}
	return nil
}

func (t *truthFields) validate() error {
	switch t.Label {
	case "guazheng":
		if t.Role != "buyer" && t.Role != "seller" && t.Role != "broker" {
			return fmt.Errorf("ad with role %q", t.Role)
		}
	case "job", "news", "discussion", "other":
		if t.Role != "" {
			return fmt.Errorf("label %s with role %q", t.Label, t.Role)
		}
	default:
		return fmt.Errorf("unknown label %q", t.Label)
	}
	if t.From != 1 && t.From != 2 {
		return fmt.Errorf("from %d: want 1 or 2", t.From)
	}
	if err := checkGone(t.Gone); err != nil {
		return err
	}
	if t.Gone != "" && (t.From == 2 || t.Edit != nil) {
		return fmt.Errorf("a vanishing post must be a phase-1 post without edit")
	}
	if t.Edit != nil {
		if t.From == 2 {
			return fmt.Errorf("a phase-2 post has no edit")
		}
		if _, err := parseTime(t.Edit.Updated); err != nil {
			return fmt.Errorf("edit: %w", err)
		}
	}
	return nil
}

func checkGone(g string) error {
	switch g {
	case "", goneNotFound, goneGone, goneDeleted:
		return nil
	}
	return fmt.Errorf("gone %q: want 404, 410 or deleted", g)
}

// How a post vanishes in phase 2.
const (
	goneNotFound = "404"     // its page answers 404
	goneGone     = "410"     // its page answers 410
	goneDeleted  = "deleted" // its page answers 200 with the site's "deleted" notice
)

func parseTime(s string) (time.Time, error) {
	t, err := time.ParseInLocation(dataLayout, s, cst)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %w", s, err)
	}
	return t, nil
}

// mustTime parses a time validate has already checked.
func mustTime(s string) time.Time {
	t, _ := parseTime(s)
	return t
}

// postView is a board post as served in one phase.
type postView struct {
	ID        int
	Title     string
	Body      string
	Company   string
	City      string
	Published time.Time
	Updated   time.Time // zero unless edited
	Contact   contact
	Gone      string // how the post's page answers when it has vanished
}

// boardSnap is a board site in one phase: the posts its lists show, newest
// first, and every post that has a page (listed or vanished).
type boardSnap struct {
	listed []*postView
	byID   map[int]*postView
}

func buildBoard(d *boardData, phase int) *boardSnap {
	s := &boardSnap{byID: map[int]*postView{}}
	for i := range d.Posts {
		p := &d.Posts[i]
		if p.From > phase {
			continue
		}
		v := &postView{ID: p.ID, Title: p.Title, Body: p.Body, Company: p.Company, City: p.City,
			Published: mustTime(p.Published), Contact: p.Contact}
		if phase >= 2 {
			v.Gone = p.Gone
			if e := p.Edit; e != nil {
				v.Updated = mustTime(e.Updated)
				if e.Title != "" {
					v.Title = e.Title
				}
				if e.Body != "" {
					v.Body = e.Body
				}
				if e.Contact != nil {
					v.Contact = *e.Contact
				}
			}
		}
		s.byID[v.ID] = v
		if v.Gone == "" {
			s.listed = append(s.listed, v)
		}
	}
	sort.SliceStable(s.listed, func(i, j int) bool {
		if !s.listed[i].Published.Equal(s.listed[j].Published) {
			return s.listed[i].Published.After(s.listed[j].Published)
		}
		return s.listed[i].ID > s.listed[j].ID
	})
	return s
}

// page returns the listed posts of 1-based page n of size per, and whether
// later pages hold more.
func (s *boardSnap) page(n, per int) ([]*postView, bool) {
	return pageOf(s.listed, n, per)
}

func pageOf[T any](all []T, n, per int) ([]T, bool) {
	if n < 1 {
		return nil, len(all) > 0
	}
	if n-1 > len(all)/per {
		return nil, false // also keeps (n-1)*per from overflowing
	}
	lo := (n - 1) * per
	if lo >= len(all) {
		return nil, false
	}
	hi := min(lo+per, len(all))
	return all[lo:hi], hi < len(all)
}

// floorView is a forum floor as served in one phase.
type floorView struct {
	N      int // floor number, 1 = opening post
	PID    int
	Author string
	UID    int
	Time   time.Time
	Text   string
	Edited time.Time // zero unless edited
}

// threadView is a forum thread as served in one phase.
type threadView struct {
	ID     int
	Board  int
	Title  string
	Gone   string
	Floors []*floorView
}

// Pages is how many thread pages the thread's floors fill.
func (t *threadView) Pages() int { return (len(t.Floors) + floorsPerPage - 1) / floorsPerPage }

// forumSnap is the forum in one phase.
type forumSnap struct {
	boards  []forumBoard
	threads map[int]*threadView
	byBoard map[int][]*threadView // listed threads, latest reply first
}

func buildForum(d *forumData, phase int) *forumSnap {
	s := &forumSnap{boards: d.Boards, threads: map[int]*threadView{}, byBoard: map[int][]*threadView{}}
	for i := range d.Threads {
		t := &d.Threads[i]
		if t.Floors[0].From > phase {
			continue
		}
		v := &threadView{ID: t.ID, Board: t.Board, Title: t.Title}
		if phase >= 2 {
			v.Gone = t.Gone
		}
		for j := range t.Floors {
			f := &t.Floors[j]
			if f.From > phase {
				break
			}
			fv := &floorView{N: j + 1, PID: f.PID, Author: f.Author, UID: f.UID, Time: mustTime(f.Time), Text: f.Text}
			if phase >= 2 && f.Edit != nil {
				fv.Edited = mustTime(f.Edit.Updated)
				if f.Edit.Text != "" {
					fv.Text = f.Edit.Text
				}
			}
			v.Floors = append(v.Floors, fv)
		}
		s.threads[v.ID] = v
		if v.Gone == "" {
			s.byBoard[v.Board] = append(s.byBoard[v.Board], v)
		}
	}
	for _, ts := range s.byBoard {
		sort.SliceStable(ts, func(i, j int) bool {
			return ts[i].Floors[len(ts[i].Floors)-1].Time.After(ts[j].Floors[len(ts[j].Floors)-1].Time)
		})
	}
	return s
}

// state is what every site serves in one phase. It is immutable; Advance
// swaps the whole state.
type state struct {
	phase  int
	zhucai *boardSnap
	gcyc   *boardSnap
	forum  *forumSnap
}

func buildState(ds *dataset, phase int) *state {
	return &state{
		phase:  phase,
		zhucai: buildBoard(&ds.zhucai, phase),
		gcyc:   buildBoard(&ds.gcyc, phase),
		forum:  buildForum(&ds.forum, phase),
	}
}
