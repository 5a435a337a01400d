package demosite

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startDemo starts the demo sites for one test and closes them after it.
func startDemo(t *testing.T) *Demo {
	t.Helper()
	d, err := Start(t.Context())
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// get fetches u with extra request headers given as name, value pairs.
func get(t *testing.T, u string, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("new request %s: %v", u, err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func getJSON(t *testing.T, u string, v any) response {
	t.Helper()
	r := get(t, u)
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: decode JSON: %v\n%s", u, err, r.body)
	}
	return r
}

func site(t *testing.T, d *Demo, name string) Site {
	t.Helper()
	s, ok := d.Site(name)
	if !ok {
		t.Fatalf("no site %q", name)
	}
	return s
}

func TestSites(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	sites := d.Sites()
	want := []struct{ name, title, charset string }{
		{SiteZhucai, "筑才招聘网", "utf-8"},
		{SiteForum, "建造师论坛", "gbk"},
		{SiteGcyc, "工程英才网", "utf-8"},
	}
	if len(sites) != len(want) {
		t.Fatalf("got %d sites, want %d", len(sites), len(want))
	}
	ports := map[string]bool{}
	for i, w := range want {
		s := sites[i]
		if s.Name != w.name || s.Title != w.title || s.Charset != w.charset {
			t.Errorf("site %d = %s %s %s, want %s %s %s", i, s.Name, s.Title, s.Charset, w.name, w.title, w.charset)
		}
		if !strings.HasPrefix(s.BaseURL, "http://127.0.0.1:") {
			t.Errorf("%s: BaseURL %q not on loopback", s.Name, s.BaseURL)
		}
		ports[s.BaseURL] = true
		for _, u := range s.StartURLs {
			if r := get(t, u); r.status != http.StatusOK {
				t.Errorf("%s: start URL %s: status %d", s.Name, u, r.status)
			}
		}
	}
	if len(ports) != 3 {
		t.Errorf("sites share a port: %v", ports)
	}
	if d.Phase() != 1 {
		t.Errorf("Phase = %d, want 1", d.Phase())
	}
}

func TestRobots(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tests := []struct {
		site       string
		disallowed []string
		linked     string // a disallowed link every page carries
		page       string
	}{
		{SiteZhucai, []string{"/admin/"}, `href="/admin/"`, "/jobs?page=1"},
		{SiteForum, []string{"/home.php", "/search.php", "/admin.php"}, `href="/home.php?mod=space`, "/forum-2.html"},
		{SiteGcyc, []string{"/user/"}, "", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.site, func(t *testing.T) {
			s := site(t, d, tt.site)
			r := get(t, s.BaseURL+"/robots.txt")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
				t.Fatalf("robots.txt: status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			body := string(r.body)
			if !strings.Contains(body, "User-agent: *\n") {
				t.Errorf("robots.txt has no User-agent: *\n%s", body)
			}
			for _, p := range tt.disallowed {
				if !strings.Contains(body, "Disallow: "+p+"\n") {
					t.Errorf("robots.txt lacks Disallow: %s\n%s", p, body)
				}
			}
			if !slices.Equal(s.Disallowed, tt.disallowed) {
				t.Errorf("Site.Disallowed = %v, want %v", s.Disallowed, tt.disallowed)
			}
			if tt.linked != "" && !strings.Contains(string(get(t, s.BaseURL+tt.page).body), tt.linked) {
				t.Errorf("%s does not link %s", tt.page, tt.linked)
			}
			before := d.Hits(tt.site)
			if r := get(t, s.BaseURL+tt.disallowed[0]); r.status != http.StatusOK {
				t.Errorf("disallowed page %s: status %d", tt.disallowed[0], r.status)
			}
			after := d.Hits(tt.site)
			if after.Disallowed != before.Disallowed+1 || after.Requests != before.Requests+1 {
				t.Errorf("hits %+v → %+v, want one more request and one more disallowed", before, after)
			}
		})
	}
}

// visible returns the posts of Truth that phase shows, keyed by Key.
func visible(tr Truth, phase int) map[string]PostRef {
	out := map[string]PostRef{}
	for _, p := range tr.Posts {
		if p.Phase > phase || (phase == 2 && p.Gone != "") {
			continue
		}
		out[p.Key] = p
	}
	return out
}

var (
	jobHref    = regexp.MustCompile(`href="/job/(\d+)\.html"`)
	threadHref = regexp.MustCompile(`href="/thread-(\d+)-(\d+)\.html"`)
	floorAnchr = regexp.MustCompile(`<div class="floor" id="floor-(\d+)"`)
)

// listed walks every list page of the three sites the way a crawler
// would and returns the keys of the posts it finds.
func listed(t *testing.T, d *Demo) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	// job board: follow 下一页 until a page brings nothing new
	z := site(t, d, SiteZhucai)
	for n := 1; ; n++ {
		r := get(t, z.BaseURL+"/jobs?page="+itoa(n))
		if !strings.Contains(string(r.body), `<a class="next" href="/jobs?page=`+itoa(n+1)+`">下一页</a>`) {
			t.Fatalf("zhucai page %d has no next link", n)
		}
		fresh := 0
		for _, m := range jobHref.FindAllStringSubmatch(string(r.body), -1) {
			k := z.BaseURL + "/job/" + m[1] + ".html"
			if !keys[k] {
				keys[k] = true
				fresh++
			}
		}
		if fresh == 0 {
			break
		}
	}
	// forum: boards → threads → thread pages → floors
	f := site(t, d, SiteForum)
	for _, b := range f.StartURLs {
		seen := map[string]bool{}
		for _, m := range threadHref.FindAllStringSubmatch(string(get(t, b).body), -1) {
			page := f.BaseURL + "/thread-" + m[1] + "-" + m[2] + ".html"
			if seen[page] {
				continue
			}
			seen[page] = true
			r := get(t, page)
			if r.status != http.StatusOK {
				t.Fatalf("%s: status %d", page, r.status)
			}
			for _, fm := range floorAnchr.FindAllStringSubmatch(string(r.body), -1) {
				keys[f.BaseURL+"/thread-"+m[1]+"-1.html#floor-"+fm[1]] = true
			}
		}
	}
	// JSON board: pages until has_more is false
	g := site(t, d, SiteGcyc)
	for n := 1; ; n++ {
		var lp ListPage
		getJSON(t, g.BaseURL+"/api/list?page="+itoa(n), &lp)
		for _, it := range lp.Items {
			keys[g.BaseURL+"/post/"+itoa(it.ID)] = true
		}
		if !lp.HasMore {
			break
		}
	}
	return keys
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestListsMatchTruth checks, in both phases, that the lists of the three
// sites lead to exactly the posts Truth says are visible.
func TestListsMatchTruth(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	for phase := 1; phase <= 2; phase++ {
		if phase == 2 {
			d.Advance()
		}
		want := visible(tr, phase)
		got := listed(t, d)
		for k := range want {
			if !got[k] {
				t.Errorf("phase %d: %s (%s) in Truth but not reachable from the lists", phase, k, want[k].Title)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("phase %d: %s listed but not in Truth as visible", phase, k)
			}
		}
	}
}

func TestTruthCounts(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	perSite := map[string]int{}
	roles := map[string]int{}
	labels := map[string]int{}
	keys := map[string]bool{}
	for _, p := range tr.Posts {
		perSite[p.Site]++
		labels[p.Label]++
		if keys[p.Key] {
			t.Errorf("key %s twice", p.Key)
		}
		keys[p.Key] = true
		if (p.Label == "guazheng") != (p.Role != "") {
			t.Errorf("%s: label %s with role %q", p.Key, p.Label, p.Role)
		}
	}
	for _, a := range tr.Ads {
		roles[a.Role]++
	}
	for _, s := range []string{SiteZhucai, SiteForum, SiteGcyc} {
		if perSite[s] < 60 {
			t.Errorf("%s has %d posts, want at least 60", s, perSite[s])
		}
	}
	if n := len(tr.Posts); n < 280 || n > 340 {
		t.Errorf("%d posts, want about 300", n)
	}
	for _, r := range []string{"buyer", "seller", "broker"} {
		if roles[r] < 10 {
			t.Errorf("%d %s ads, want at least 10", roles[r], r)
		}
	}
	for l, min := range map[string]int{"guazheng": 60, "job": 80, "news": 25, "discussion": 35, "other": 50} {
		if labels[l] < min {
			t.Errorf("%d %s posts, want at least %d", labels[l], l, min)
		}
	}
	if len(tr.Vanished) < 8 || len(tr.Changed) < 6 || len(tr.New) < 10 {
		t.Errorf("vanished %d, changed %d, new %d: want ~8, ~6, ~10", len(tr.Vanished), len(tr.Changed), len(tr.New))
	}
	for _, set := range [][]PostRef{tr.Vanished, tr.Changed, tr.New} {
		sites := map[string]bool{}
		for _, p := range set {
			sites[p.Site] = true
		}
		if len(sites) != 3 {
			t.Errorf("%v: want posts on all three sites", sites)
		}
	}
	newAds := 0
	for _, p := range tr.New {
		if p.Label == "guazheng" {
			newAds++
		}
	}
	if newAds < 4 {
		t.Errorf("%d new ads in phase 2, want at least 4", newAds)
	}
	for _, p := range tr.Changed {
		if p.Label == "guazheng" && p.Role == "" {
			t.Errorf("changed ad %s lost its role", p.Key)
		}
	}
	if n := len(tr.Networks); n < 3 || n > 4 || len(tr.NetworkPosts) != n {
		t.Fatalf("%d networks (%d post groups), want 3–4", n, len(tr.NetworkPosts))
	}
	for i, vals := range tr.Networks {
		if len(vals) == 0 {
			t.Errorf("network %d has no shared value", i)
		}
		for _, v := range vals {
			sites := map[string]bool{}
			for _, p := range tr.NetworkPosts[i] {
				if slices.Contains(p.Contacts, v) {
					sites[p.Site] = true
				}
			}
			if len(sites) < 2 {
				t.Errorf("network value %s is on %d site(s), want 2 or more", v, len(sites))
			}
		}
	}
	// every ad sharing a value with another ad on another site is in a network
	for _, a := range tr.Ads {
		for _, b := range tr.Ads {
			if a.Site == b.Site {
				continue
			}
			for _, v := range a.Contacts {
				if slices.Contains(b.Contacts, v) && !slices.ContainsFunc(tr.Networks, func(n []string) bool { return slices.Contains(n, v) }) {
					t.Errorf("%s shared by %s and %s but in no network", v, a.Key, b.Key)
				}
			}
		}
	}
}

// TestTruthServed fetches every post of Truth in phase 1 and checks that
// its page shows it.
func TestTruthServed(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	for _, p := range d.Truth().Posts {
		switch p.Site {
		case SiteZhucai:
			r := get(t, p.URL)
			if p.Phase == 2 {
				if r.status != http.StatusNotFound {
					t.Errorf("%s: phase-2 post answers %d in phase 1", p.URL, r.status)
				}
				continue
			}
			if r.status != http.StatusOK || !strings.Contains(string(r.body), `<h1 class="job-title">`+htmlEscape(p.Title)+`</h1>`) {
				t.Errorf("%s: status %d, title %q not shown", p.URL, r.status, p.Title)
			}
		case SiteForum:
			r := get(t, p.URL)
			if p.Phase == 2 {
				continue // checked by TestForumThreadPages
			}
			if r.status != http.StatusOK || !strings.Contains(string(r.body), `id="floor-`+itoa(p.Floor)+`"`) {
				t.Errorf("%s: status %d, floor %d not shown", p.URL, r.status, p.Floor)
			}
		case SiteGcyc:
			var pd PostDetail
			r := getJSON(t, p.API, &pd)
			if p.Phase == 2 {
				if r.status != http.StatusNotFound {
					t.Errorf("%s: phase-2 post answers %d in phase 1", p.API, r.status)
				}
				continue
			}
			if r.status != http.StatusOK || pd.Title != p.Title || pd.Content == "" {
				t.Errorf("%s: status %d, title %q, want %q", p.API, r.status, pd.Title, p.Title)
			}
			if sh := get(t, p.URL); sh.status != http.StatusOK || !strings.Contains(string(sh.body), `data-post-id="`+itoa(pd.ID)+`"`) {
				t.Errorf("%s: shell status %d", p.URL, sh.status)
			}
		default:
			t.Errorf("unknown site %q", p.Site)
		}
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

// fetchPost fetches the page (or API answer) that shows p.
func fetchPost(t *testing.T, p PostRef) response {
	t.Helper()
	if p.API != "" {
		return get(t, p.API)
	}
	return get(t, p.URL)
}

func TestAdvance(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	before := map[string]response{}
	for _, p := range tr.Changed {
		before[p.Key] = fetchPost(t, p)
	}
	d.Advance()
	if d.Phase() != 2 {
		t.Fatalf("Phase = %d after Advance", d.Phase())
	}
	d.Advance() // idempotent
	if d.Phase() != 2 {
		t.Fatalf("Phase = %d after a second Advance", d.Phase())
	}
	markers := map[string]string{SiteZhucai: ZhucaiDeleted, SiteForum: "", SiteGcyc: GcycDeleted}
	gone := map[string]int{}
	for _, p := range tr.Vanished {
		r := fetchPost(t, p)
		body := string(r.body)
		if p.Site == SiteForum {
			body = decodeGBK(t, r.body)
			markers[SiteForum] = ForumDeleted
		}
		gone[p.Gone]++
		switch p.Gone {
		case goneNotFound:
			if r.status != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p.Key, r.status)
			}
		case goneGone:
			if r.status != http.StatusGone {
				t.Errorf("%s: status %d, want 410", p.Key, r.status)
			}
		case goneDeleted:
			if r.status != http.StatusOK || !strings.Contains(body, markers[p.Site]) {
				t.Errorf("%s: status %d, want 200 with %q", p.Key, r.status, markers[p.Site])
			}
		default:
			t.Errorf("%s: Gone %q", p.Key, p.Gone)
		}
	}
	for _, g := range []string{goneNotFound, goneGone, goneDeleted} {
		if gone[g] == 0 {
			t.Errorf("no post vanishes as %s", g)
		}
	}
	for _, p := range tr.Changed {
		r := fetchPost(t, p)
		if r.status != http.StatusOK {
			t.Errorf("%s: changed post answers %d", p.Key, r.status)
			continue
		}
		if string(r.body) == string(before[p.Key].body) {
			t.Errorf("%s: %s change not visible", p.Key, p.Change)
		}
	}
	for _, p := range tr.New {
		if r := fetchPost(t, p); r.status != http.StatusOK {
			t.Errorf("%s: new post answers %d", p.Key, r.status)
		}
	}
}

// TestAdvanceConcurrent advances while clients fetch: every answer must
// come wholly from phase 1 or wholly from phase 2 (run with -race).
func TestAdvanceConcurrent(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	tr := d.Truth()
	var urls []string
	for _, s := range d.Sites() {
		urls = append(urls, s.StartURLs...)
	}
	for _, p := range append(slices.Clone(tr.Vanished), tr.Changed...) {
		urls = append(urls, p.URL)
		if p.API != "" {
			urls = append(urls, p.API)
		}
	}
	answer := func(u string) (string, error) {
		resp, err := http.Get(u)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.Status + "\n" + string(b), err
	}
	phase1 := map[string]string{}
	for _, u := range urls {
		a, err := answer(u)
		if err != nil {
			t.Fatal(err)
		}
		phase1[u] = a
	}
	type got struct{ url, answer string }
	answers := make(chan got, 8*40)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				u := urls[(w*41+i)%len(urls)]
				a, err := answer(u)
				if err != nil {
					errs <- err
					return
				}
				answers <- got{u, a}
			}
		}()
	}
	time.Sleep(2 * time.Millisecond)
	d.Advance()
	wg.Wait()
	close(answers)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	phase2 := map[string]string{}
	for _, u := range urls {
		a, err := answer(u)
		if err != nil {
			t.Fatal(err)
		}
		phase2[u] = a
	}
	changed := 0
	for _, u := range urls {
		if phase1[u] != phase2[u] {
			changed++
		}
	}
	if changed < len(tr.Vanished)+len(tr.Changed) {
		t.Errorf("only %d of %d answers differ between the phases", changed, len(urls))
	}
	for g := range answers {
		if g.answer != phase1[g.url] && g.answer != phase2[g.url] {
			t.Errorf("%s: answer from neither phase:\n%.300s", g.url, g.answer)
		}
	}
}

