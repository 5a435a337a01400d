package extract

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/guazheng/guazheng"
)

// TestCorpusContacts compares the contacts found in the labelled corpus
// (testdata/corpus/*.jsonl, written by hand: phones, wechat and qq of every
// post) with the labels, and reports precision and recall per kind. It
// fails only when either falls below 0.9, so a few disputed labels do not
// break the build; run with -v to see every disagreement.
func TestCorpusContacts(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/corpus/*.jsonl")
	if len(files) == 0 {
		t.Skip("no corpus in testdata/corpus")
	}
	x, n := setup(t)
	type counts struct{ tp, fp, fn int }
	stats := map[guazheng.ContactKind]*counts{
		guazheng.ContactPhone: {}, guazheng.ContactWeChat: {}, guazheng.ContactQQ: {},
	}
	posts := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var item struct {
				ID, Title, Text    string
				Phones, WeChat, QQ []string
			}
			if err := json.Unmarshal(sc.Bytes(), &item); err != nil {
				continue
			}
			posts++
			want := map[guazheng.ContactKind][]string{
				guazheng.ContactPhone: item.Phones, guazheng.ContactWeChat: item.WeChat, guazheng.ContactQQ: item.QQ,
			}
			got := map[guazheng.ContactKind]map[string]bool{}
			for _, c := range x.Contacts(n.Normalize(item.Title + "\n" + item.Text)) {
				if got[c.Kind] == nil {
					got[c.Kind] = map[string]bool{}
				}
				got[c.Kind][c.Value] = true
			}
			for kind, st := range stats {
				w := map[string]bool{}
				for _, v := range want[kind] {
					w[v] = true
				}
				var missed, extra []string
				for v := range w {
					if got[kind][v] {
						st.tp++
					} else {
						st.fn++
						missed = append(missed, v)
					}
				}
				for v := range got[kind] {
					if !w[v] {
						st.fp++
						extra = append(extra, v)
					}
				}
				if len(missed)+len(extra) > 0 {
					sort.Strings(missed)
					sort.Strings(extra)
					t.Logf("%s %s: missed %v, extra %v in %q", item.ID, kind, missed, extra, item.Title+"\n"+item.Text)
				}
			}
		}
		fh.Close()
	}
	for kind, st := range stats {
		p := float64(st.tp) / float64(max(1, st.tp+st.fp))
		r := float64(st.tp) / float64(max(1, st.tp+st.fn))
		t.Logf("%s: %d posts, tp %d fp %d fn %d, precision %.3f recall %.3f", kind, posts, st.tp, st.fp, st.fn, p, r)
		if st.tp+st.fn > 20 && (p < 0.9 || r < 0.9) {
			t.Errorf("%s: precision %.3f recall %.3f, want both ≥ 0.9", kind, p, r)
		}
	}
}
