// Package network groups posts into broker networks: posts that share a
// phone number, WeChat id, QQ number, e-mail address or company name belong
// to one network (union-find over the shared values), so that a broker with
// twenty posts on five sites is one lead, not twenty. Certificates never link
// posts (everyone names 一级建造师), and e-mail addresses link only as whole
// addresses, never by their domain (qq.com, 163.com …).
package network

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/guazheng/guazheng"
)

// Contact is one linking value.
type Contact struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Network is a set of posts linked by shared contact values.
type Network struct {
	// ID is stable across recomputations as long as the network keeps its
	// smallest contact: a hash of that contact.
	ID       string    `json:"id"`
	Contacts []Contact `json:"contacts"` // sorted by kind, value
	Posts    []int64   `json:"posts"`    // ascending
}

// DefaultKinds are the contact kinds that link posts.
var defaultKinds = []string{string(guazheng.ContactPhone), string(guazheng.ContactWeChat), string(guazheng.ContactQQ),
	string(guazheng.ContactEmail), string(guazheng.ContactCompany)}

// Options tune Build.
type Options struct {
	// Kinds are the contact kinds that link posts; default phone, wechat,
	// qq, email and company.
	Kinds []string
	// MaxPosts ignores values carried by more posts than this (a site's own
	// hotline in every page footer); 0 means no limit.
	MaxPosts int
}

// IDOf returns the network id derived from contact c.
func IDOf(c Contact) string {
	h := sha256.Sum256([]byte(c.Kind + ":" + c.Value))
	return hex.EncodeToString(h[:8])
}

func less(a, b Contact) bool {
	if a.Value != b.Value {
		return a.Value < b.Value
	}
	return a.Kind < b.Kind
}

// Build groups the posts of cs into networks (every network has at least
// one contact; a post with contacts of its own only is a network of one).
// Networks are ordered by id.
func Build(cs []guazheng.ContactPosts, o Options) []Network {
	kinds := o.Kinds
	if len(kinds) == 0 {
		kinds = defaultKinds
	}
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(x int64) int64 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int64) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if ra < rb {
			parent[rb] = ra
		} else {
			parent[ra] = rb
		}
	}
	var used []guazheng.ContactPosts
	for _, c := range cs {
		if !slices.Contains(kinds, c.Kind) || len(c.Posts) == 0 || (o.MaxPosts > 0 && len(c.Posts) > o.MaxPosts) || c.Value == "" {
			continue
		}
		used = append(used, c)
		for _, p := range c.Posts {
			if _, ok := parent[p]; !ok {
				parent[p] = p
			}
		}
		for _, p := range c.Posts[1:] {
			union(c.Posts[0], p)
		}
	}
	groups := map[int64]*Network{}
	for _, c := range used {
		root := find(c.Posts[0])
		n := groups[root]
		if n == nil {
			n = &Network{}
			groups[root] = n
		}
		n.Contacts = append(n.Contacts, Contact{Kind: c.Kind, Value: c.Value})
	}
	for p := range parent {
		n := groups[find(p)]
		n.Posts = append(n.Posts, p)
	}
	out := make([]Network, 0, len(groups))
	for _, n := range groups {
		slices.Sort(n.Posts)
		smallest := n.Contacts[0]
		for _, c := range n.Contacts[1:] {
			if less(c, smallest) {
				smallest = c
			}
		}
		sort.Slice(n.Contacts, func(i, j int) bool {
			if n.Contacts[i].Kind != n.Contacts[j].Kind {
				return n.Contacts[i].Kind < n.Contacts[j].Kind
			}
			return n.Contacts[i].Value < n.Contacts[j].Value
		})
		n.ID = IDOf(smallest)
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lead is a network with what a reviewer or police officer needs to judge
// it.
type Lead struct {
	Network
	Items     []guazheng.PostSummary    `json:"items"` // the posts, by id
	Sites     []string                  `json:"sites"`
	Certs     []string                  `json:"certs"`
	Roles     []guazheng.Role           `json:"roles"`
	Hits      int                       `json:"hits"`
	States    map[guazheng.HitState]int `json:"states"`
	FirstSeen time.Time                 `json:"first_seen"`
	LastSeen  time.Time                 `json:"last_seen"`
}

// HitIDs returns the ids of the network's hits.
func (l *Lead) HitIDs() []int64 {
	var ids []int64
	for _, p := range l.Items {
		if p.HitID != 0 {
			ids = append(ids, p.HitID)
		}
	}
	return ids
}

// Describe fills a Lead from the summaries of the network's posts.
func Describe(n Network, items []guazheng.PostSummary) Lead {
	l := Lead{Network: n, States: map[guazheng.HitState]int{}}
	sites, certs, roles := map[string]bool{}, map[string]bool{}, map[guazheng.Role]bool{}
	for _, p := range items {
		l.Items = append(l.Items, p)
		sites[p.Site] = true
		for _, c := range p.Certs {
			certs[c] = true
		}
		if p.HitID != 0 {
			l.Hits++
			l.States[p.HitState]++
			if p.Role != guazheng.RoleNone {
				roles[p.Role] = true
			}
		}
		if l.FirstSeen.IsZero() || p.FirstSeen.Before(l.FirstSeen) {
			l.FirstSeen = p.FirstSeen
		}
		if p.LastSeen.After(l.LastSeen) {
			l.LastSeen = p.LastSeen
		}
	}
	l.Sites = sortedKeys(sites)
	l.Certs = sortedKeys(certs)
	for r := range roles {
		l.Roles = append(l.Roles, r)
	}
	slices.Sort(l.Roles)
	return l
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Source is what Leads reads.
type Source interface {
	Contacts(ctx context.Context, minPosts int) ([]guazheng.ContactPosts, error)
	PostSummaries(ctx context.Context, ids []int64) ([]guazheng.PostSummary, error)
}

// Leads computes every network with at least one hit and at least minPosts
// posts, largest first, then most recently seen.
func Leads(ctx context.Context, src Source, o Options, minPosts int) ([]Lead, error) {
	cs, err := src.Contacts(ctx, 1)
	if err != nil {
		return nil, fmt.Errorf("networks: %w", err)
	}
	nets := Build(cs, o)
	var ids []int64
	for _, n := range nets {
		if len(n.Posts) >= minPosts {
			ids = append(ids, n.Posts...)
		}
	}
	sums, err := src.PostSummaries(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("networks: %w", err)
	}
	byID := make(map[int64]guazheng.PostSummary, len(sums))
	for _, s := range sums {
		byID[s.PostID] = s
	}
	var out []Lead
	for _, n := range nets {
		if len(n.Posts) < minPosts {
			continue
		}
		items := make([]guazheng.PostSummary, 0, len(n.Posts))
		for _, p := range n.Posts {
			if s, ok := byID[p]; ok {
				items = append(items, s)
			}
		}
		l := Describe(n, items)
		if l.Hits > 0 {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Posts) != len(out[j].Posts) {
			return len(out[i].Posts) > len(out[j].Posts)
		}
		if !out[i].LastSeen.Equal(out[j].LastSeen) {
			return out[i].LastSeen.After(out[j].LastSeen)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Find returns the lead with the given id, or false.
func Find(leads []Lead, id string) (Lead, bool) {
	for _, l := range leads {
		if l.ID == id {
			return l, true
		}
	}
	return Lead{}, false
}
