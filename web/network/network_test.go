package network

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func cp(kind, value string, posts ...int64) guazheng.ContactPosts {
	return guazheng.ContactPosts{Kind: kind, Value: value, Posts: posts}
}

func postsOf(ns []Network) [][]int64 {
	var out [][]int64
	for _, n := range ns {
		out = append(out, n.Posts)
	}
	return out
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []guazheng.ContactPosts
		opt  Options
		want map[string][]int64 // smallest contact "kind:value" → posts
	}{
		{"chain through phone and wechat", []guazheng.ContactPosts{
			cp("phone", "13800000001", 1, 2), cp("wechat", "gz001", 2, 3), cp("qq", "12345", 7),
		}, Options{}, map[string][]int64{"phone:13800000001": {1, 2, 3}, "qq:12345": {7}}},
		{"certificates never link", []guazheng.ContactPosts{
			cp("cert", "一级建造师", 1, 2, 3), cp("phone", "13800000002", 4, 5),
		}, Options{}, map[string][]int64{"phone:13800000002": {4, 5}}},
		{"hotline in every footer ignored", []guazheng.ContactPosts{
			cp("phone", "4000000000", 1, 2, 3, 4), cp("phone", "13800000003", 1, 2),
		}, Options{MaxPosts: 3}, map[string][]int64{"phone:13800000003": {1, 2}}},
		{"company links", []guazheng.ContactPosts{
			cp("company", "某某人力资源有限公司", 10, 11), cp("email", "a@qq.com", 11, 12), cp("email", "b@qq.com", 20),
		}, Options{}, map[string][]int64{"email:a@qq.com": {10, 11, 12}, "email:b@qq.com": {20}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Build(tc.in, tc.opt)
			if len(got) != len(tc.want) {
				t.Fatalf("networks = %v, want %d", postsOf(got), len(tc.want))
			}
			for key, posts := range tc.want {
				var kind, value string
				for i := range key {
					if key[i] == ':' {
						kind, value = key[:i], key[i+1:]
						break
					}
				}
				n, ok := Find(wrap(got), IDOf(Contact{kind, value}))
				if !ok {
					t.Fatalf("no network with id of %s in %v", key, postsOf(got))
				}
				if !reflect.DeepEqual(n.Posts, posts) {
					t.Errorf("network of %s: posts %v, want %v", key, n.Posts, posts)
				}
			}
		})
	}
}

func wrap(ns []Network) []Lead {
	out := make([]Lead, len(ns))
	for i, n := range ns {
		out[i] = Lead{Network: n}
	}
	return out
}

func TestIDStableWhenNetworkGrows(t *testing.T) {
	a := Build([]guazheng.ContactPosts{cp("phone", "13800000001", 1, 2)}, Options{})
	b := Build([]guazheng.ContactPosts{cp("phone", "13800000001", 1, 2), cp("wechat", "zz", 2, 9)}, Options{})
	if len(a) != 1 || len(b) != 1 || a[0].ID != b[0].ID {
		t.Fatalf("ids %v / %v", a, b)
	}
}

type fakeSource struct {
	cs   []guazheng.ContactPosts
	sums []guazheng.PostSummary
}

func (f fakeSource) Contacts(context.Context, int) ([]guazheng.ContactPosts, error) { return f.cs, nil }
func (f fakeSource) PostSummaries(_ context.Context, ids []int64) ([]guazheng.PostSummary, error) {
	var out []guazheng.PostSummary
	for _, s := range f.sums {
		for _, id := range ids {
			if s.PostID == id {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

func TestLeads(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	sum := func(id, hit int64, site string, day int, certs ...string) guazheng.PostSummary {
		return guazheng.PostSummary{PostRef: guazheng.PostRef{PostID: id, HitID: hit, HitState: map[bool]guazheng.HitState{true: guazheng.HitPending}[hit != 0],
			Site: site, FirstSeen: t0.AddDate(0, 0, day), LastSeen: t0.AddDate(0, 0, day+1)}, Role: guazheng.RoleBroker, Certs: certs}
	}
	src := fakeSource{
		cs: []guazheng.ContactPosts{cp("phone", "1", 1, 2, 3), cp("phone", "2", 4, 5), cp("phone", "3", 6, 7)},
		sums: []guazheng.PostSummary{
			sum(1, 11, "a", 0, "一级建造师/市政"), sum(2, 0, "b", 3), sum(3, 13, "b", 1, "二级建造师"),
			sum(4, 0, "a", 0), sum(5, 0, "c", 0), // no hit: not a lead
			sum(6, 16, "a", 5), sum(7, 0, "a", 6),
		},
	}
	leads, err := Leads(context.Background(), src, Options{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 2 {
		t.Fatalf("leads = %d, want 2", len(leads))
	}
	l := leads[0]
	if !reflect.DeepEqual(l.Posts, []int64{1, 2, 3}) || l.Hits != 2 || !reflect.DeepEqual(l.Sites, []string{"a", "b"}) ||
		!reflect.DeepEqual(l.Certs, []string{"一级建造师/市政", "二级建造师"}) || !l.FirstSeen.Equal(t0) || !l.LastSeen.Equal(t0.AddDate(0, 0, 4)) ||
		!reflect.DeepEqual(l.HitIDs(), []int64{11, 13}) {
		t.Errorf("lead = %+v", l)
	}
	if !reflect.DeepEqual(leads[1].Posts, []int64{6, 7}) {
		t.Errorf("second lead = %+v", leads[1])
	}
}
