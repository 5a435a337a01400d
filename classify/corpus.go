package classify

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Labels of the labeled corpus.
var Labels = []string{"guazheng", "job", "news", "discussion", "other"}

// Item is one labeled text of the corpus.
type Item struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Text       string   `json:"text"`
	Label      string   `json:"label"`
	Role       string   `json:"role"`
	Phones     []string `json:"phones"`
	WeChat     []string `json:"wechat"`
	QQ         []string `json:"qq"`
	Obfuscated bool     `json:"obfuscated"`
	Source     string   `json:"-"` // file:line
}

// ReadCorpus reads labeled JSONL files; errors name the file and line.
func ReadCorpus(files ...string) ([]Item, error) {
	var out []Item
	ids := map[string]string{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		line := 0
		for sc.Scan() {
			line++
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var it Item
			dec := json.NewDecoder(strings.NewReader(sc.Text()))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&it); err != nil {
				f.Close()
				return nil, fmt.Errorf("corpus %s:%d: %w", name, line, err)
			}
			it.Source = fmt.Sprintf("%s:%d", name, line)
			if err := it.check(); err != nil {
				f.Close()
				return nil, fmt.Errorf("corpus %s: %w", it.Source, err)
			}
			if prev, ok := ids[it.ID]; ok {
				f.Close()
				return nil, fmt.Errorf("corpus %s: id %q already used at %s", it.Source, it.ID, prev)
			}
			ids[it.ID] = it.Source
			out = append(out, it)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", name, err)
		}
	}
	return out, nil
}

func (it *Item) check() error {
	if it.ID == "" {
		return fmt.Errorf("missing id")
	}
	ok := false
	for _, l := range Labels {
		ok = ok || it.Label == l
	}
	if !ok {
		return fmt.Errorf("id %s: label %q is not one of %s", it.ID, it.Label, strings.Join(Labels, ", "))
	}
	switch {
	case it.Label == "guazheng" && it.Role != "buyer" && it.Role != "seller" && it.Role != "broker":
		return fmt.Errorf("id %s: a guazheng item needs role buyer, seller or broker, got %q", it.ID, it.Role)
	case it.Label != "guazheng" && it.Role != "":
		return fmt.Errorf("id %s: only guazheng items have a role", it.ID)
	}
	return nil
}

// Positive reports whether the item is a 挂证 ad.
func (it *Item) Positive() bool { return it.Label == "guazheng" }
