package extract

import (
	"math/bits"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

// companySuffixes end company and agency names (normalised forms). The
// longest match wins.
var companySuffixes = newWordSet(
	"股份有限公司", "有限责任公司", "有限公司", "分公司", "集团公司", "集团",
	"人力资源服务中心", "人力资源服务部", "人力资源服务站", "人力资源公司", "人力资源中心",
	"人才网", "人才市场", "人才服务中心", "咨询服务部", "咨询服务中心", "服务部",
	"工作室", "事务所", "资质代办", "培训学校", "职业培训学校", "培训中心", "公司",
)

// companyCut: a name never runs across these; it starts after the last one.
var companyCut = []string{
	"的", "是", "联系", "电话", "微信", "地址", "欢迎", "诚聘", "招聘", "加入", "来自", "详询", "咨询电话",
	"委托", "本公司", "我公司", "我司", "本司", "贵公司", "该公司", "各公司", "联系人", "名称", "单位",
	"收", "需", "求", "找", "在", "向", "给", "为", "被", "让", "请",
	"挂靠", "兼职", "合作", "代办", "下属", "旗下", "所属", "各地", "多家", "余家", "几家", "数家", "访问", "登录", "关注", "点击", "搜索", "浏览",
	"公司", "提供", "成立", "注册", "办理", "缴纳", "通过", "包括", "属于", "关于", "进入", "就职", "任职", "工作", "上班",
	"挂在", "挂到", "社保", "老板", "介绍", "发布", "开设", "开办", "担任", "邀请", "发现", "责令", "约谈", "查处",
	"处罚", "通报", "曝光", "拒绝", "透露", "最近", "一家", "一个", "或", "持", "供", "邀", "个",
	// function words that no company name contains
	"由", "但", "于", "说", "要", "把", "将", "被", "让", "对", "从", "到", "去", "来", "了", "着", "过", "也", "就",
	"还", "又", "并", "而", "且", "即", "则", "些", "这", "那", "哪", "谁", "么", "吗", "呢", "吧", "啊", "你", "他",
	"她", "它", "们", "其", "该", "此", "每", "各",
}

// companyLead: leading words trimmed from a name (verbs, pronouns,
// prepositions).
var companyLead = []string{
	"本", "我", "我们", "由", "经", "致", "现", "今", "特", "诚", "急", "长期", "高价", "正规", "知名", "大型",
	"一家", "多家", "全国", "本地", "省内", "外省",
}

// companyGeneric: words that do not name a company; a name made only of
// them (建筑劳务有限公司, 某集团) is not reported.
var companyGeneric = []string{
	"建筑", "施工", "劳务", "工程", "大型", "国企", "央企", "私企", "民企", "总包", "分包", "资质", "特级", "一级",
	"二级", "三级", "甲级", "乙级", "本", "贵", "该", "各", "一家", "单位", "企业", "省内", "外省", "本地", "正规",
	"知名", "专业", "我们", "我", "你", "他", "其", "此", "这", "那", "任何", "这家", "那家", "多家", "各大", "合作",
	"挂靠", "中介", "人力", "人才", "服务", "咨询", "管理", "科技", "有限", "责任", "股份", "设计", "监理", "装饰",
	"安装", "市政", "公路", "水利", "机电", "电力", "园林", "房地产", "开发", "集团", "公司", "新", "大", "小",
	"装修", "承包", "总承包", "专业承包", "施工总承包", "小型", "中型", "外地", "本市", "当地",
}

func init() {
	// longest first, so that 本地 goes before 本
	sort.SliceStable(companyGeneric, func(i, j int) bool { return len(companyGeneric[i]) > len(companyGeneric[j]) })
	companyCutFirst = newWordMasks(companyCut)
	companyGenericFirst = newWordMasks(companyGeneric)
}

// companyCutFirst and companyGenericFirst give, for a rune, the words of
// companyCut and companyGeneric that start with it.
var companyCutFirst, companyGenericFirst wordMasks

// wordMasks maps a rune to the set of the words of a list (by index, at
// most 256 words) that start with it.
type wordMasks keyTab[wordMask]

type wordMask [4]uint64

func newWordMasks(words []string) wordMasks {
	if len(words) > 4*64 {
		panic("extract: word list too long")
	}
	m := map[rune]wordMask{}
	for k, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		wm := m[r]
		wm[k/64] |= 1 << (k % 64)
		m[r] = wm
	}
	return wordMasks(newRuneTab(m))
}

// in returns the words of the list whose first rune occurs in s, and false
// when s is not valid UTF-8 (then the set says nothing). A word that does
// not start with a rune of s occurs neither in s, nor in a part of s, nor
// in what is left of s once words are removed from it.
func (wm *wordMasks) in(s string) (set wordMask, ok bool) {
	t := (*keyTab[wordMask])(wm)
	for i := 0; i < len(s); {
		r, n := runeAt(s, i)
		if r == utf8.RuneError && n <= 1 {
			return wordMask{}, false
		}
		if m, ok := t.get(runeKey(r)); ok {
			for k := range set {
				set[k] |= m[k]
			}
		}
		i += n
	}
	return set, true
}