func TestCloseOnContextDone(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	d, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := d.Sites()[0].BaseURL + "/"
	if r := get(t, u); r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(u)
		if err != nil {
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Logf("after cancel: %v", err)
			}
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("sites still answer after ctx is done")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestLoadData(t *testing.T) {
	t.Parallel()
	ds, err := loadData()
	if err != nil {
		t.Fatal(err)
	}
	// Corpus texts come from the train split only, unchanged.
	train, test := corpusTexts(t, "*.train.jsonl"), corpusTexts(t, "*.test.jsonl")
	check := func(where, source, text string) {
		if source == "new" {
			return
		}
		if _, ok := test[source]; ok {
			t.Errorf("%s: text of held-out %s", where, source)
		}
		if want, ok := train[source]; !ok || want != text {
			t.Errorf("%s: source %s: not the train corpus text", where, source)
		}
	}
	for _, p := range append(slices.Clone(ds.zhucai.Posts), ds.gcyc.Posts...) {
		check("post "+itoa(p.ID), p.Source, p.Body)
	}
	for _, th := range ds.forum.Threads {
		for _, f := range th.Floors {
			check("floor "+itoa(f.PID), f.Source, f.Text)
		}
	}
	tests := []struct {
		name   string
		mutate func(*dataset)
	}{
		{"duplicate id", func(ds *dataset) { ds.zhucai.Posts[1].ID = ds.zhucai.Posts[0].ID }},
		{"bad label", func(ds *dataset) { ds.gcyc.Posts[0].Label = "spam" }},
		{"ad without role", func(ds *dataset) { ds.gcyc.Posts[0].Label, ds.gcyc.Posts[0].Role = "guazheng", "" }},
		{"bad gone", func(ds *dataset) { ds.zhucai.Posts[0].Gone = "500" }},
		{"bad time", func(ds *dataset) { ds.forum.Threads[0].Floors[0].Time = "yesterday" }},
		{"unknown board", func(ds *dataset) { ds.forum.Threads[0].Board = 99 }},
		{"floor gone alone", func(ds *dataset) { ds.forum.Threads[0].Floors[1].Gone = "404" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, err := loadData()
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(bad)
			if err := bad.validate(); err == nil {
				t.Error("validate accepted broken data")
			}
		})
	}
}

// corpusTexts maps the ids of the labeled corpus files matching glob to
// their texts.
func corpusTexts(t *testing.T, glob string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "corpus", glob))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus files %s: %v", glob, err)
	}
	texts := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var item struct{ ID, Text string }
			if err := json.Unmarshal([]byte(line), &item); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			texts[item.ID] = item.Text
		}
	}
	return texts
}
