package demosite

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// perPage is how many posts a list page of the job boards shows.
const perPage = 20

// Markers of the job board's vanished-post pages.
const (
	ZhucaiDeleted = "该信息已被删除" // body of a deleted post's page (status 200)
	ZhucaiGone    = "该信息已下线"  // body of a 410 page
)

const htmlUTF8 = "text/html; charset=utf-8"

// zhucai serves 筑才招聘网, the UTF-8 job board.
type zhucai struct {
	siteEnv
}

func newZhucai(env siteEnv) http.Handler {
	z := &zhucai{env}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", z.home)
	mux.HandleFunc("GET /jobs", z.list)
	mux.HandleFunc("GET /job/{file}", z.detail)
	mux.HandleFunc("GET /search", z.search)
	mux.HandleFunc("GET /robots.txt", z.robotsTxt)
	mux.HandleFunc("GET /admin/", z.admin)
	mux.HandleFunc("/", z.notFound)
	return mux
}

// zhucaiPage is the data of every job board template.
type zhucaiPage struct {
	Title   string
	Posts   []*postView
	Post    *postView
	Page    int
	Next    string // URL of the next list page, "" for none
	Prev    string
	Keyword string
	Total   int
}

func (z *zhucai) page(w http.ResponseWriter, r *http.Request, status int, name string, p *zhucaiPage, etag bool, post *postView) {
	b, err := render(z.tmpl, name, p)
	if err != nil {
		fail(w, err)
		return
	}
	rp := reply{status: status, contentType: htmlUTF8, body: b, etag: etag}
	if post != nil {
		rp.modified = post.Published
		if !post.Updated.IsZero() {
			rp.modified = post.Updated
		}
	}
	rp.write(w, r)
}

func (z *zhucai) home(w http.ResponseWriter, r *http.Request) {
	posts, _ := z.demo.state().zhucai.page(1, 10)
	z.page(w, r, http.StatusOK, "home", &zhucaiPage{Title: "首页", Posts: posts, Next: "/jobs?page=1"}, true, nil)
}

// list serves /jobs?page=N. Its 下一页 link is always there, also on the last
// page and on the empty pages after it.
func (z *zhucai) list(w http.ResponseWriter, r *http.Request) {
	n := pageParam(r)
	posts, _ := z.demo.state().zhucai.page(n, perPage)
	p := &zhucaiPage{Title: "最新招聘 第" + strconv.Itoa(n) + "页", Posts: posts, Page: n,
		Next: "/jobs?page=" + strconv.Itoa(n+1)}
	if n > 1 {
		p.Prev = "/jobs?page=" + strconv.Itoa(n-1)
	}
	z.page(w, r, http.StatusOK, "list", p, true, nil)
}

// maxPage is the highest page number the sites accept; higher ones are
// read as maxPage.
const maxPage = 1 << 20

// pageParam reads ?page=N; anything but a positive number is page 1.
func pageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxPage)
}

func (z *zhucai) detail(w http.ResponseWriter, r *http.Request) {
	id, ok := idFromFile(r.PathValue("file"), ".html")
	if !ok {
		z.notFound(w, r)
		return
	}
	post, ok := z.demo.state().zhucai.byID[id]
	if !ok {
		z.notFound(w, r)
		return
	}
	switch post.Gone {
	case goneNotFound:
		z.notFound(w, r)
	case goneGone:
		z.page(w, r, http.StatusGone, "gone", &zhucaiPage{Title: ZhucaiGone}, false, nil)
	case goneDeleted:
		z.page(w, r, http.StatusOK, "deleted", &zhucaiPage{Title: "提示信息"}, false, nil)
	default:
		z.page(w, r, http.StatusOK, "detail", &zhucaiPage{Title: post.Title, Post: post}, true, post)
	}
}

// idFromFile reads the number of "123.html".
func idFromFile(file, suffix string) (int, bool) {
	s, ok := strings.CutSuffix(file, suffix)
	if !ok {
		return 0, false
	}
	id, err := strconv.Atoi(s)
	if err != nil || id < 1 || strconv.Itoa(id) != s {
		return 0, false
	}
	return id, true
}

// search serves /search?kw=…&page=N: listed posts whose title, company or
// body contains the keyword, 20 a page, with a 下一页 link only when more
// results follow.
func (z *zhucai) search(w http.ResponseWriter, r *http.Request) {
	kw := strings.TrimSpace(r.URL.Query().Get("kw"))
	n := pageParam(r)
	p := &zhucaiPage{Title: "搜索", Keyword: kw, Page: n}
	if kw != "" {
		p.Title = "搜索：" + kw
		var hits []*postView
		lkw := strings.ToLower(kw)
		for _, post := range z.demo.state().zhucai.listed {
			if strings.Contains(strings.ToLower(post.Title+"\n"+post.Company+"\n"+post.Body), lkw) {
				hits = append(hits, post)
			}
		}
		p.Total = len(hits)
		var more bool
		p.Posts, more = pageOf(hits, n, perPage)
		q := "/search?kw=" + url.QueryEscape(kw) + "&page="
		if more {
			p.Next = q + strconv.Itoa(n+1)
		}
		if n > 1 {
			p.Prev = q + strconv.Itoa(n-1)
		}
	}
	z.page(w, r, http.StatusOK, "search", p, true, nil)
}

func (z *zhucai) robotsTxt(w http.ResponseWriter, r *http.Request) {
	reply{status: http.StatusOK, contentType: "text/plain; charset=utf-8", body: []byte(z.robots)}.write(w, r)
}

// admin is the back office that robots.txt keeps crawlers out of.
func (z *zhucai) admin(w http.ResponseWriter, r *http.Request) {
	z.page(w, r, http.StatusOK, "admin", &zhucaiPage{Title: "管理后台"}, false, nil)
}

func (z *zhucai) notFound(w http.ResponseWriter, r *http.Request) {
	z.page(w, r, http.StatusNotFound, "notfound", &zhucaiPage{Title: "页面不存在"}, false, nil)
}
