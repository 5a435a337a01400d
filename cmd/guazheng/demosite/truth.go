package demosite

import (
	"fmt"
	"slices"
	"sort"
)

// Truth describes what the demo contains, for end-to-end tests and the
// demo's own summary. Every list covers phase 1 ∪ phase 2.
type Truth struct {
	Ads      []PostRef  // every 挂证 ad in phase 1 ∪ phase 2, with role
	Vanished []PostRef  // posts gone in phase 2 (Gone says how)
	Changed  []PostRef  // posts edited in phase 2 (Change says what)
	New      []PostRef  // posts that appear in phase 2
	Networks [][]string // contact values shared across sites, one sorted list per broker network
	// NetworkPosts[i] are the ads that Networks[i] links: ads that share a
	// contact value, directly or through other ads. They lie on two sites
	// or more; their Contacts hold the network's other values too.
	NetworkPosts [][]PostRef
	// Posts is every post of phase 1 ∪ phase 2: ads, jobs, news,
	// discussion and other posts.
	Posts []PostRef
}

// PostRef names one post. For the job board a post is a detail page; for
// the forum a post is one floor of a thread; for the JSON board a post is an
// item whose human URL is /post/ID.
type PostRef struct {
	Site string // Site.Name
	// URL is the page a crawler reaches that shows the post: the detail
	// page (zhucai), the thread page that carries the floor (jzsforum), or
	// the post's human URL /post/ID (gcyc).
	URL   string
	Title string // the post's title in the phase it first appears; a floor's is its thread's
	Role  string // buyer, seller or broker for ads; "" for other posts

	// Key is the key the crawler gives the post: the detail URL (zhucai),
	// the thread's first page + "#floor-N" (jzsforum), the human URL
	// /post/ID (gcyc).
	Key   string
	Floor int    // jzsforum: the floor number, 1 = opening post; 0 elsewhere
	API   string // gcyc: the JSON endpoint /api/post/ID; "" elsewhere
	Label string // guazheng, job, news, discussion or other
	Phase int    // the phase the post first appears in: 1 or 2
	// Gone is how a vanished post's page answers in phase 2: "404", "410"
	// or "deleted" (status 200 with the site's deleted notice).
	Gone string
	// Change is what changed in an edited post: "price", "contact" or "text".
	Change string
	// Contacts are the post's phone numbers, WeChat ids and QQ numbers
	// (normalised: digits, lower case), of both versions when edited.
	Contacts []string
}

// Truth returns what the demo contains. The result is the caller's to keep.
func (d *Demo) Truth() Truth {
	t := d.truth
	cp := func(rs []PostRef) []PostRef {
		out := make([]PostRef, len(rs))
		for i, r := range rs {
			r.Contacts = slices.Clone(r.Contacts)
			out[i] = r
		}
		return out
	}
	out := Truth{Ads: cp(t.Ads), Vanished: cp(t.Vanished), Changed: cp(t.Changed), New: cp(t.New), Posts: cp(t.Posts)}
	for i := range t.Networks {
		out.Networks = append(out.Networks, slices.Clone(t.Networks[i]))
		out.NetworkPosts = append(out.NetworkPosts, cp(t.NetworkPosts[i]))
	}
	return out
}

func contactsOf(tf *truthFields) []string {
	var vs []string
	for _, l := range [][]string{tf.Phones, tf.WeChat, tf.QQ} {
		vs = append(vs, l...)
	}
	if e := tf.Edit; e != nil {
		for _, l := range [][]string{e.Phones, e.WeChat, e.QQ} {
			vs = append(vs, l...)
		}
	}
	sort.Strings(vs)
	return slices.Compact(vs)
}

func buildTruth(ds *dataset, sites []Site) Truth {
	base := map[string]string{}
	for _, s := range sites {
		base[s.Name] = s.BaseURL
	}
	var t Truth
	add := func(r PostRef, tf *truthFields, threadGone string) {
		r.Label, r.Phase, r.Contacts = tf.Label, tf.From, contactsOf(tf)
		if tf.Label == "guazheng" {
			r.Role = tf.Role
		}
		r.Gone = tf.Gone
		if threadGone != "" && tf.From == 1 {
			r.Gone = threadGone
		}
		if tf.Edit != nil {
			r.Change = tf.Edit.Change
		}
		t.Posts = append(t.Posts, r)
	}
	for _, p := range ds.zhucai.Posts {
		u := fmt.Sprintf("%s/job/%d.html", base[SiteZhucai], p.ID)
		add(PostRef{Site: SiteZhucai, URL: u, Key: u, Title: p.Title}, &p.truthFields, "")
	}
	for _, th := range ds.forum.Threads {
		first := fmt.Sprintf("%s/thread-%d-1.html", base[SiteForum], th.ID)
		for i, f := range th.Floors {
			n := i + 1
			u := fmt.Sprintf("%s/thread-%d-%d.html", base[SiteForum], th.ID, (n-1)/floorsPerPage+1)
			add(PostRef{Site: SiteForum, URL: u, Key: fmt.Sprintf("%s#floor-%d", first, n), Floor: n, Title: th.Title},
				&f.truthFields, th.Gone)
		}
	}
	for _, p := range ds.gcyc.Posts {
		u := fmt.Sprintf("%s/post/%d", base[SiteGcyc], p.ID)
		add(PostRef{Site: SiteGcyc, URL: u, Key: u, API: fmt.Sprintf("%s/api/post/%d", base[SiteGcyc], p.ID),
			Title: p.Title}, &p.truthFields, "")
	}
	for _, r := range t.Posts {
		if r.Label == "guazheng" {
			t.Ads = append(t.Ads, r)
		}
		if r.Gone != "" {
			t.Vanished = append(t.Vanished, r)
		}
		if r.Change != "" {
			t.Changed = append(t.Changed, r)
		}
		if r.Phase == 2 {
			t.New = append(t.New, r)
		}
	}
	t.Networks, t.NetworkPosts = networks(t.Ads)
	return t
}

// networks links ads that share a contact value and keeps the groups whose
// ads lie on two sites or more, with the values found on two sites or more.
func networks(ads []PostRef) ([][]string, [][]PostRef) {
	parent := make([]int, len(ads))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	owner := map[string]int{}
	for i, a := range ads {
		for _, v := range a.Contacts {
			if j, ok := owner[v]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[v] = i
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range ads {
		r := find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	var values [][]string
	var posts [][]PostRef
	for _, r := range roots {
		sites := map[string]bool{}
		valueSites := map[string]map[string]bool{}
		var ps []PostRef
		for _, i := range groups[r] {
			sites[ads[i].Site] = true
			for _, v := range ads[i].Contacts {
				if valueSites[v] == nil {
					valueSites[v] = map[string]bool{}
				}
				valueSites[v][ads[i].Site] = true
			}
			ps = append(ps, ads[i])
		}
		if len(sites) < 2 {
			continue
		}
		var vs []string
		for v, on := range valueSites {
			if len(on) >= 2 {
				vs = append(vs, v)
			}
		}
		sort.Strings(vs)
		values = append(values, vs)
		posts = append(posts, ps)
	}
	return values, posts
}
