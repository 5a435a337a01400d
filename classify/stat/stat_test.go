package stat

import (
	"math"
	"reflect"
	"testing"
)

func TestFeatures(t *testing.T) {
	got := Features("挂证 3万/年a1", nil, map[string]struct{}{})
	want := []string{"挂证", "0万", "年a", "a0"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Features = %q, want %q", got, want)
	}
}

func TestTrainSeparatesAndIsDeterministic(t *testing.T) {
	ex := []Example{
		{"高价收一建市政不坐班唯一社保", true},
		{"长期收二建机电挂证三万一年", true},
		{"求挂二建建筑本人证书不坐班", true},
		{"收一建挂证社保可处理", true},
		{"招聘施工员要求常驻项目部五险一金", false},
		{"诚聘项目经理需到岗月薪一万五险一金", false},
		{"住建厅关于挂证专项整治的通知", false},
		{"项目部招聘资料员五险一金双休", false},
	}
	m1, m2 := Train(ex, TrainOptions{}), Train(ex, TrainOptions{})
	b1, _ := m1.Marshal()
	b2, _ := m2.Marshal()
	if string(b1) != string(b2) {
		t.Fatal("training is not deterministic")
	}
	seen := map[string]struct{}{}
	pAd, top := m1.Score(Features("急收一建市政，不坐班，社保可处理", nil, seen))
	pJob, _ := m1.Score(Features("招聘资料员，常驻项目部，五险一金", nil, seen))
	if pAd < 0.7 || pJob > 0.3 {
		t.Fatalf("p(ad) = %.2f, p(job) = %.2f", pAd, pJob)
	}
	if len(top) == 0 {
		t.Fatal("no top features for an ad")
	}
	m3, err := Load(b1)
	if err != nil {
		t.Fatal(err)
	}
	if p3, _ := m3.Score(Features("急收一建市政，不坐班，社保可处理", nil, seen)); p3 != pAd {
		t.Fatalf("loaded model scores %.4f, trained %.4f", p3, pAd)
	}
	if _, err := Load([]byte(`{"version":9}`)); err == nil {
		t.Fatal("want error for unknown version")
	}
}

func TestTrainRoles(t *testing.T) {
	ex := []RoleExample{
		{Norm: "高价收一建市政资质升级急需", Role: "buyer"},
		{Norm: "公司急收二建机电两名", Role: "buyer"},
		{Norm: "收一造土建开标用", Role: "buyer"},
		{Norm: "本人二建机电求挂找单位", Role: "seller"},
		{Norm: "个人一建市政寻单位", Role: "seller"},
		{Norm: "本人有注安证书找单位", Role: "seller"},
		{Norm: "长期大量收出各类证书同行合作", Role: "broker"},
		{Norm: "人力资源公司各类证书报价", Role: "broker"},
		{Norm: "大量收出一建二建同行勿扰", Role: "broker"},
	}
	m := TrainRoles(ex, TrainOptions{})
	seen := map[string]struct{}{}
	for _, tt := range []struct {
		text string
		want int
	}{{"急收一建市政", 0}, {"本人二建找单位", 1}, {"各类证书大量收出", 2}} {
		p := m.Probs(Features(tt.text, nil, seen))
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		if best != tt.want {
			t.Errorf("%s: probs %v, want %s", tt.text, p, RoleNames[tt.want])
		}
	}
}

func TestScoreKeysMatchesScore(t *testing.T) {
	ex := []Example{{"高价收一建市政不坐班", true}, {"招聘施工员五险一金", false}, {"收二建挂证不坐班", true}, {"项目部招聘资料员", false}}
	m := Train(ex, TrainOptions{})
	m.Roles = TrainRoles([]RoleExample{{Norm: "高价收一建", Role: "buyer", Rules: []string{"BUYER_OFFER"}}, {Norm: "本人二建求挂", Role: "seller", Rules: []string{"SELLER_OFFER"}}, {Norm: "各类证书长期收出", Role: "broker", Rules: []string{"BROKER_TRADE"}}}, TrainOptions{})
	b, _ := m.Marshal()
	m2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"急收一建市政，不坐班", "招聘资料员，五险一金", "", "ａｂｃ 123"} {
		p1, top1 := m2.Score(Features(text, nil, map[string]struct{}{}))
		p2, top2 := m2.ScoreKeys(FeatureKeys(text, nil))
		if math.Abs(p1-p2) > 1e-9 || len(top1) != len(top2) {
			t.Errorf("%q: Score %v %q, ScoreKeys %v %q", text, p1, top1, p2, top2)
		}
		r1 := m2.Roles.Probs(Features(text, nil, map[string]struct{}{}))
		r2 := m2.Roles.ProbsKeys(FeatureKeys(text, nil))
		for k := range r1 {
			if math.Abs(r1[k]-r2[k]) > 1e-9 {
				t.Errorf("%q: role probs %v vs %v", text, r1, r2)
			}
		}
	}
}

// Rule features: the role model learns what the rules that fired say about
// the role, and keeps it through Marshal and Load.
func TestRoleRuleFeatures(t *testing.T) {
	var ex []RoleExample
	// the same wording for every role: only the rule tells them apart
	for i := 0; i < 4; i++ {
		ex = append(ex,
			RoleExample{Norm: "二建市政", Role: "buyer", Rules: []string{"BUYER_OFFER"}},
			RoleExample{Norm: "二建市政", Role: "seller", Rules: []string{"SELLER_OFFER"}},
			RoleExample{Norm: "二建市政", Role: "broker", Rules: []string{"BROKER_TRADE"}})
	}
	m := &Model{Version: 1, Roles: TrainRoles(ex, TrainOptions{})}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	for k, rule := range []string{"BUYER_OFFER", "SELLER_OFFER", "BROKER_TRADE"} {
		keys := append(FeatureKeys("二建市政", nil), RuleKey(rule))
		p := m2.Roles.ProbsKeys(keys)
		best := 0
		for j := range p {
			if p[j] > p[best] {
				best = j
			}
		}
		if best != k {
			t.Errorf("%s: probs %v, want %s", rule, p, RoleNames[k])
		}
		if q := m2.Roles.Probs(append(Features("二建市政", nil, map[string]struct{}{}), RuleFeature(rule))); math.Abs(q[k]-p[k]) > 1e-9 {
			t.Errorf("%s: Probs %v, ProbsKeys %v", rule, q, p)
		}
	}
	if RuleKey("A")>>63 != 1 || key('挂', '证')>>63 != 0 {
		t.Error("rule keys and bigram keys must not collide")
	}
}
