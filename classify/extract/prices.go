package extract

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

// number is a number read from Norm.
type number struct {
	v    float64
	s, e int
	cn   bool // written with Chinese numerals
}

// numberStart reports runes a number can start with.
func numberStart(r rune) bool {
	// (clNumber: ASCII digits, 十, 拾 and the Chinese numerals of cnDigit)
	return uint32(r) < 1<<16 && runeClass.of(r)&clNumber != 0
}

// readNumber reads an ASCII decimal (3, 3.5, 12000) or a Chinese number
// (三, 两, 十二, 二十五, 一百) at s[p:].
func readNumber(s string, p int) (number, bool) {
	if p >= len(s) {
		return number{}, false
	}
	if isASCIIDigit(rune(s[p])) {
		i := p
		for i < len(s) && isASCIIDigit(rune(s[i])) {
			i++
		}
		intEnd := i
		if i+1 < len(s) && s[i] == '.' && isASCIIDigit(rune(s[i+1])) {
			i++
			for i < len(s) && isASCIIDigit(rune(s[i])) {
				i++
			}
		}
		if v, ok := smallDecimal(s[p:i], intEnd-p); ok {
			return number{v: v, s: p, e: i}, true
		}
		v, err := strconv.ParseFloat(s[p:i], 64)
		if err != nil || math.IsInf(v, 0) {
			return number{}, false
		}
		return number{v: v, s: p, e: i}, true
	}
	return readCNNumber(s, p)
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// smallDecimal is strconv.ParseFloat for digits with at most one dot after
// the first intLen of them, when there are at most 15 digits: the mantissa
// and the power of ten are then exact and one division rounds correctly, as
// ParseFloat does.
func smallDecimal(d string, intLen int) (float64, bool) {
	digits := len(d)
	if intLen < len(d) {
		digits-- // the dot
	}
	if digits > 15 {
		return 0, false
	}
	var m uint64
	for i := 0; i < len(d); i++ {
		if c := d[i]; c != '.' {
			m = m*10 + uint64(c-'0')
		}
	}
	if intLen == len(d) {
		return float64(m), true
	}
	return float64(m) / pow10[len(d)-intLen-1], true
}

// readCNNumber reads a Chinese number below 10000 made of digits and
// 十/百 (千 is left to the unit: 三千 = 3 千).
func readCNNumber(s string, p int) (number, bool) {
	i := p
	total, cur := 0, -1
	digits := 0
	for {
		r, n := runeAt(s, i)
		if d, ok := cnDigit(r); ok && r != '幺' {
			if cur >= 0 { // two digits in a row: not a number (一二, 三五)
				break
			}
			cur = d
			digits++
			i += n
			continue
		}
		if r == '十' || r == '拾' {
			if cur < 0 {
				cur = 1
			}
			total += cur * 10
			cur = -1
			digits++
			i += n
			continue
		}
		if r == '百' || r == '佰' {
			if cur < 0 {
				break
			}
			total += cur * 100
			cur = -1
			i += n
			continue
		}
		break
	}
	if digits == 0 {
		return number{}, false
	}
	if cur > 0 {
		total += cur
	}
	return number{v: float64(total), s: p, e: i, cn: true}, true
}

// Price units and their value in yuan.
var priceUnits = []struct {
	text string
	mult float64
	norm string
}{
	{"万元", 10000, "万"}, {"万块", 10000, "万"}, {"万", 10000, "万"}, {"w", 10000, "万"},
	{"千元", 1000, "千"}, {"千块", 1000, "千"}, {"千", 1000, "千"}, {"k", 1000, "千"},
	{"元", 1, "元"}, {"块钱", 1, "元"}, {"块", 1, "元"}, {"个", 10000, "万"},
}

// notMoneyAfter: a count of these is not money (3万人, 2万平方, 5千米).
var notMoneyAfter = []string{
	"人", "平", "字", "次", "亩", "吨", "米", "册", "份", "家", "条", "户", "张", "台", "辆", "套", "件", "里", "方",
	"粉", "名", "本", "株", "头", "只", "座", "所", "篇", "部", "亿", "多人", "余人", "余家", "公里", "克", "斤",
	"小时", "分钟", "天", "项", "证", "位", "年前", "月前",
}

// priceCues make a bare number a price (到手价28000, 年薪60000).
var priceCues = []string{
	"到手价", "到手", "价格", "价钱", "报价", "费用", "年费", "挂证费", "一口价", "单价", "工资", "薪资", "待遇",
	"薪酬", "年薪", "月薪", "价",
}

// tenThousandCues: a small bare number after them is in 万 (到手2.9).
var tenThousandCues = []string{"到手价", "到手", "年费", "挂证费", "一口价"}

// Period words.
var (
	perYear  = []string{"/年", "/1年", "/一年", "/每年", "每年", "一年", "1年", "年", "/年度", "每年度", "年度"}
	perMonth = []string{"/月", "/1月", "/一月", "/每月", "每月", "一个月", "1个月", "一月", "个月", "月", "/1个月"}
)

type period struct {
	text string // 年, 2年, 月
	s, e int
}

// periodAfter reads a period right after an amount: /年, 一年, 年, 2年,
// /两年, 一个月, 月 … (3万/年 is normalised to 3万年).
func periodAfter(s string, q int) (period, bool) {
	pr, ok := periodAfterAt(s, q, q)
	if ok {
		// 两年一签, 三年合同 are contract terms, not the period of a price
		if _, term := hasPrefixAt(s, pr.e, contractTerms); term {
			return period{}, false
		}
	}
	return pr, ok
}

var (
	contractTerms  = []string{"一签", "一付", "合同", "起签", "以上", "以内", "内", "经验"}
	periodUnits    = []string{"年", "个月", "月"}
	yearWords      = []string{"年", "年度"}
	monthWords     = []string{"个月", "月"}
	yearsBefore    = []string{"年薪", "年费", "每年", "年付", "一年", "/年", "年"}
	monthsBefore   = []string{"月薪", "每月", "一个月", "一月", "/月"}
	extraPerWords  = []string{"一年", "一个月", "1年", "每年", "/年", "一月"}
	extraStopWords = []string{"年", "月", "个", "万", "元", "w", ".", "千"}
)

// periodAfterSpace is periodAfter across one space (3万 一年).
func periodAfterSpace(s string, q int) (period, bool) {
	if r, n := runeAt(s, q); r == ' ' {
		pr, ok := periodAfter(s, q+n)
		pr.s = q
		return pr, ok
	}
	return period{}, false
}

func periodAfterAt(s string, q, p int) (period, bool) {
	if r, n := runeAt(s, p); r == '/' || r == '每' {
		p += n
	}
	if n, ok := readNumber(s, p); ok && n.v >= 1 && n.v <= 10 && n.v == math.Trunc(n.v) {
		if w, ok := hasPrefixAt(s, n.e, periodUnits); ok {
			text := strings.TrimPrefix(w, "个")
			if n.v > 1 {
				text = strconv.Itoa(int(n.v)) + text
			}
			return period{text, q, n.e + len(w)}, true
		}
		return period{}, false
	}
	if w, ok := hasPrefixAt(s, p, yearWords); ok {
		return period{"年", q, p + len(w)}, true
	}
	if w, ok := hasPrefixAt(s, p, monthWords); ok {
		return period{"月", q, p + len(w)}, true
	}
	return period{}, false
}

// periodBefore reads a period that ends at s[:p]: 两年7万, 3年12个, 一年3万,
// 每年3万, 年薪5万, 月薪8000.
func periodBefore(s string, p int) (period, bool) {
	q := p
	if r, n := runeBefore(s, q); r == ' ' || r == ':' {
		q -= n
	}
	for _, w := range yearsBefore {
		if endsWith(s[:q], w) {
			ps := q - len(w)
			if w == "年" || w == "/年" {
				// N年: read the number before it
				if ns, v, ok := numberBefore(s, ps); ok {
					if v < 1 || v > 10 {
						return period{}, false
					}
					text := "年"
					if v > 1 {
						text = strconv.Itoa(int(v)) + "年"
					}
					return period{text, ns, p}, true
				}
				if w == "年" {
					// a bare 年 before an amount (…年3万) only as 每年/一年
					return period{}, false
				}
			}
			return period{"年", ps, p}, true
		}
	}
	for _, w := range monthsBefore {
		if endsWith(s[:q], w) {
			return period{"月", q - len(w), p}, true
		}
	}
	return period{}, false
}

// numberBefore reads a small integer that ends at s[:p] (2, 两, 三, 10).
func numberBefore(s string, p int) (int, float64, bool) {
	i := p
	for i > 0 && isASCIIDigit(rune(s[i-1])) {
		i--
	}
	if i < p {
		if r, _ := runeBefore(s, i); r == '.' || isASCIILetter(r) {
			return 0, 0, false
		}
		v, _ := strconv.Atoi(s[i:p])
		return i, float64(v), p-i <= 2
	}
	r, n := runeBefore(s, p)
	if d, ok := cnDigit(r); ok && r != '幺' && d > 0 {
		if r2, _ := runeBefore(s, p-n); r2 == '十' {
			return p - n - len("十"), float64(10 + d), true
		}
		return p - n, float64(d), true
	}
	if r == '十' {
		return p - n, 10, true
	}
	return 0, 0, false
}

// Prices finds amounts of money with their period: 3万/年, 3w一年, 两年7万
// (Period 2年), 3年12个 (个 = 万 when a period is next to it), 12000元/年,
// 2000/月, 到手价2.8万, 年薪5万, 1.2-1.5万/年 (the low end; Text keeps the
// range). Yuan is the amount in yuan; Text a normalised form such as
// "3万/年", "7万/2年", "1.2-1.5万/年", "2000元/月". Prices without a number
// (价格面议) are not reported.
func (x *Extractor) Prices(t *normalize.Text) []guazheng.Price {
	s := t.Norm
	var buf [8]guazheng.Price
	kept := buf[:0]
	seen := map[string]bool{}
	for p := 0; p < len(s); {
		if p = skipAfter(s, p, clNumber, &notPriceStart); p >= len(s) {
			break
		}
		r, n := runeAt(s, p)
		if !numberStart(r) {
			p += max(n, 1)
			continue
		}
		// (priceAt's first test, before the call)
		if b, _ := runeBefore(s, p); noPriceAfter(b) {
			p += max(n, 1)
			continue
		}
		pr, end, ok := priceAt(t, p)
		if !ok {
			_, n := runeAt(s, p)
			p += max(n, 1)
			continue
		}
		if !seen[pr.Text] {
			seen[pr.Text] = true
			kept = append(kept, pr)
		}
		p = end
	}
	out := make([]guazheng.Price, len(kept))
	copy(out, kept)
	return out
}

// noPriceAfter: a number right after r does not start a word (第3, c1,
// 0371-6…), so it starts no price.
func noPriceAfter(r rune) bool { return isASCIIAlnum(r) || r == '.' || r == '第' || r == '-' }

// notPriceStart is noPriceAfter for ASCII.
var notPriceStart = asciiWhere(noPriceAfter)

// priceUnitBits holds the first runes of priceUnits.
var priceUnitBits = func() (b runeBits) {
	for _, u := range priceUnits {
		r, _ := utf8.DecodeRuneInString(u.text)
		b.add(r)
	}
	return b
}()

// priceAt reads a price whose number starts at s[p:].
func priceAt(t *normalize.Text, p int) (guazheng.Price, int, bool) {
	s := t.Norm
	// the number must start a word: not 第3, c1, 0371-6…
	if r, _ := runeBefore(s, p); noPriceAfter(r) {
		return guazheng.Price{}, 0, false
	}
	lo, ok := readNumber(s, p)
	if !ok {
		return guazheng.Price{}, 0, false
	}
	if lo.cn {
		// a Chinese number glued to more digits is a phone or a list
		if _, _, _, ok := digitAt(s, lo.e); ok {
			return guazheng.Price{}, 0, false
		}
	}
	q := lo.e
	hi := lo
	ranged := false
	// range: 1.2-1.5万, 1.2~1.5万, 1.2到1.5万, 8-15k
	// (each of these is one rune: the one at q, if any)
	if r, rn := runeAt(s, q); r == '-' || r == '~' || r == '到' || r == '至' || r == '—' {
		if n, ok := readNumber(s, q+rn); ok && n.cn == lo.cn && n.v >= lo.v {
			hi, ranged, q = n, true, n.e
		}
	}
	// unit
	unit, mult, slang := "", 0.0, false
	units := priceUnits
	if r, _ := runeAt(s, q); !priceUnitBits.maybe(r) {
		units = nil // no unit starts here
	}
	for _, u := range units {
		if !startsWith(s[q:], u.text) {
			continue
		}
		if (u.text == "w" || u.text == "k") && isASCIILetter(rune(byteAt(s, q+1))) {
			break // 3wx, 5km
		}
		if u.text == "个" && strings.HasPrefix(s[q:], "个月") {
			break
		}
		unit, mult, slang = u.norm, u.mult, u.text == "个"
		q += len(u.text)
		break
	}
	if unit == "" && lo.v < 100 && !(!lo.cn && lo.v >= 0.3 && lo.v <= 50 && hasSuffixBefore(s, skipBackSpace(s, p), tenThousandCues)) {
		// a bare number below 100 is a price only in 万 after a cue
		// (到手2.9): nothing below can make this one a price
		return guazheng.Price{}, 0, false
	}
	if unit == "" && lo.v >= 100 && !hasSuffixBefore(s, skipBackSpace(s, p), priceCues) {
		// a bare number from 100 up is a price only after a cue or with
		// a period after it (see below): not a year, a phone number, an id
		if _, ok := periodAfter(s, q); !ok {
			if _, ok := periodAfterSpace(s, q); !ok {
				return guazheng.Price{}, 0, false
			}
		}
	}
	if unit != "" && unit != "元" {
		if _, ok := hasPrefixAt(s, q, notMoneyAfter); ok {
			return guazheng.Price{}, 0, false
		}
	}
	// 3万5 (35000), 两万五(千), 一千五 (1500): one more digit of the next order,
	// in the same script, after a whole number
	extra := 0.0
	if (unit == "万" || unit == "千") && !slang && !ranged && lo.v == math.Trunc(lo.v) {
		if d, n, cn, ok := digitAt(s, q); ok && cn == lo.cn {
			nx := s[q+n:]
			_, _, _, more := digitAt(s, q+n)
			_, per := hasPrefixAt(nx, 0, extraPerWords)
			stop := false
			for _, w := range extraStopWords {
				if strings.HasPrefix(nx, w) {
					stop = true
				}
			}
			if unit == "千" && strings.HasPrefix(nx, "千") {
				per = false
				stop = true
			}
			if per || !more && !stop || unit == "万" && strings.HasPrefix(nx, "千") {
				extra = float64(d) * mult / 10
				q += n
				if unit == "万" && strings.HasPrefix(s[q:], "千") {
					q += len("千")
				}
			}
		}
	}
	// 1.5万-2万, normalised to 1.5万2万: a range with the unit written twice
	if unit != "" && !slang && !ranged && extra == 0 {
		if n, ok := readNumber(s, q); ok && !n.cn && n.v >= lo.v {
			for _, u := range priceUnits {
				if u.norm == unit && u.text != "个" && strings.HasPrefix(s[n.e:], u.text) {
					if strings.ContainsAny(origGap(t, q, n.s), "-~—－～至到") {
						hi, ranged, q = n, true, n.e+len(u.text)
					}
					break
				}
			}
		}
	}
	start, end := p, q
	perB, hasB := periodBefore(s, p)
	perA, hasA := periodAfter(s, q)
	if hasA && hasB && strings.ContainsAny(origGap(t, q, q), " \t\u3000") {
		// 两年2.3万 三年3.3万: a period across a space belongs to the next
		// price when this one has its own
		hasA = false
	}
	if !hasA && !hasB {
		perA, hasA = periodAfterSpace(s, q)
	}
	cue := hasSuffixBefore(s, skipBackSpace(s, p), priceCues)
	if slang && !hasA && !hasB {
		return guazheng.Price{}, 0, false // 个 means 万 only next to a period
	}
	if unit == "" && !lo.cn && lo.v >= 0.3 && lo.v <= 50 && hasSuffixBefore(s, skipBackSpace(s, p), tenThousandCues) {
		// 到手2.9, 年费3.5: prices of certificates are quoted in 万
		unit, mult = "万", 10000
	}
	if unit == "" {
		// a bare number is a price only with a cue (到手价28000), a slash
		// period (2000/月) or 一年/每月 after it, and from 100 up
		slashPeriod := hasA && strings.ContainsAny(origGap(t, lo.e, perA.e), "/／")
		wordPeriod := hasA && (strings.HasPrefix(s[q:], "一") || strings.HasPrefix(s[q:], "每") || strings.HasPrefix(s[q:], "/"))
		if lo.v < 100 || !(cue || slashPeriod || wordPeriod) {
			return guazheng.Price{}, 0, false
		}
		unit, mult = "元", 1
	}
	per := ""
	switch {
	case hasA:
		per, end = perA.text, perA.e
	case hasB:
		per, start = perB.text, perB.s
	case strings.HasSuffix(s[:skipBackSpace(s, p)], "月薪"):
		per = "月"
	}
	yuan := lo.v*mult + extra
	if yuan <= 0 || math.IsInf(yuan, 0) {
		return guazheng.Price{}, 0, false
	}
	// text: the amount (shortest 'f' form) and unit, or the range
	// lo-hi and unit, then "/" + period; built in one buffer
	var tb [48]byte
	b := tb[:0]
	if ranged {
		b = strconv.AppendFloat(b, lo.v, 'f', -1, 64)
		b = append(b, '-')
		b = strconv.AppendFloat(b, hi.v, 'f', -1, 64)
	} else {
		b = strconv.AppendFloat(b, lo.v+extra/mult, 'f', -1, 64)
	}
	b = append(b, unit...)
	if per != "" {
		b = append(b, '/')
		b = append(b, per...)
	}
	text := string(b)
	return guazheng.Price{Yuan: yuan, Period: per, Text: text, Span: span(t, start, end)}, end, true
}

// origGap returns the original text from the end of what produced
// Norm[:a] to the start of what produced Norm[b:]: Norm[a:b] as written,
// with the separators the normaliser deleted around it.
func origGap(t *normalize.Text, a, b int) string {
	_, os := t.OrigRange(0, a)
	if a == 0 {
		os, _ = t.OrigRange(0, 0)
	}
	oe, _ := t.OrigRange(b, b)
	if oe < os {
		return ""
	}
	return t.Orig[os:oe]
}

func byteAt(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

func skipBackSpace(s string, p int) int {
	for {
		r, n := runeBefore(s, p)
		if r == ' ' || r == ':' || r == '】' || r == ']' || r == ')' {
			p -= n
			continue
		}
		return p
	}
}
