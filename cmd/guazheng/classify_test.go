package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runMain(t testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(args, &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return out.String(), errb.String(), code
}

func TestClassifyCommand(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a1","title":"高价收一建市政","text":"资质升级急需，不坐班，唯一社保，3.5万/年，薇 ｙｊ＿ｓｚ２０２４，电话 一三八 一二三四 五六七八"}`,
		`{"id":2,"title":"诚聘厨师","text":"酒店诚聘厨师两名，月薪6000，包吃住，电话13912345678"}`,
		`{"id":"bad", "title": 5`,
		``,
		`{"title":"no id","text":"x"}`,
		`{"id":"n3","title":"关于开展挂证专项整治的通知","text":"根据建办市〔2018〕57号，各地严肃查处挂证行为，撤销注册。举报电话0451-53644878"}`,
	}, "\n")
	out, errOut, code := runMain(t, in, "classify")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 output lines (blank input skipped), got %d:\n%s", len(lines), out)
	}
	var v []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line is not JSON: %v: %s", err, l)
		}
		v = append(v, m)
	}
	if v[0]["id"] != "a1" || v[0]["flagged"] != true || v[0]["role"] != "buyer" {
		t.Errorf("line 1 = %v", v[0])
	}
	phones, _ := v[0]["phones"].([]any)
	wechat, _ := v[0]["wechat"].([]any)
	if len(phones) != 1 || phones[0] != "13812345678" || len(wechat) != 1 || wechat[0] != "yj_sz2024" {
		t.Errorf("line 1 contacts: phones %v wechat %v", phones, wechat)
	}
	for _, key := range []string{"score", "rules", "qq", "certs", "prices"} {
		if _, ok := v[0][key]; !ok {
			t.Errorf("line 1 lacks %q", key)
		}
	}
	if v[1]["id"] != float64(2) || v[1]["flagged"] != false {
		t.Errorf("line 2 = %v", v[1])
	}
	if e, _ := v[2]["error"].(string); !strings.Contains(e, "line 3") || v[2]["line"] != float64(3) {
		t.Errorf("line 3 should be an error naming line 3, got %v", v[2])
	}
	if e, _ := v[3]["error"].(string); !strings.Contains(e, "missing \"id\"") {
		t.Errorf("line 5 should report the missing id, got %v", v[3])
	}
	if v[4]["id"] != "n3" || v[4]["flagged"] != false {
		t.Errorf("the crackdown notice was flagged: %v", v[4])
	}
}

func TestClassifyCommandBadRules(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.yaml"), []byte("settings:\n  version: x\n  threshold: 5\nrules:\n  - name: X\n    descripton: typo\n"), 0o644)
	_, errOut, code := runMain(t, "", "classify", "--rules", dir)
	if code == 0 || !strings.Contains(errOut, "a.yaml:6") {
		t.Fatalf("exit %d, stderr %q: want failure naming a.yaml:6", code, errOut)
	}
}

