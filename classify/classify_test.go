package classify

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

// testEngine loads the embedded default rules once per test binary.
var testEngine = sync.OnceValues(func() (*Engine, error) { return Load("") })

func engine(t testing.TB) *Engine {
	t.Helper()
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func fired(v guazheng.Verdict, name string) *guazheng.FiredRule {
	for i := range v.Rules {
		if v.Rules[i].Rule == name {
			return &v.Rules[i]
		}
	}
	return nil
}

func TestVerdicts(t *testing.T) {
	e := engine(t)
	tests := []struct {
		name        string
		title, text string
		flagged     bool
		role        guazheng.Role
	}{
		{"buyer plain", "高价收一建市政", "资质升级急需一建市政2名，不坐班，唯一社保，3.5万/年，电话13812345678", true, guazheng.RoleBuyer},
		{"seller plain", "", "本人二建机电求挂，初始注册，不出场，2万一年，V: zhang_2023", true, guazheng.RoleSeller},
		{"broker list", "长期合作 各类证书", "一建市政4.5万/年，二建建筑1.2万/年，一造土建3万/年，注安2万/年，长期大量收，同行勿扰，微信hrjz8866", true, guazheng.RoleBroker},
		{"split and homophone", "", "收 桂.正 一 建 机 电，不 坐 班，薇 yj_sz0371", true, guazheng.RoleBuyer},
		{"genuine job", "招聘项目经理", "岗位职责：负责市政项目现场管理。任职要求：持一级建造师（市政）证书，五年以上现场管理经验，需常驻项目部。五险一金，月薪1.5-2万。电话13812345678", false, ""},
		{"crackdown notice", "关于开展工程建设领域专业技术人员职业资格“挂证”专项整治的通知", "根据建办市〔2018〕57号要求，各市住建部门要严肃查处挂证行为，撤销注册，列入黑名单。举报电话0451-53644878。", false, ""},
		{"discussion", "挂证还能做吗？", "现在社保比对这么严，挂证还能做吗？大家怎么看，会不会被查？", false, ""},
		{"substring trap", "法律咨询", "请把挂证据材料和验收证书、签收证明一并提交，出证明请到窗口。", false, ""},
		{"ordinary job", "诚聘厨师", "酒店诚聘厨师两名，月薪6000，包吃住，电话13912345678", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Classify(tt.title, tt.text)
			if v.Flagged != tt.flagged || v.Role != tt.role {
				t.Fatalf("flagged=%v role=%q score=%.2f rules=%v; want flagged=%v role=%q", v.Flagged, v.Role, v.Score, ruleNames(v), tt.flagged, tt.role)
			}
			full := e.ClassifyFull(tt.title, tt.text)
			if full.Flagged != v.Flagged {
				t.Fatalf("fast path flagged=%v, full evaluation flagged=%v", v.Flagged, full.Flagged)
			}
		})
	}
}

func ruleNames(v guazheng.Verdict) []string {
	var out []string
	for _, r := range v.Rules {
		out = append(out, r.Rule)
	}
	return out
}

func TestSpansPointAtOriginalText(t *testing.T) {
	e := engine(t)
	title := "收 桂.证"
	text := "本公司高价收一建市政，不 坐 班，电话１３８ １２３４ ５６７８"
	v := e.ClassifyFull(title, text)
	if len(v.Rules) == 0 {
		t.Fatal("no rule fired")
	}
	for _, fr := range v.Rules {
		for _, sp := range fr.Spans {
			src := title
			if sp.Field == "text" {
				src = text
			}
			if sp.Start < 0 || sp.End > len(src) || sp.Start >= sp.End || src[sp.Start:sp.End] != sp.Text {
				t.Errorf("rule %s: span %+v does not match the original %s", fr.Rule, sp, sp.Field)
			}
		}
	}
	if r := fired(v, "GZ_VARIANT"); r == nil || len(r.Spans) == 0 || r.Spans[0].Field != "title" || r.Spans[0].Text != "桂.证" {
		t.Errorf("GZ_VARIANT spans = %+v, want the title's 桂.证", r)
	}
	if r := fired(v, "SHAM_CONDITION"); r == nil || r.Spans[0].Text != "不 坐 班" {
		t.Errorf("SHAM_CONDITION = %+v, want span 不 坐 班", r)
	}
	if len(v.Phones) != 1 || v.Phones[0] != "13812345678" {
		t.Errorf("phones = %q", v.Phones)
	}
}

