package extract

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"gopkg.in/yaml.v3"
)

func doc(t *testing.T, html string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFieldYAML(t *testing.T) {
	var spec HTMLSpec
	src := "title: h1\ntext: {selector: div.c, regexp: '正文：(.*)'}\npublished: {selector: time, attr: datetime}\n"
	if err := yaml.Unmarshal([]byte(src), &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Title.Selector != "h1" || spec.Text.Regexp != "正文：(.*)" || spec.Published.Attr != "datetime" {
		t.Errorf("%+v", spec)
	}
}

func TestDetailPage(t *testing.T) {
	spec := HTMLSpec{Title: Field{Selector: "h1"}, Text: Field{Selector: "div.desc"}, Author: Field{Selector: ".co"},
		Published: Field{Selector: "time", Attr: "datetime"}, Contact: Field{Selector: ".contact", Regexp: `电话：(\d+)`}}
	if err := spec.Compile("extract"); err != nil {
		t.Fatal(err)
	}
	d := doc(t, `<h1> 高价收 二建 </h1><span class="co">某咨询</span><time datetime="2024-05-06 11:02">昨天</time>
<div class="desc"><p>长期收二建机电</p><p>不坐班&nbsp;不考勤<br>一年一签</p><script>var x=1;</script></div>
<div class="contact">电话：13812345678 （微信同号）</div>`)
	posts := spec.Posts(d, Page{Site: "s", URL: "http://h/1.html", Now: time.Now()})
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	if p.Key != "http://h/1.html" || p.Title != "高价收 二建" || p.Author != "某咨询" ||
		p.Text != "长期收二建机电\n不坐班 不考勤\n一年一签\n13812345678" ||
		!p.Published.Equal(time.Date(2024, 5, 6, 3, 2, 0, 0, time.UTC)) {
		t.Errorf("%+v", p)
	}
	if got := spec.Posts(doc(t, `<p>no post here</p>`), Page{URL: "http://h/2"}); len(got) != 0 {
		t.Errorf("empty page gave %+v", got)
	}
}

func TestFloors(t *testing.T) {
	spec := HTMLSpec{Item: "div.floor", Title: Field{Selector: "h1"}, Text: Field{Selector: ".body"},
		FloorID: Field{Selector: ".no"}, Thread: Thread{Next: "a.nxt", PageParam: "page"}}
	if err := spec.Compile("extract"); err != nil {
		t.Fatal(err)
	}
	d := doc(t, `<h1>收二建</h1>
<div class="floor"><span class="no">#4楼</span><div class="body">本人二建机电</div></div>
<div class="floor"><span class="no">5楼</span><div class="body">已私信</div></div>
<div class="floor"><span class="no">6楼</span><div class="body"></div></div>
<a class="nxt" href="?tid=7&page=3">下一页</a>`)
	posts := spec.Posts(d, Page{Site: "f", URL: "http://h/t?page=2&tid=7"})
	var keys []string
	for _, p := range posts {
		keys = append(keys, p.Key)
		if p.Title != "收二建" || p.URL != "http://h/t?page=2&tid=7" {
			t.Errorf("%+v", p)
		}
	}
	if want := []string{"http://h/t?tid=7#floor-4", "http://h/t?tid=7#floor-5"}; !slices.Equal(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
	if next := spec.ThreadNext(d); next != "?tid=7&page=3" {
		t.Errorf("next %q", next)
	}
}

func TestThreadURL(t *testing.T) {
	th := Thread{PageRegexp: `-\d+\.html$`, PageReplace: "-1.html"}
	spec := HTMLSpec{Item: "x", Text: Field{Selector: "p"}, FloorID: Field{Selector: "i"}, Thread: th}
	spec.Thread.Next = "a"
	if err := spec.Compile("e"); err != nil {
		t.Fatal(err)
	}
	if got := spec.Thread.ThreadURL("http://h/thread-100-3.html"); got != "http://h/thread-100-1.html" {
		t.Errorf("ThreadURL = %q", got)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		spec  HTMLSpec
		field string
	}{
		{HTMLSpec{Text: Field{Selector: "p"}}, "extract.title"},
		{HTMLSpec{Title: Field{Selector: "h1"}}, "extract.text"},
		{HTMLSpec{Title: Field{Selector: "h1["}, Text: Field{Selector: "p"}}, "extract.title"},
		{HTMLSpec{Title: Field{Selector: "h1"}, Text: Field{Selector: "p", Regexp: "("}}, "extract.text.regexp"},
		{HTMLSpec{Item: "div", Text: Field{Selector: "p"}, Thread: Thread{Next: "a.n", PageParam: "p"}}, "extract.floor_id"},
		{HTMLSpec{Title: Field{Selector: "h1"}, Text: Field{Selector: "p"}, Thread: Thread{Next: "a.n"}}, "extract.thread.next"},
		{HTMLSpec{Item: "div", Text: Field{Selector: "p"}, FloorID: Field{Attr: "id"}, Thread: Thread{Next: "a.n"}}, "extract.thread.page_param"},
		{HTMLSpec{Title: Field{Selector: "h1"}, Text: Field{Selector: "p"}, Published: Field{Selector: "t", Layout: "15:04"}}, "extract.published.layout"},
	}
	for _, tt := range tests {
		err := tt.spec.Compile("extract")
		e, ok := err.(*Error)
		if !ok || e.Field != tt.field {
			t.Errorf("Compile(%+v) = %v, want field %s", tt.spec, err, tt.field)
		}
	}
}

func TestLinks(t *testing.T) {
	rules := []LinkRule{{Selector: "ul a"}, {Pattern: `/job/\d+`}}
	for i := range rules {
		if err := rules[i].Compile("links"); err != nil {
			t.Fatal(err)
		}
	}
	d := doc(t, `<base href="/sub/"><ul><a href="a.html">a</a><a href="#top">top</a><a href="javascript:x()">js</a>
<a href="mailto:x@y">m</a><a href="a.html">dup</a></ul><p><a href="/job/7?x=1">j</a><a href="/other">o</a>
<a href="//cdn.example.com/job/8">cdn</a></p>`)
	base, _ := url.Parse("http://h.example/list/page.html")
	got := Links(d, BaseURL(d, base), rules, nil)
	want := []string{"http://h.example/sub/a.html", "http://h.example/job/7?x=1", "http://cdn.example.com/job/8"}
	if !slices.Equal(got, want) {
		t.Errorf("Links = %q, want %q", got, want)
	}
	stripped := Links(d, BaseURL(d, base), rules[1:], func(s string) string { return strings.Split(s, "?")[0] })
	if !slices.Equal(stripped, []string{"http://h.example/job/7", "http://cdn.example.com/job/8"}) {
		t.Errorf("canonicalised links %q", stripped)
	}
}

func TestJSON(t *testing.T) {
	spec := JSONSpec{List: "data.list", URL: "/job/{id}.html?c={cat.code}", Fields: JSONFields{Title: "title", Text: "content",
		Author: "company.name", Published: "ctime", Contact: "tels"}, Pagination: JSONPagination{Param: "page", Max: 3}}
	if err := spec.Compile("json"); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"data":{"list":[
{"id":1,"cat":{"code":"a b"},"title":"收二建","content":"不坐班","company":{"name":"某中介"},"ctime":1714960800,"tels":["138","139"]},
{"id":2,"cat":{"code":"x"},"title":"","content":"","ctime":"2024-05-04 18:20"},
{"id":12345678901234567890,"cat":{"code":"y"},"title":"大数","content":"id 不丢精度","ctime":"3天前"}]}}`)
	ep, _ := url.Parse("http://h/api/search?kw=x&page=1")
	now := time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC)
	posts, items, err := spec.Posts(body, ep, Page{Site: "j", Now: now}, nil)
	if err != nil || items != 3 || len(posts) != 2 {
		t.Fatalf("posts %+v items %d err %v", posts, items, err)
	}
	if p := posts[0]; p.Key != "http://h/job/1.html?c=a%20b" || p.Author != "某中介" || p.Text != "不坐班\n138\n139" || !p.Published.Equal(time.Unix(1714960800, 0)) {
		t.Errorf("%+v", p)
	}
	if p := posts[1]; p.Key != "http://h/job/12345678901234567890.html?c=y" || !p.Published.Equal(now.Add(-72*time.Hour)) {
		t.Errorf("%+v", p)
	}
	if next := spec.NextPage(ep); next != "http://h/api/search?kw=x&page=2" {
		t.Errorf("next %q", next)
	}
	last, _ := url.Parse("http://h/api/search?kw=x&page=3")
	if next := spec.NextPage(last); next != "" {
		t.Errorf("past max: %q", next)
	}
	if _, _, err := spec.Posts([]byte(`<html>`), ep, Page{}, nil); err == nil {
		t.Error("HTML accepted as JSON")
	}
	if _, _, err := spec.Posts([]byte(`{"data":{}}`), ep, Page{}, nil); err == nil {
		t.Error("missing list accepted")
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2024, 5, 10, 15, 0, 0, 0, time.UTC) // 23:00 in UTC+8
	cst := func(y, mo, d, h, mi int) time.Time {
		return time.Date(y, time.Month(mo), d, h, mi, 0, 0, ChinaTime).UTC()
	}
	tests := []struct {
		in, layout string
		want       time.Time
	}{
		{"2024-05-06 11:02", "", cst(2024, 5, 6, 11, 2)},
		{"发表于 2024-5-6 9:05", "", cst(2024, 5, 6, 9, 5)},
		{"2024/05/06", "", cst(2024, 5, 6, 0, 0)},
		{"2024年5月6日 11:02", "", cst(2024, 5, 6, 11, 2)},
		{"2024年5月6日", "", cst(2024, 5, 6, 0, 0)},
		{"2024-05-06T11:02:00+08:00", "", cst(2024, 5, 6, 11, 2)},
		{"1714960800", "", time.Unix(1714960800, 0).UTC()},
		{"1714960800123", "", time.UnixMilli(1714960800123).UTC()},
		{"刚刚", "", now},
		{"5分钟前", "", now.Add(-5 * time.Minute)},
		{"3天前", "", now.Add(-72 * time.Hour)},
		{"昨天 12:30", "", cst(2024, 5, 9, 12, 30)},
		{"05-06 11:02", "", cst(2024, 5, 6, 11, 2)},
		{"06/05/2024", "02/01/2006", cst(2024, 5, 6, 0, 0)},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, tt.layout, nil, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseTime("不久前", "", nil, now); err == nil {
		t.Error("nonsense parsed")
	}
}