func TestRulesCommands(t *testing.T) {
	out, errOut, code := runMain(t, "", "rules", "lint")
	if code != 0 || !strings.Contains(out, "inline tests pass") {
		t.Fatalf("rules lint: exit %d\n%s%s", code, out, errOut)
	}
	corpus := filepath.Join("..", "..", "testdata", "corpus", "neg_news.test.jsonl")
	report := filepath.Join(t.TempDir(), "report.json")
	out, errOut, code = runMain(t, "", "rules", "test", "--corpus", corpus, "--json", report)
	if code != 0 {
		t.Fatalf("rules test: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"precision", "recall", "false positives by label", "role accuracy", "extraction recall", "GZ_EXPLICIT"} {
		if !strings.Contains(out, want) {
			t.Errorf("rules test output lacks %q", want)
		}
	}
	b, err := os.ReadFile(report)
	if err != nil || !bytes.Contains(b, []byte(`"rules"`)) {
		t.Fatalf("JSON report: %v %s", err, b)
	}

	// Cross-validation: k folds, or one fold per corpus file (a model trained
	// on the other files classifies each file).
	ads := filepath.Join("..", "..", "testdata", "corpus", "ads_bs.test.jsonl")
	out, errOut, code = runMain(t, "", "rules", "test", "--cv-files", "--corpus", ads, corpus)
	if code != 0 || !strings.Contains(out, "cross-validated over 2 groups") || !strings.Contains(out, "precision") {
		t.Fatalf("rules test --cv-files: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runMain(t, "", "rules", "test", "--cv", "3", "--corpus", ads, corpus)
	if code != 0 || !strings.Contains(out, "3-fold cross-validated") {
		t.Fatalf("rules test --cv 3: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code = runMain(t, "", "rules", "test", "--cv-files", "--corpus", corpus); code == 0 || !strings.Contains(errOut, "at least 2 groups") {
		t.Fatalf("rules test --cv-files with one file: exit %d, stderr %q", code, errOut)
	}

	// A failing inline test makes `rules test` exit non-zero.
	dir := t.TempDir()
	copyRules(t, dir)
	os.WriteFile(filepath.Join(dir, "zz.yaml"), []byte("rules:\n  - name: ZZ\n    description: d\n    score: 1\n    words: [乌龙]\n    tests:\n      hit: [没有]\n"), 0o644)
	out, _, code = runMain(t, "", "rules", "test", "--rules", dir)
	if code == 0 || !strings.Contains(out, "zz.yaml:7") {
		t.Fatalf("rules test with a failing inline test: exit %d\n%s", code, out)
	}

	// train writes a model that loads.
	model := filepath.Join(dir, "model.json")
	os.Remove(filepath.Join(dir, "zz.yaml"))
	train := []string{"rules", "train", "--out", model, "--corpus", filepath.Join("..", "..", "testdata", "corpus", "ads_bs.train.jsonl"), filepath.Join("..", "..", "testdata", "corpus", "neg_job.train.jsonl")}
	if out, errOut, code = runMain(t, "", train...); code != 0 || !strings.Contains(out, "trained on") {
		t.Fatalf("rules train: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code = runMain(t, "", "rules", "lint", "--rules", dir); code != 0 {
		t.Fatalf("lint with the retrained model: %s", errOut)
	}
	// the role model learned from the rules that fired, not only the wording
	if b, err := os.ReadFile(model); err != nil || !bytes.Contains(b, []byte(`"#SELLER_OFFER"`)) {
		t.Fatalf("retrained model has no rule features (err %v)", err)
	}
}

func copyRules(t *testing.T, dst string) {
	t.Helper()
	src := filepath.Join("..", "..", "rules", "default")
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range ents {
		b, err := os.ReadFile(filepath.Join(src, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dst, de.Name()), b, 0o644)
	}
}

// BenchmarkClassifyProcess runs the whole `guazheng classify` process on a
// 100,000-post JSONL file (nine job posts to one ad) against the bare gse
// baseline (classify/internal/gsecut) on the same file. Run with
// -benchtime 1x; it reports posts/s of each and their ratio.
func BenchmarkClassifyProcess(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "guazheng")
	base := filepath.Join(dir, "gsecut")
	for _, c := range [][]string{{"-o", bin, "."}, {"-o", base, "../../classify/internal/gsecut"}} {
		cmd := exec.Command("go", append([]string{"build"}, c...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %v: %v\n%s", c, err, out)
		}
	}
	input := filepath.Join(dir, "posts.jsonl")
	const n = 100000
	writeMix(b, input, n)
	run := func(prog string, args ...string) time.Duration {
		in, _ := os.Open(input)
		defer in.Close()
		cmd := exec.CommandContext(context.Background(), prog, args...)
		cmd.Stdin, cmd.Stdout = in, nil
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", prog, err, out)
		}
		return time.Since(start)
	}
	b.ResetTimer()
	var tc, tg time.Duration
	for i := 0; i < b.N; i++ {
		tc += run(bin, "classify")
		tg += run(base)
	}
	b.ReportMetric(float64(n*b.N)/tc.Seconds(), "classify-posts/s")
	b.ReportMetric(float64(n*b.N)/tg.Seconds(), "gse-posts/s")
	b.ReportMetric(tg.Seconds()/tc.Seconds(), "ratio")
}

// writeMix writes n posts: nine job posts from the corpus to one ad.
func writeMix(b *testing.B, path string, n int) {
	files, _ := filepath.Glob("../../testdata/corpus/*.jsonl")
	var jobs, ads []map[string]any
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			switch m["label"] {
			case "job":
				jobs = append(jobs, m)
			case "guazheng":
				ads = append(ads, m)
			}
		}
		fh.Close()
	}
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for i := 0; i < n; i++ {
		src := jobs[i%len(jobs)]
		if i%10 == 9 {
			src = ads[(i/10)%len(ads)]
		}
		enc.Encode(map[string]any{"id": i, "title": src["title"], "text": src["text"]})
	}
	w.Flush()
	out.Close()
}