// TestFastPathIsSound checks on the whole corpus that skipping the deep
// analysis never changes whether a post is flagged.
func TestFastPathIsSound(t *testing.T) {
	e := engine(t)
	files, _ := filepath.Glob("../testdata/corpus/*.jsonl")
	items, err := ReadCorpus(files...)
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, it := range items {
		fast, full := e.Classify(it.Title, it.Text), e.ClassifyFull(it.Title, it.Text)
		if fast.Flagged != full.Flagged || (fast.Flagged && fast.Score != full.Score) {
			t.Errorf("%s: fast flagged=%v score=%.2f, full flagged=%v score=%.2f", it.ID, fast.Flagged, fast.Score, full.Flagged, full.Score)
		}
		if len(fast.Rules) == 0 && len(full.Rules) > 0 {
			skipped++
		}
	}
	if skipped == 0 {
		t.Error("the fast path never skipped a post")
	}
}

func TestReloaderSwapsOnlyGoodRules(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../rules/default", dir)
	r, err := NewReloader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	v0 := r.Status().Version
	const text = "长期高价收一建市政，不坐班，唯一社保，电话13812345678"
	// Classify concurrently while reloading (run with -race).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if v := r.Classify("", text); !v.Flagged {
					t.Error("an ad was not flagged during reload")
					return
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()

	// A broken file is refused with file:line; the old rules keep serving.
	bad := filepath.Join(dir, "zz_bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - name: NEW_RULE\n    description: x\n    wrods: [a]\n"), 0o644)
	err = r.Reload()
	if err == nil || !strings.Contains(err.Error(), "zz_bad.yaml:4") {
		t.Fatalf("reload error = %v, want one naming zz_bad.yaml:4", err)
	}
	if st := r.Status(); st.Version != v0 || !strings.Contains(st.LastError, "zz_bad.yaml:4") {
		t.Fatalf("status after a failed reload = %+v", st)
	}
	// A rule whose inline test fails is refused too.
	os.WriteFile(bad, []byte("rules:\n  - name: NEW_RULE\n    description: x\n    score: 1\n    words: [乌龙]\n    tests:\n      hit: [没有这个词]\n"), 0o644)
	if err := r.Reload(); err == nil || !strings.Contains(err.Error(), "NEW_RULE did not fire") {
		t.Fatalf("reload error = %v, want a failed inline test", err)
	}
	// A good change is picked up by Watch.
	os.WriteFile(bad, []byte("rules:\n  - name: NEW_RULE\n    description: 测试新规则\n    score: 0.1\n    words: [乌龙]\n    tests:\n      hit: [一个乌龙]\n"), 0o644)
	ctx, cancel := contextWithCancel()
	defer cancel()
	go r.Watch(ctx, 20*time.Millisecond)
	deadline := time.Now().Add(20 * time.Second)
	for r.Status().Version == v0 {
		if time.Now().After(deadline) {
			t.Fatalf("Watch did not reload: %+v", r.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v := r.Engine().ClassifyFull("", "一个乌龙"); fired(v, "NEW_RULE") == nil {
		t.Fatal("the reloaded rules do not have NEW_RULE")
	}
	if st := r.Status(); st.LastError != "" {
		t.Fatalf("LastError not cleared: %+v", st)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range ents {
		b, err := os.ReadFile(filepath.Join(from, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, de.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQuotedOffersDoNotCount(t *testing.T) {
	e := engine(t)
	ad := "高价收一建市政，不坐班，唯一社保，3.5万/年，电话13812345678"
	if v := e.Classify("", ad); !v.Flagged {
		t.Fatalf("the ad itself is not flagged: %v", ruleNames(v))
	}
	quoted := "有网友说，他看到一条帖子写着“" + ad + "”，这种就是挂证，大家别上当。"
	v := e.ClassifyFull("", quoted)
	if v.Flagged {
		t.Fatalf("a post quoting an ad was flagged (score %.1f): %v", v.Score, ruleNames(v))
	}
	if fired(v, "SHAM_WITH_CERT") != nil || fired(v, "BUYER_OFFER") != nil {
		t.Errorf("offer rules fired on quoted text: %v", ruleNames(v))
	}
}
