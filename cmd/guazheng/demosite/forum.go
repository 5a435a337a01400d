package demosite

import (
	"net/http"
	"regexp"
	"strconv"
)

// floorsPerPage is how many floors a forum thread page shows.
const floorsPerPage = 5

// ForumDeleted is the text of the forum's page for a deleted thread (status 200).
const ForumDeleted = "该帖已被删除"

// forumHTML is the forum's Content-Type: no charset, which only the page's
// <meta> declares.
const forumHTML = "text/html"

// forum serves 建造师论坛, the GBK forum.
type forum struct {
	siteEnv
}

func newForum(env siteEnv) http.Handler {
	f := &forum{env}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", f.index)
	mux.HandleFunc("GET /robots.txt", f.robotsTxt)
	mux.HandleFunc("GET /{file}", f.file)
	mux.HandleFunc("/", f.notFound)
	return mux
}

var (
	boardFile  = regexp.MustCompile(`^forum-([1-9][0-9]*)\.html$`)
	threadFile = regexp.MustCompile(`^thread-([1-9][0-9]*)-([1-9][0-9]*)\.html$`)
)

// forumPage is the data of every forum template.
type forumPage struct {
	Title   string
	Boards  []forumBoard
	Board   *forumBoard
	Threads []*threadView
	Thread  *threadView
	Floors  []*floorView
	Page    int
	Pages   int
	Message string
}

// page renders a page from st, the one phase snapshot the request uses.
func (f *forum) page(w http.ResponseWriter, r *http.Request, st *forumSnap, status int, name string, p *forumPage) {
	p.Boards = st.boards
	b, err := render(f.tmpl, name, p)
	if err == nil {
		b, err = toGBK(b)
	}
	if err != nil {
		fail(w, err)
		return
	}
	reply{status: status, contentType: forumHTML, body: b}.write(w, r)
}

func (f *forum) index(w http.ResponseWriter, r *http.Request) {
	f.page(w, r, f.demo.state().forum, http.StatusOK, "index", &forumPage{Title: "首页"})
}

// file serves /forum-N.html (a board: its threads, latest reply first) and
// /thread-ID-P.html (page P of a thread, five floors a page); the pages
// robots.txt disallows (/home.php …) are plain 200 pages.
func (f *forum) file(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	st := f.demo.state().forum
	if m := boardFile.FindStringSubmatch(name); m != nil {
		id, _ := strconv.Atoi(m[1])
		if b := st.board(id); b != nil {
			f.page(w, r, st, http.StatusOK, "board", &forumPage{Title: b.Name, Board: b, Threads: st.byBoard[id]})
			return
		}
		f.notFoundIn(w, r, st)
		return
	}
	if m := threadFile.FindStringSubmatch(name); m != nil {
		id, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		t, ok := st.threads[id]
		if !ok || n > t.Pages() {
			f.notFoundIn(w, r, st)
			return
		}
		switch t.Gone {
		case goneNotFound:
			f.notFoundIn(w, r, st)
		case goneGone:
			f.page(w, r, st, http.StatusGone, "message", &forumPage{Title: "提示信息", Message: "该帖已被删除"})
		case goneDeleted:
			f.page(w, r, st, http.StatusOK, "message", &forumPage{Title: "提示信息", Message: ForumDeleted})
		default:
			floors, _ := pageOf(t.Floors, n, floorsPerPage)
			f.page(w, r, st, http.StatusOK, "thread", &forumPage{Title: t.Title, Thread: t, Floors: floors,
				Page: n, Pages: t.Pages(), Board: st.board(t.Board)})
		}
		return
	}
	switch name {
	case "home.php", "search.php", "admin.php":
		f.page(w, r, st, http.StatusOK, "message", &forumPage{Title: "提示信息", Message: "请先登录后再进行操作"})
	default:
		f.notFoundIn(w, r, st)
	}
}

func (st *forumSnap) board(id int) *forumBoard {
	bs := st.boards
	for i := range bs {
		if bs[i].ID == id {
			return &bs[i]
		}
	}
	return nil
}

func (f *forum) robotsTxt(w http.ResponseWriter, r *http.Request) {
	reply{status: http.StatusOK, contentType: "text/plain", body: []byte(f.robots)}.write(w, r)
}

func (f *forum) notFound(w http.ResponseWriter, r *http.Request) {
	f.notFoundIn(w, r, f.demo.state().forum)
}

func (f *forum) notFoundIn(w http.ResponseWriter, r *http.Request, st *forumSnap) {
	f.page(w, r, st, http.StatusNotFound, "message", &forumPage{Title: "页面不存在", Message: "抱歉，您访问的页面不存在或已被移除"})
}
