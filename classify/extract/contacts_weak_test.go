package extract

import (
	"testing"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

func TestWeakWeChatCues(t *testing.T) {
	x := New(nil)
	n := normalize.New()
	tests := []struct {
		text string
		want string // "" when no WeChat id may be found
	}{
		{"价格私聊，联系：kuasheng_zc", "kuasheng_zc"},
		{"群主：jgrcq_bot｜扣扣", "jgrcq_bot"},
		{"VX ↓\nzcgps_2016", "zcgps_2016"},
		{"添加客服 tgzx_kefu", "tgzx_kefu"},
		{"有意者或加jzzz8899", "jzzz8899"},
		{"每单加2000元，加分项", ""},
		{"想了解的加QQ2847561930", ""},     // a QQ number, not a WeChat id
		{"联系：service", ""},            // an ordinary word
		{"联系 manager", ""},            // no digit or underscore
		{"联系：zhang_2019@163.com", ""}, // an e-mail address
	}
	for _, tt := range tests {
		var got []string
		for _, c := range x.Contacts(n.Normalize(tt.text)) {
			if c.Kind == guazheng.ContactWeChat {
				got = append(got, c.Value)
			}
		}
		if tt.want == "" && len(got) > 0 || tt.want != "" && (len(got) == 0 || got[0] != tt.want) {
			t.Errorf("%q: WeChat %q, want %q", tt.text, got, tt.want)
		}
	}
}