// each calls f with the index of every word of the set, in order.
func (set *wordMask) each(f func(int)) {
	for k, b := range set {
		for ; b != 0; b &= b - 1 {
			f(k*64 + bits.TrailingZeros64(b))
		}
	}
}

// companyChar reports runes that may be part of a company name.
func companyChar(r rune) bool {
	return isHan(r) || isASCIIAlnum(r) || r == '(' || r == ')' || r == '·'
}

func findCompanies(t *normalize.Text, cs *cands) []found {
	s := t.Norm
	type cand struct{ s, e int }
	var cands []cand
	next := cs.cursor(clCompany)
	for p := 0; p < len(s); {
		if p = next.next(p, len(s)); p >= len(s) {
			break
		}
		suf, ok := companySuffixes.at(s, p)
		if !ok {
			_, n := runeAt(s, p)
			p += max(n, 1)
			continue
		}
		end := p + len(suf)
		// 有限公司 followed by 分公司: one name
		if more, ok := companySuffixes.at(s, end); ok && strings.HasSuffix(more, "公司") && more != "公司" {
			end += len(more)
		}
		start := p
		for n := 0; n < 24; n++ {
			r, size := runeBefore(s, start)
			if size == 0 || !companyChar(r) || isASCIIDigit(r) {
				break
			}
			start -= size
		}
		head := s[start:p]
		// brackets must pair up inside the name: "(河南)建工" keeps them,
		// "证明(可由" starts after the "("
		if i := strings.LastIndex(head, "("); i >= 0 && !strings.Contains(head[i:], ")") {
			head = head[i+1:]
		}
		if i := strings.LastIndex(head, ")"); i >= 0 && !strings.Contains(head[:i], "(") {
			head = head[i+1:]
		}
		cut := func(w string) {
			if w == "公司" && suf == "分公司" {
				return // XX有限公司郑州分公司 is one name
			}
			if i := strings.LastIndex(head, w); i >= 0 {
				head = head[i+len(w):]
			}
		}
		// (only the words that start with a rune of head can be found in
		// it, in the same order)
		if set, ok := companyCutFirst.in(head); ok {
			set.each(func(k int) { cut(companyCut[k]) })
		} else {
			for _, w := range companyCut {
				cut(w)
			}
		}
		for changed := true; changed; {
			changed = false
			for _, w := range companyLead {
				if strings.HasPrefix(head, w) && len(head) > len(w) {
					head, changed = head[len(w):], true
				}
			}
			if strings.HasPrefix(head, ")") {
				head, changed = head[1:], true
			}
		}
		start = p - len(head)
		if companyNamed(head, suf) {
			cands = append(cands, cand{start, end})
		}
		p = end
	}
	var out []found
	for i, c := range cands {
		// a name inside a longer one (集团 … 有限公司) is dropped
		inner := false
		for j, d := range cands {
			if i != j && d.s <= c.s && c.e <= d.e && (d.e-d.s) > (c.e-c.s) {
				inner = true
			}
		}
		if inner {
			continue
		}
		out = append(out, found{kind: guazheng.ContactCompany, value: s[c.s:c.e], s: c.s, e: c.e, obfuscated: t.NormChanged(c.s, c.e)})
	}
	return out
}

// companyNamed reports whether head (the part before the suffix) names a
// company: at least two runes that are not generic words, no placeholder.
func companyNamed(head, suffix string) bool {
	if strings.ContainsAny(head, "某*x×") || strings.Contains(head, "xx") || strings.HasSuffix(head, "家") {
		return false
	}
	if suffix == "公司" {
		// 本公司, 子公司, 原公司, 第三年公司, 入职后公司, B公司 …
		for _, w := range []string{"本", "我", "贵", "总", "子", "母", "分", "原", "新", "年", "月", "日", "天", "后", "前", "时", "里", "内", "外", "中", "上", "下"} {
			if strings.HasSuffix(head, w) {
				return false
			}
		}
		if r, n := utf8.DecodeLastRuneInString(head); isASCIILetter(r) {
			if r2, _ := utf8.DecodeLastRuneInString(head[:len(head)-n]); !isASCIILetter(r2) {
				return false
			}
		}
	}
	rest := head
	// removing words never brings in a rune that head lacks, so only the
	// words that start with a rune of head can be found, in the same order
	if set, ok := companyGenericFirst.in(head); ok {
		set.each(func(k int) { rest = strings.ReplaceAll(rest, companyGeneric[k], "") })
	} else {
		for _, w := range companyGeneric {
			rest = strings.ReplaceAll(rest, w, "")
		}
	}
	rest = strings.Trim(rest, "()·")
	need := 2
	if suffix == "公司" || suffix == "服务部" || suffix == "集团" {
		need = 3 // plain 公司 is common in prose: ask for more of a name
	}
	return utf8.RuneCountInString(rest) >= need
}
