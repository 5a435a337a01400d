package demosite

import (
	"slices"
	"testing"
)

func TestPageOf(t *testing.T) {
	t.Parallel()
	all := []int{1, 2, 3, 4, 5, 6, 7}
	tests := []struct {
		n, per int
		want   []int
		more   bool
	}{
		{1, 3, []int{1, 2, 3}, true},
		{2, 3, []int{4, 5, 6}, true},
		{3, 3, []int{7}, false},
		{4, 3, nil, false},
		{0, 3, nil, true},
		{1, 7, all, false},
		{1 << 62, 3, nil, false},
	}
	for _, tt := range tests {
		got, more := pageOf(all, tt.n, tt.per)
		if !slices.Equal(got, tt.want) || more != tt.more {
			t.Errorf("pageOf(%d, %d) = %v, %v; want %v, %v", tt.n, tt.per, got, more, tt.want, tt.more)
		}
	}
}

func TestIDFromFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		id   int
		ok   bool
	}{
		{"10231.html", 10231, true},
		{"010231.html", 0, false},
		{"10231", 0, false},
		{"abc.html", 0, false},
		{"-5.html", 0, false},
		{"0.html", 0, false},
		{".html", 0, false},
	}
	for _, tt := range tests {
		id, ok := idFromFile(tt.file, ".html")
		if id != tt.id || ok != tt.ok {
			t.Errorf("idFromFile(%q) = %d, %v; want %d, %v", tt.file, id, ok, tt.id, tt.ok)
		}
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		n    int
		want string
	}{
		{"短文本", 10, "短文本"},
		{"第一行\n第二行\t 第三行", 20, "第一行 第二行 第三行"},
		{"一二三四五六", 3, "一二三…"},
	}
	for _, tt := range tests {
		if got := summary(tt.text, tt.n); got != tt.want {
			t.Errorf("summary(%q, %d) = %q, want %q", tt.text, tt.n, got, tt.want)
		}
	}
}

func TestBuildPhases(t *testing.T) {
	t.Parallel()
	ds, err := loadData()
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := buildState(ds, 1), buildState(ds, 2)
	for _, b := range []struct {
		name   string
		data   *boardData
		s1, s2 *boardSnap
	}{{"zhucai", &ds.zhucai, p1.zhucai, p2.zhucai}, {"gcyc", &ds.gcyc, p1.gcyc, p2.gcyc}} {
		for _, p := range b.data.Posts {
			v1, in1 := b.s1.byID[p.ID]
			v2, in2 := b.s2.byID[p.ID]
			switch {
			case p.From == 2:
				if in1 || !in2 || v2.Gone != "" {
					t.Errorf("%s %d: new post wrong: in phase 1 %v, phase 2 %v", b.name, p.ID, in1, in2)
				}
			case p.Gone != "":
				if !in1 || v1.Gone != "" || !in2 || v2.Gone != p.Gone {
					t.Errorf("%s %d: vanishing post wrong", b.name, p.ID)
				}
			case p.Edit != nil:
				if v1.Body != p.Body || v1.Title != p.Title || (v2.Body == v1.Body && v2.Title == v1.Title && v2.Contact == v1.Contact) || v2.Updated.IsZero() {
					t.Errorf("%s %d: edit wrong", b.name, p.ID)
				}
			default:
				if *v1 != *v2 {
					t.Errorf("%s %d: unchanged post differs between phases", b.name, p.ID)
				}
			}
		}
	}
}
