// Package demosite runs the three websites of `guazheng demo`: a job
// board, a forum and a JSON-endpoint board, each its own http.Server on
// 127.0.0.1 with a random port, so the whole system can be shown working on
// a machine without internet. Their content (data/*.json, templates/,
// static/) is embedded in the binary and rendered with html/template.
//
// The sites start in phase 1. Advance moves them to phase 2: some posts
// vanish (404, 410, or a "deleted" page with status 200), some are edited
// (price, contact or text; an ad stays an ad), new ones appear. Truth says
// exactly what is where, for end-to-end tests and the demo's summary.
//
// # Content
//
// 319 posts in all, 75 of them 挂证 ads of every role and evasion trick.
// Most texts come from the labeled corpus (testdata/corpus/*.train.jsonl —
// never the held-out *.test.jsonl); forum replies, edited versions and a
// few ads were written for the demo. Each post keeps its corpus id in the
// data ("source"). Four broker networks post on all three sites with the
// same phone, WeChat id or QQ number, often written differently on each
// (plain, circled or math-bold digits, spaced out): Truth.Networks. One
// network reaches its third site only in phase 2; another changes a phone
// number in phase 2.
//
// Hits counts each site's requests, and those to paths its robots.txt
// disallows, so a test can check that a crawler obeyed robots.txt.
//
// # 筑才招聘网 (zhucai) — UTF-8 job board
//
//	/jobs?page=N         list, 20 a page, newest first; li.job-item a.job-link.
//	                     a.next (下一页) is ALWAYS there, also on the last page
//	                     and on the empty pages after it (p.empty): a crawler
//	                     must stop when a list page yields nothing new.
//	/job/ID.html         detail: h1.job-title, .job-meta .company,
//	                     .published time[datetime] (RFC 3339), .job-body (one
//	                     <p> a line), ul.contact (li 联系人/电话/微信/QQ).
//	                     ETag and Last-Modified; conditional GETs get 304.
//	/search?kw=K&page=N  posts whose title, company or body contain K;
//	                     a.next only when more results follow.
//	/robots.txt          Disallow: /admin/ — every page links /admin/ and
//	                     detail pages /admin/report?id=ID.
//	vanished             404 page; 410 page (该信息已下线); or status 200 with
//	                     "该信息已被删除" (ZhucaiDeleted).
//
// # 建造师论坛 (jzsforum) — GBK forum
//
// Pages are GBK. The Content-Type header is just "text/html"; the charset
// is declared only by <meta charset="gbk">, after some 930 bytes of ASCII
// <script> and <style>: far enough that a guess over the first 512 bytes
// sees plain ASCII, yet inside the 1,024 bytes the WHATWG prescan (and
// x/net/html/charset) reads. Characters GBK lacks (emoji) are written
// as HTML character references (&#128557;), as old GBK forums store them.
//
//	/forum-N.html        board: tr.thread a.thread-link → /thread-ID-1.html,
//	                     plus span.tps links to every page of long threads.
//	/thread-ID-P.html    page P of a thread, 5 floors a page; threads span 1–3
//	                     pages. h1.thread-title; each floor is div.floor
//	                     (id "floor-N") with a.author, a.floor-no ("N#",
//	                     numbered across pages), .floor-time em ("2025-6-3
//	                     09:12"), div.floor-content (lines joined by <br>),
//	                     and div.pstatus "本帖最后由 … 编辑" when edited.
//	                     a.nxt (下一页) only when a later page exists.
//	/robots.txt          Disallow: /home.php, /search.php, /admin.php — every
//	                     floor links its author's /home.php?mod=space&uid=N.
//	vanished             a whole thread: 404, or status 200 with "该帖已被删除"
//	                     (ForumDeleted) on each of its pages.
//
// # 工程英才网 (gcyc) — JSON-endpoint board
//
//	/                    an empty HTML shell (div#app) that /static/app.js
//	                     fills from the API; /post/ID is the same shell
//	                     (div#app[data-post-id]) and the post's human URL.
//	/api/list?page=N     {"items":[{"id","title","summary","city","time"}],
//	                     "page":N,"has_more":bool}; 20 a page; past the end
//	                     "items":[] and has_more false.
//	/api/post/ID         {"id","title","content","company","city",
//	                     "contact":{"phone","wechat","qq"},"published"}.
//	                     Times are "2006-01-02 15:04:05", China time.
//	/robots.txt          Disallow: /user/.
//	vanished             /api/post/ID and /post/ID answer 404 or 410, or the
//	                     API answers 200 {"code":0,"id":ID,"deleted":true,
//	                     "message":"该信息已被删除"} (GcycDeleted).
//
// # Keys and URLs in Truth
//
// A PostRef's URL is the page a crawler reaches; its Key is the key the
// crawler is expected to derive (guazheng.Post.Key): the detail URL for
// zhucai, the thread's first page + "#floor-N" for a forum floor (with
// Floor = N and URL the thread page that carries it), and /post/ID for
// gcyc (with API the JSON endpoint).
package demosite
