package sitetest

import (
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Page renders a small UTF-8 detail page with the selectors the tests use
// (h1.title, div.desc, span.company, span.time, div.contact).
func Page(title, text, contact string) []byte {
	return []byte(fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head><body>
<div class="job-detail"><h1 class="title">%s</h1><div class="meta"><span class="company">测试公司</span> <span class="time">2024-05-06 09:30</span></div>
<div class="desc">%s</div><div class="contact">%s</div></div></body></html>
`, title, title, text, contact))
}

// countFirst returns a handler that answers the first n requests with
// first and the rest with then.
func countFirst(n int64, first, then http.Handler) http.Handler {
	var seen atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) <= n {
			first.ServeHTTP(w, r)
			return
		}
		then.ServeHTTP(w, r)
	})
}

// RateLimited answers the first n requests 429 Too Many Requests with the
// given Retry-After value (seconds or an HTTP date), then defers to next.
func RateLimited(n int, retryAfter string, next http.Handler) http.Handler {
	return countFirst(int64(n), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, "请求过于频繁", http.StatusTooManyRequests)
	}), next)
}

// Flaky answers the first n requests with status (e.g. 503), then defers
// to next.
func Flaky(n, status int, next http.Handler) http.Handler {
	return countFirst(int64(n), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, http.StatusText(status), status)
	}), next)
}

// Challenge answers the first n requests 200 with an anti-bot page
// (百度安全验证), then defers to next.
func Challenge(n int, next http.Handler) http.Handler {
	return countFirst(int64(n), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>百度安全验证</title></head><body><div class="vcode">请完成下方验证后继续操作</div></body></html>`)
	}), next)
}

// Slow waits d (or until the client gives up) before deferring to next.
func Slow(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}

// RedirectLoop answers every request with a redirect to to, which should
// lead back here.
func RedirectLoop(to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to, http.StatusFound)
	})
}

// Oversized answers a valid HTML page of size bytes: a post at the top, then
// filler.
func Oversized(size int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		head := Page("超大页面", "正文在前面，后面是很多填充。", "电话 13500009999")
		head = []byte(strings.TrimSuffix(string(head), "</body></html>\n"))
		w.Write(head)
		filler := []byte(strings.Repeat("<p>填充内容填充内容填充内容</p>\n", 64))
		for n := len(head); n < size; n += len(filler) {
			if _, err := w.Write(filler); err != nil {
				return
			}
		}
		fmt.Fprint(w, "</body></html>\n")
	})
}

// PaginationTrap serves list pages under prefix (prefix?page=N) that always
// offer a next page and always list the same post links.
func PaginationTrap(prefix string, posts []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if n < 1 {
			n = 1
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var b strings.Builder
		fmt.Fprintf(&b, "<html><head><meta charset=\"utf-8\"><title>第%d页</title></head><body><ul class=\"list\">\n", n)
		for _, p := range posts {
			fmt.Fprintf(&b, "<li><a class=\"post\" href=\"%s\">帖子</a></li>\n", p)
		}
		fmt.Fprintf(&b, "</ul><div class=\"pager\"><a class=\"list\" href=\"%s?page=%d\">下一页</a></div></body></html>\n", prefix, n+1)
		w.Write([]byte(b.String()))
	})
}

// Calendar serves an endless calendar under prefix (prefix/YYYY-MM): every
// month links to the previous and the next one and lists no posts.
func Calendar(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, err := time.Parse("2006-01", strings.TrimPrefix(r.URL.Path, prefix+"/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><meta charset="utf-8"><title>%s 活动日历</title></head><body><h1>%s</h1>
<div class="pager"><a class="list" href="%s/%s">上个月</a> <a class="list" href="%s/%s">下个月</a></div></body></html>
`, m.Format("2006年1月"), m.Format("2006-01"), prefix, m.AddDate(0, -1, 0).Format("2006-01"), prefix, m.AddDate(0, 1, 0).Format("2006-01"))
	})
}

// Paged serves page N of an endpoint (the query parameter param, default
// first page 1) from the file pattern with %d replaced by N, e.g.
// "api/search-%d.json"; a page without a file is 404.
func (s *Site) Paged(param, pattern string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 1
		if v := r.URL.Query().Get(param); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil {
				http.Error(w, "bad page", http.StatusBadRequest)
				return
			}
		}
		name := fmt.Sprintf(pattern, n)
		b, err := fs.ReadFile(s.fsys, name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		s.Write(w, r, "/"+name, b)
	})
}

// Generated serves a site of n generated posts without storing them:
// /gen/list?page=P lists perPage post links and links the next page;
// /gen/post/N is a detail page of about 2 KiB (every third one a 挂证-like ad).
func Generated(n, perPage int) http.Handler {
	pages := (n + perPage - 1) / perPage
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case strings.HasPrefix(r.URL.Path, "/gen/post/"):
			id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/gen/post/"))
			if err != nil || id < 1 || id > n {
				http.NotFound(w, r)
				return
			}
			w.Write(GeneratedPost(id))
		case r.URL.Path == "/gen/list":
			p, _ := strconv.Atoi(r.URL.Query().Get("page"))
			if p < 1 {
				p = 1
			}
			if p > pages {
				http.NotFound(w, r)
				return
			}
			var b strings.Builder
			fmt.Fprintf(&b, "<html><head><meta charset=\"utf-8\"><title>职位列表 第%d页</title></head><body><ul class=\"job-list\">\n", p)
			for id := (p-1)*perPage + 1; id <= min(n, p*perPage); id++ {
				fmt.Fprintf(&b, "<li><a class=\"job\" href=\"/gen/post/%d\">职位 %d</a> <span>2024-05-06</span></li>\n", id, id)
			}
			b.WriteString("</ul><div class=\"pager\">")
			if p < pages {
				fmt.Fprintf(&b, "<a class=\"next\" href=\"/gen/list?page=%d\">下一页</a>", p+1)
			}
			b.WriteString("</div></body></html>\n")
			w.Write([]byte(b.String()))
		default:
			http.NotFound(w, r)
		}
	})
}

// GeneratedPost is the body of generated post id.
func GeneratedPost(id int) []byte {
	text := "岗位职责：负责工程现场施工管理，组织协调各方，确保工程质量、安全与进度。任职要求：土木工程相关专业，三年以上现场经验。"
	contact := "联系人：人事部"
	if id%3 == 0 {
		text = "长期高价收二级建造师市政、机电，资质延续用，不坐班不考勤，社保可处理，一年一签，价格从优。"
		contact = fmt.Sprintf("电话：138%08d", id)
	}
	filler := strings.Repeat("<p class=\"tips\">温馨提示：求职过程中请提高警惕，谨防招聘诈骗。</p>\n", 16)
	return []byte(fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>职位 %d</title></head><body>
<div class="job-detail"><h1 class="title">职位 %d：项目施工员</h1><div class="meta"><span class="company">第%d建设公司</span> <span class="time">2024-05-06 09:30</span></div>
<div class="desc">%s</div><div class="contact">%s</div></div>%s</body></html>
`, id, id, id%97, text, contact, filler))
}
