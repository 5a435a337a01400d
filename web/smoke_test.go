package web

import (
	"strings"
	"testing"
)

func TestSmoke(t *testing.T) {
	f := newFixture(t, nil)
	for _, r := range Roles() {
		c := f.as(r)
		resp := c.get(r.home())
		if resp.code != 200 {
			t.Errorf("%s home %s: %d\n%s", r, r.home(), resp.code, resp.body)
		}
		if !strings.Contains(resp.body, "挂证线索审核系统") {
			t.Errorf("%s: no layout", r)
		}
	}
}
