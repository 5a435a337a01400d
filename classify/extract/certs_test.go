package extract

import (
	"os"
	"strings"
	"testing"
)

func TestParseCertTableErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown directive", "name a\nfoo bar\n", "certs.txt:2: unknown directive"},
		{"name fields", "name\n", "certs.txt:1: want: name NAME [SET]"},
		{"duplicate name", "name a\nname a\n", "certs.txt:2: name a declared twice"},
		{"undeclared name", "# c\n\nalias 一建 一级建造师\n", "certs.txt:3: unknown certificate name 一级建造师"},
		{"alias fields", "name a\nalias x\n", "certs.txt:2: want: alias"},
		{"conflicting alias", "name a\nname b\nalias x a\nalias X b\n", "certs.txt:4: alias X (normalised x) already means something else at line 3"},
		{"empty alias", "name a\nalias \u200b a\n", "certs.txt:2: alias"},
		{"spec fields", "spec s x\n", "certs.txt:1: want: spec SET ALIAS SPEC"},
		{"set without specs", "name a\nname b s\n", "certs.txt:2: specialty set s has no spec lines"},
		{"conflicting spec", "spec s x X\nspec s x Y\n", "certs.txt:2: specialty alias x of set s already means X"},
		{"block without alias", "name a\nalias x a\nblock yz\n", "certs.txt:3: block yz contains no alias"},
		{"block fields", "block a b\n", "certs.txt:1: want: block TEXT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCertTable("certs.txt", strings.NewReader(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestParseCertTableOK(t *testing.T) {
	in := `# comment
name 一级建造师 一建   # trailing comment
name 二级建造师 一建
alias 一建 一级建造师
alias 一級建造師 一级建造师
alias 一级建造师 一级建造师
alias 一二建 一级建造师,二级建造师
spec 一建 市政 市政
block 统一建
`
	ct, err := ParseCertTable("t.txt", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if ct.Len() != 3 { // 一級建造師 normalises to the same alias as 一级建造师
		t.Errorf("Len = %d, want 3", ct.Len())
	}
	x, n := New(ct), testNormalizer(t)
	got := certStrings(x.Certs(n.Normalize("一二建市政，统一建设")))
	want := []string{"一级建造师/市政@一二建市政", "二级建造师/市政@一二建市政"}
	if !eq(got, want) {
		t.Errorf("certs = %q, want %q", got, want)
	}
}

// TestDefaultCertsCoverDomain checks that the shipped table knows every
// certificate and abbreviation listed in shared/domain.md.
func TestDefaultCertsCoverDomain(t *testing.T) {
	x, n := setup(t)
	cases := map[string]string{
		"一建": "一级建造师", "一级建造师": "一级建造师", "一级建造師": "一级建造师", "二建": "二级建造师",
		"一造": "一级造价工程师", "二造": "二级造价工程师", "监理工程师": "监理工程师", "总监": "总监理工程师",
		"一注": "一级注册建筑师", "二注": "二级注册建筑师", "一注结构": "一级注册结构工程师", "二注结构": "二级注册结构工程师",
		"岩土": "注册岩土工程师", "注册电气工程师": "注册电气工程师", "注册公用设备工程师": "注册公用设备工程师",
		"注册化工工程师": "注册化工工程师", "注册土木工程师": "注册土木工程师", "注安": "注册安全工程师",
		"一消": "一级注册消防工程师", "二消": "二级注册消防工程师", "注册咨询工程师": "注册咨询工程师（投资）",
		"环评工程师": "环境影响评价工程师", "三类人员": "三类人员", "八大员": "八大员", "施工员": "施工员",
		"质量员": "质量员", "安全员": "安全员", "标准员": "标准员", "材料员": "材料员", "机械员": "机械员",
		"劳务员": "劳务员", "资料员": "资料员", "中级职称": "中级工程师", "高级工程师": "高级工程师",
		"注册消防工程师": "注册消防工程师",
	}
	for in, want := range cases {
		cs := x.Certs(n.Normalize("收" + in + "。"))
		if len(cs) == 0 || cs[0].Name != want {
			t.Errorf("%s → %v, want %s", in, certStrings(cs), want)
		}
	}
	specs := map[string][]string{
		"一建":        {"建筑", "房建", "市政", "机电", "公路", "铁路", "水利水电", "水利", "矿业", "港口与航道", "港航", "通信与广电", "通信", "民航"},
		"二建":        {"建筑", "市政", "机电", "公路", "水利", "矿业"},
		"一造":        {"土建", "安装", "交通", "水利"},
		"二造":        {"土建", "安装", "交通", "水利"},
		"注册电气工程师":   {"供配电", "发输变电"},
		"注册公用设备工程师": {"给水排水", "暖通空调", "动力"},
		"注册土木工程师":   {"道路", "港航", "水利"},
		"安全员":       {"A", "B", "C", "C1", "C2", "C3"},
	}
	for name, list := range specs {
		for _, sp := range list {
			cs := x.Certs(n.Normalize(name + sp))
			if len(cs) != 1 || cs[0].Specialty == "" {
				t.Errorf("%s%s → %v, want one cert with a specialty", name, sp, certStrings(cs))
			}
		}
	}
}

func TestDefaultCertsFileParses(t *testing.T) {
	f, err := os.Open("../../rules/default/certs.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ct, err := ParseCertTable("certs.txt", f)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Len() < 150 {
		t.Errorf("only %d aliases", ct.Len())
	}
}
