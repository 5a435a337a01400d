package extract

import (
	"strings"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

var quantityUnits = []string{"本", "名", "个", "人", "套", "位"}

// notQuantityAfter lists, per unit, what may not follow it (一本科, 第一名,
// 3个月, 2个项目, 5人民币 …).
var notQuantityAfter = map[string][]string{
	"本": {"科", "大", "院", "学", "以上学历", "人", "地", "身", "月", "年", "周", "次", "期", "书", "钱", "万", "正", "届", "职", "着", "来", "质", "金", "部", "土", "色", "事", "领", "能", "性"},
	"名": {"字", "单", "称", "义", "片", "校", "牌", "气", "次", "誉", "人", "师", "家", "企", "言", "著", "下", "列", "声", "利", "片"},
	"个": {"月", "项", "小时", "工作日", "工作", "星期", "礼拜", "点", "字", "省", "市", "区", "县", "城", "地", "方面", "亿", "万", "平", "季度", "周", "年", "人月", "多月", "钟", "环节", "阶段", "步骤", "方向", "专业"},
	"人": {"民", "才", "力", "员", "工", "次", "份", "均", "口", "数", "生", "家", "事", "脉", "性", "证合一", "证分离"},
	"套": {"房", "餐", "装", "路", "现", "利", "话", "取"},
	"位": {"置", "于", "数", "移", "居", "列", "次"},
}

// wantWords make a number of people or certificates plausible nearby.
var wantWords = []string{
	"证", "收", "需", "招", "要", "求", "急", "缺", "找", "聘", "人员", "名额", "持证", "注册", "出", "有", "挂", "配",
	"资质", "合作", "兼职", "若干",
}

// aboutWords may follow a round count (十多名, 20余人).
var aboutWords = []string{"多", "余", "几"}

// vagueCounts are counts given without a number (若干名, 数名): Count 0.
var vagueCounts = []string{"若干", "数", "多", "几", "十几", "十多", "几十"}

// Quantities finds numbers of certificates or people wanted or offered: a
// number in any script, or 若干/数 (Count 0), followed by 本, 名, 个, 人, 套
// or 位 — when the context is certificates or people (not 3个月, 2个项目,
// 第一名, 一本科; 个 next to a period is a price, 3年12个). Quantities of 个,
// 人, 套 and 位 need a certificate or a "wanted" word (收, 需, 招, 证 …) within
// 20 characters on the same line.
func (x *Extractor) Quantities(t *normalize.Text) []guazheng.Quantity {
	s := t.Norm
	var certs []certHit
	found := false
	lazy := func() []certHit {
		if !found {
			certs, found = x.certs.findCerts(s, nil), true
		}
		return certs
	}
	var buf [8]guazheng.Quantity
	kept := buf[:0]
	type key struct {
		count int
		unit  string
	}
	seen := map[key]bool{} // (as strconv.Itoa(count)+unit: units are not digits)
	for p := 0; p < len(s); {
		if p = skipAfter(s, p, clQuantity, &notQuantityStart); p >= len(s) {
			break
		}
		if r, n := runeAt(s, p); !numberStart(r) && r != '若' && r != '数' && r != '多' && r != '几' {
			p += max(n, 1)
			continue
		}
		q, end, ok := quantityAt(s, p, lazy)
		if !ok {
			_, n := runeAt(s, p)
			p += max(n, 1)
			continue
		}
		if k := (key{q.Count, q.Unit}); !seen[k] {
			seen[k] = true
			q.Span = span(t, q.Span.Start, q.Span.End)
			kept = append(kept, q)
		}
		p = end
	}
	out := make([]guazheng.Quantity, len(kept))
	copy(out, kept)
	return out
}

// noQuantityAfter: no quantity starts right after r (第一名, c1, 2/3 …).
func noQuantityAfter(r rune) bool {
	return isASCIIAlnum(r) || r == '.' || r == '第' || r == '-' || r == '/'
}

// notQuantityStart is noQuantityAfter for ASCII.
var notQuantityStart = asciiWhere(noQuantityAfter)

// vagueStart and unitStart hold the first bytes of vagueCounts and
// quantityUnits.
var vagueStart, unitStart = firstBytes(vagueCounts), firstBytes(quantityUnits)

// quantityAt reads a quantity at s[p:]; the returned Span holds Norm offsets.
func quantityAt(s string, p int, certs func() []certHit) (guazheng.Quantity, int, bool) {
	if r, _ := runeBefore(s, p); noQuantityAfter(r) {
		return guazheng.Quantity{}, 0, false
	}
	count, q := -1, p
	vw, vague := "", false
	if vagueStart[s[p]] {
		vw, vague = hasPrefixAt(s, p, vagueCounts)
	}
	if vague {
		count, q = 0, p+len(vw)
	} else if n, ok := readNumber(s, p); ok && n.v == float64(int(n.v)) && n.v >= 1 && n.v < 1000 {
		if _, _, _, more := digitAt(s, n.e); more {
			return guazheng.Quantity{}, 0, false
		}
		count, q = int(n.v), n.e
		if n.v >= 10 {
			if w, ok := hasPrefixAt(s, q, aboutWords); ok {
				q += len(w) // 十多名, 20余人: a count all the same
			}
		}
	}
	if count < 0 {
		return guazheng.Quantity{}, 0, false
	}
	if q < len(s) && !unitStart[s[q]] {
		return guazheng.Quantity{}, 0, false
	}
	unit, ok := hasPrefixAt(s, q, quantityUnits)
	if !ok {
		return guazheng.Quantity{}, 0, false
	}
	end := q + len(unit)
	if _, bad := hasPrefixAt(s, end, notQuantityAfter[unit]); bad {
		return guazheng.Quantity{}, 0, false
	}
	if unit == "个" {
		// 3年12个, 12个/年: slang for 万
		if _, ok := periodBefore(s, p); ok {
			return guazheng.Quantity{}, 0, false
		}
		if _, ok := periodAfter(s, end); ok {
			return guazheng.Quantity{}, 0, false
		}
	}
	if unit == "本" && count == 1 && strings.HasPrefix(s[p:], "一本") {
		// 一本 is also a first-tier university: ask for context
		if !nearWant(s, p, end, certs) {
			return guazheng.Quantity{}, 0, false
		}
	}
	if unit != "本" && unit != "名" && !nearWant(s, p, end, certs) {
		return guazheng.Quantity{}, 0, false
	}
	// 一个, 一位, 多个 are everyday words: only next to a certificate
	weak := count == 1 && strings.HasPrefix(s[p:], "一") || count == 0 && (strings.HasPrefix(s[p:], "多") || strings.HasPrefix(s[p:], "几"))
	if weak && unit != "本" && !nearCert(p, end, certs) {
		return guazheng.Quantity{}, 0, false
	}
	return guazheng.Quantity{Count: count, Unit: unit, Span: guazheng.Span{Start: p, End: end}}, end, true
}

// nearCert reports a certificate within 8 bytes of s[p:e] (two or three
// characters: 一建一个, 一个注安).
func nearCert(p, e int, certs func() []certHit) bool {
	for _, c := range certs() {
		if c.s < e+8 && c.e > p-8 {
			return true
		}
	}
	return false
}

// nearWant reports a certificate or a "wanted" word within 20 runes of
// s[p:e] on the same line.
func nearWant(s string, p, e int, certs func() []certHit) bool {
	lo, hi := p, e
	for k := 0; k < 20; k++ {
		r, n := runeBefore(s, lo)
		if n == 0 || r == '\n' {
			break
		}
		lo -= n
	}
	for k := 0; k < 20; k++ {
		r, n := runeAt(s, hi)
		if n == 0 || r == '\n' {
			break
		}
		hi += n
	}
	// (the words first: they are cheap, the certificates need a scan)
	win := s[lo:hi]
	for _, w := range wantWords {
		if strings.Contains(win, w) {
			return true
		}
	}
	for _, c := range certs() {
		if c.s < hi && c.e > lo {
			return true
		}
	}
	return false
}
