package demosite

import (
	"net/http"
	"strconv"
	"strings"
)

// GcycDeleted is the message of the JSON board's answer for a deleted post
// (status 200, "deleted": true).
const GcycDeleted = "该信息已被删除"

const jsonUTF8 = "application/json; charset=utf-8"

// gcyc serves 工程英才网, the board whose HTML is an empty shell filled by
// script from JSON endpoints.
type gcyc struct {
	siteEnv
}

func newGcyc(env siteEnv) http.Handler {
	g := &gcyc{env}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", g.shell)
	mux.HandleFunc("GET /post/{id}", g.postShell)
	mux.HandleFunc("GET /api/list", g.list)
	mux.HandleFunc("GET /api/post/{id}", g.post)
	mux.HandleFunc("GET /static/app.js", g.script)
	mux.HandleFunc("GET /robots.txt", g.robotsTxt)
	mux.HandleFunc("GET /user/", g.shell)
	mux.HandleFunc("/", g.notFound)
	return mux
}

// ListItem is one item of /api/list.
type ListItem struct {
	ID      int    `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	City    string `json:"city"`
	Time    string `json:"time"` // 2006-01-02 15:04:05, China time
	// Content, Company and Contact repeat the detail endpoint's fields, as
	// many such boards do, so that a crawler can read posts from the list.
	Content string `json:"content"`
	Company string `json:"company"`
	Contact string `json:"contact"`
}

// ListPage is the answer of /api/list?page=N.
type ListPage struct {
	Items   []ListItem `json:"items"`
	Page    int        `json:"page"`
	HasMore bool       `json:"has_more"`
}

// PostContact is the contact block of a post of /api/post/ID.
type PostContact struct {
	Phone  string `json:"phone"`
	WeChat string `json:"wechat"`
	QQ     string `json:"qq"`
}

// PostDetail is the answer of /api/post/ID.
type PostDetail struct {
	ID        int         `json:"id"`
	Title     string      `json:"title"`
	Content   string      `json:"content"`
	Company   string      `json:"company"`
	City      string      `json:"city"`
	Contact   PostContact `json:"contact"`
	Published string      `json:"published"` // 2006-01-02 15:04:05, China time
}

// apiError is the JSON answer for a missing, expired or deleted post.
type apiError struct {
	Code    int    `json:"code"`
	ID      int    `json:"id,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
	Message string `json:"message"`
}

const apiTime = "2006-01-02 15:04:05"

func (g *gcyc) json(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := jsonBody(v)
	if err != nil {
		fail(w, err)
		return
	}
	reply{status: status, contentType: jsonUTF8, body: b, etag: true}.write(w, r)
}

// list serves /api/list?page=N: 20 items a page, newest first; past the
// last page, no items and has_more false.
func (g *gcyc) list(w http.ResponseWriter, r *http.Request) {
	n := pageParam(r)
	posts, more := g.demo.state().gcyc.page(n, perPage)
	lp := ListPage{Items: make([]ListItem, 0, len(posts)), Page: n, HasMore: more}
	for _, p := range posts {
		lp.Items = append(lp.Items, ListItem{ID: p.ID, Title: p.Title, Summary: summary(p.Body, 60),
			City: p.City, Time: p.Published.In(cst).Format(apiTime), Content: p.Body, Company: p.Company,
			Contact: contactLine(p.Contact.Phone, p.Contact.WeChat, p.Contact.QQ)})
	}
	g.json(w, r, http.StatusOK, lp)
}

// contactLine writes a post's contact block as one line.
func contactLine(phone, wechat, qq string) string {
	var parts []string
	if phone != "" {
		parts = append(parts, "电话："+phone)
	}
	if wechat != "" {
		parts = append(parts, "微信："+wechat)
	}
	if qq != "" {
		parts = append(parts, "QQ："+qq)
	}
	return strings.Join(parts, "  ")
}

// summary is the first n characters of text on one line.
func summary(text string, n int) string {
	s := strings.Join(strings.Fields(text), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// lookup finds the post of a path's {id}.
func (g *gcyc) lookup(r *http.Request) (*postView, bool) {
	s := r.PathValue("id")
	id, err := strconv.Atoi(s)
	if err != nil || strconv.Itoa(id) != s {
		return nil, false
	}
	p, ok := g.demo.state().gcyc.byID[id]
	return p, ok
}

func (g *gcyc) post(w http.ResponseWriter, r *http.Request) {
	p, ok := g.lookup(r)
	switch {
	case !ok || p.Gone == goneNotFound:
		g.json(w, r, http.StatusNotFound, apiError{Code: 404, Message: "信息不存在"})
	case p.Gone == goneGone:
		g.json(w, r, http.StatusGone, apiError{Code: 410, Message: "信息已过期下线"})
	case p.Gone == goneDeleted:
		g.json(w, r, http.StatusOK, apiError{Code: 0, ID: p.ID, Deleted: true, Message: GcycDeleted})
	default:
		g.json(w, r, http.StatusOK, PostDetail{ID: p.ID, Title: p.Title, Content: p.Body, Company: p.Company,
			City: p.City, Contact: PostContact{Phone: p.Contact.Phone, WeChat: p.Contact.WeChat, QQ: p.Contact.QQ},
			Published: p.Published.In(cst).Format(apiTime)})
	}
}

// gcycShell is the data of the shell template.
type gcycShell struct {
	Title  string
	PostID int // 0 on the list shell
}

func (g *gcyc) page(w http.ResponseWriter, r *http.Request, status int, sh gcycShell) {
	b, err := render(g.tmpl, "shell", sh)
	if err != nil {
		fail(w, err)
		return
	}
	reply{status: status, contentType: htmlUTF8, body: b, etag: true}.write(w, r)
}

func (g *gcyc) shell(w http.ResponseWriter, r *http.Request) {
	g.page(w, r, http.StatusOK, gcycShell{Title: "工程英才网 - 工程建设人才招聘"})
}

// postShell serves /post/ID, the post's human URL: the same empty shell,
// or a 404/410 shell when the post has gone that way.
func (g *gcyc) postShell(w http.ResponseWriter, r *http.Request) {
	p, ok := g.lookup(r)
	switch {
	case !ok || p.Gone == goneNotFound:
		g.notFound(w, r)
	case p.Gone == goneGone:
		g.page(w, r, http.StatusGone, gcycShell{Title: "信息已过期下线 - 工程英才网", PostID: p.ID})
	default:
		g.page(w, r, http.StatusOK, gcycShell{Title: "工程英才网", PostID: p.ID})
	}
}

func (g *gcyc) script(w http.ResponseWriter, r *http.Request) {
	b, err := content.ReadFile("static/app.js")
	if err != nil {
		fail(w, err)
		return
	}
	reply{status: http.StatusOK, contentType: "text/javascript; charset=utf-8", body: b, etag: true}.write(w, r)
}

func (g *gcyc) robotsTxt(w http.ResponseWriter, r *http.Request) {
	reply{status: http.StatusOK, contentType: "text/plain; charset=utf-8", body: []byte(g.robots)}.write(w, r)
}

func (g *gcyc) notFound(w http.ResponseWriter, r *http.Request) {
	g.page(w, r, http.StatusNotFound, gcycShell{Title: "页面不存在 - 工程英才网"})
}
