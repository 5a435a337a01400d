package classify

import (
	"fmt"

	"github.com/guazheng/guazheng/rules"
)

// TestFailure is an inline rule test that did not pass.
type TestFailure struct {
	Rule string
	Pos  rules.Pos // where the test text is written
	Text string
	Want bool // the rule should have fired
}

func (f TestFailure) Error() string {
	if f.Want {
		return fmt.Sprintf("%s: rule %s did not fire on its tests.hit text %q", f.Pos, f.Rule, f.Text)
	}
	return fmt.Sprintf("%s: rule %s fired on its tests.miss text %q", f.Pos, f.Rule, f.Text)
}

// RunInlineTests checks every rule against its tests.hit and tests.miss texts.
func (e *Engine) RunInlineTests() []TestFailure {
	var fails []TestFailure
	check := func(r *rules.Rule, text string, pos rules.Pos, want bool) {
		v := e.ClassifyFull("", text)
		got := false
		for _, fr := range v.Rules {
			if fr.Rule == r.Name {
				got = true
				break
			}
		}
		if got != want {
			fails = append(fails, TestFailure{Rule: r.Name, Pos: pos, Text: text, Want: want})
		}
	}
	for _, r := range e.set.Rules {
		for i, t := range r.Tests.Hit {
			check(r, t, r.Tests.HitPos[i], true)
		}
		for i, t := range r.Tests.Miss {
			check(r, t, r.Tests.MissPos[i], false)
		}
	}
	return fails
}
