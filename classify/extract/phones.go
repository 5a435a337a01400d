package extract

import (
	"slices"
	"strings"

	"github.com/guazheng/guazheng/classify/normalize"
)

// digit is one digit of a run, with where it was found in Norm.
type digit struct {
	v     byte   // '0'..'9'
	s, e  int    // Norm[s:e]
	group int    // index of the separator-delimited group it belongs to
	cn    bool   // written as a Chinese numeral
	sep   string // the separators before it (first digit of a group)
}

// isRunSep reports the characters that may split the groups of a number:
// spaces, dashes, dots, brackets, underscores (emoji and zero-width
// characters were already removed by the normaliser).
func isRunSep(r rune) bool {
	switch r {
	case ' ', '-', '.', '(', ')', '_', '—', '\u2010', '\u2011', '\u2012', '\u2013', '\u2015', '\u2212', '·', '\t':
		return true
	}
	return false
}

// digitRun reads the run of digits (any script) that starts at s[p:]:
// groups of digits separated by at most three separator characters. It
// returns the digits, appended to ds[:0] (nil when there are none), and the
// end of the last one.
func digitRun(ds []digit, s string, p int) ([]digit, int) {
	ds = ds[:0]
	group := 0
	i := p
	sep := ""
	for i < len(s) {
		v, n, cn, ok := digitAt(s, i)
		if !ok {
			break
		}
		ds = append(ds, digit{v: byte('0' + v), s: i, e: i + n, group: group, cn: cn, sep: sep})
		sep = ""
		i += n
		if j, ok := nextGroup(s, i); ok {
			sep = s[i:j]
			i = j
			group++
		}
	}
	if len(ds) == 0 {
		return nil, p
	}
	return ds, ds[len(ds)-1].e
}

// nextGroup reports whether one to three separators at s[i:] lead to another
// digit of the run, and where that digit starts.
func nextGroup(s string, i int) (int, bool) {
	j, seps := i, 0
	for seps <= 3 {
		r, n := runeAt(s, j)
		if n == 0 || !isRunSep(r) {
			break
		}
		j += n
		seps++
	}
	if seps == 0 || seps > 3 {
		return i, false
	}
	_, _, _, ok := digitAt(s, j)
	return j, ok
}

// digitRunLen is digitRun without the digits: how many there are and the
// end of the last one (p when there are none).
func digitRunLen(s string, p int) (int, int) {
	count, end := 0, p
	i := p
	for i < len(s) {
		if c := s[i]; c >= '0' && c <= '9' {
			count++
			i++
			end = i
			if i < len(s) && s[i] >= '0' && s[i] <= '9' {
				continue // no separator before the next digit
			}
		} else {
			_, n, _, ok := digitAt(s, i)
			if !ok {
				break
			}
			count++
			i += n
			end = i
		}
		if j, ok := nextGroup(s, i); ok {
			i = j
		}
	}
	return count, end
}

// groupSizes gives the sizes of the groups of ds, appended to sizes[:0].
func groupSizes(sizes []int, ds []digit) []int {
	sizes = sizes[:0]
	for i, d := range ds {
		if i == 0 || d.group != ds[i-1].group {
			sizes = append(sizes, 0)
		}
		sizes[len(sizes)-1]++
	}
	return sizes
}

func digitsOf(ds []digit) string {
	b := make([]byte, len(ds))
	for i, d := range ds {
		b[i] = d.v
	}
	return string(b)
}

func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9'
}

// groupsPlausible rejects splits that phone numbers are not written in:
// groups of two digits (dates, decimals: 1998.10.12), and single digits
// unless every digit stands alone (1 3 8 0 0 …).
func groupsPlausible(sizes []int) bool {
	ones := 0
	for _, n := range sizes {
		switch n {
		case 1:
			ones++
		case 2:
			return false
		}
	}
	return ones == 0 || ones == len(sizes)
}

// phoneCues announce a phone number; after one, a mobile number is taken
// however its digits are grouped (电话 ①⑧⑨ 7 3 1 ⑥⓪ 2 4 8).
var phoneCues = []string{"电话", "手机", "手机号", "电", "tel", "call", "联系", "热线", "号码", "微信", "v"}

// phoneCueBefore reports a phone cue right before p (spaces, colons and a
// dash may stand between).
func phoneCueBefore(s string, p int) bool {
	for k := 0; k < 3 && p > 0; k++ {
		r, n := runeBefore(s, p)
		if r != ' ' && r != ':' && r != '-' {
			break
		}
		p -= n
	}
	return hasSuffixBefore(s, p, phoneCues)
}

// pairSplitMobile accepts a mobile number written in pairs to dodge filters
// (13 80 29 47 16 3): at least five groups of one or two digits, split by
// single spaces or dashes, only the last one a single digit. Dates and lists
// of decimals never have eleven digits starting 1[3-9] split that way.
func pairSplitMobile(ds []digit, sizes []int) bool {
	if len(sizes) < 5 || !isMobile(digitsOf(ds)) {
		return false
	}
	for i, n := range sizes {
		if n > 2 || n == 1 && i != len(sizes)-1 {
			return false
		}
	}
	for _, d := range ds[1:] {
		if d.sep != "" && d.sep != " " && d.sep != "-" {
			return false
		}
	}
	return true
}

// phoneKind checks the digits of a candidate and returns the phone number
// (without a country prefix) or "".
func phoneKind(d string, sizes []int) string {
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "86") && isMobile(d[2:]) && (sizes[0] == 2 || sizes[0] == 13):
		if groupsPlausible(sizes[1:]) || len(sizes) == 1 {
			return d[2:]
		}
		return ""
	case len(d) == 15 && strings.HasPrefix(d, "0086") && isMobile(d[4:]) && (sizes[0] == 4 || sizes[0] == 15):
		if groupsPlausible(sizes[1:]) || len(sizes) == 1 {
			return d[4:]
		}
		return ""
	}
	if !groupsPlausible(sizes) {
		return ""
	}
	allOnes := sizes[0] == 1
	switch {
	case isMobile(d):
		return d
	case len(d) == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")):
		return d
	case len(d) >= 10 && len(d) <= 12 && d[0] == '0' && d[1] != '0':
		area := 4
		if d[1] == '1' || d[1] == '2' {
			area = 3
		}
		local := len(d) - area
		if local < 7 || local > 8 || area == 3 && local != 8 || d[area] < '2' {
			return ""
		}
		if !allOnes && sizes[0] != area && sizes[0] != len(d) {
			return ""
		}
		return d
	}
	return ""
}

// phoneCueWords are Latin words that may stand right before or after a
// number without making it part of an id (v13800138000, tel:…, 138…qq同号).
var phoneCueWords = map[string]bool{
	"v": true, "vx": true, "wx": true, "q": true, "qq": true, "tel": true, "phone": true, "mobile": true,
	"m": true, "t": true, "dh": true, "sj": true, "call": true, "wechat": true, "weixin": true, "wei": true,
	"mob": true, "cell": true, "fax": true, "h": true,
}

// notPhoneBefore: a number right after these words is an identifier, not a
// phone (certificate, ID card, order, licence numbers).
var notPhoneBefore = []string{
	"编号", "证号", "证书号", "证书编号", "注册号", "注册编号", "身份证", "身份证号", "身份证号码", "订单号", "单号",
	"批号", "文号", "合同号", "流水号", "账号", "卡号", "税号", "代码", "执照号", "许可证号", "准考证号", "学号", "工号",
}

// phoneFound is a phone number found in Norm.
type phoneFound struct {
	value      string
	s, e       int // Norm span, country prefix and area brackets included
	obfuscated bool
}

// findPhones finds the phone numbers of Norm, skipping numbers that start at
// a position in skip (QQ numbers after a QQ cue) or lie inside an e-mail.
func findPhones(t *normalize.Text, cs *cands, skip map[int]bool, inEmail func(int) bool) []phoneFound {
	s := t.Norm
	var out []phoneFound
	var buf [24]digit
	next := cs.cursor(clDigit)
	for p := 0; p < len(s); {
		if p = next.next(p, len(s)); p >= len(s) {
			break
		}
		r, n := runeAt(s, p)
		if _, cn := cnDigit(r); !cn && !isASCIIDigit(r) {
			p += max(n, 1)
			continue
		}
		// runs of fewer than ten digits hold no phone number: count them
		// without collecting the digits
		count, end := digitRunLen(s, p)
		if count >= 10 {
			var ds []digit
			ds, end = digitRun(buf[:0], s, p)
			out = append(out, phonesInRun(t, ds, skip, inEmail)...)
		}
		p = max(end, p+1)
	}
	return out
}

// phonesInRun picks phone numbers out of one digit run, left to right,
// longest first. A number may start or end only at a group boundary or where
// Chinese numerals meet other digits.
func phonesInRun(t *normalize.Text, ds []digit, skip map[int]bool, inEmail func(int) bool) []phoneFound {
	s := t.Norm
	m := len(ds)
	if m < 10 {
		return nil
	}
	cut := func(i int) bool {
		return i == 0 || i == m || ds[i].group != ds[i-1].group || ds[i].cn != ds[i-1].cn
	}
	var out []phoneFound
	var sizeBuf [16]int
	for a := 0; a+10 <= m; {
		if !cut(a) {
			a++
			continue
		}
		found := false
		for b := min(m, a+15); b >= a+10; b-- {
			if !cut(b) {
				continue
			}
			cand := ds[a:b]
			sizes := groupSizes(sizeBuf[:0], cand)
			value := phoneKind(digitsOf(cand), sizes)
			if value == "" && (pairSplitMobile(cand, sizes) || isMobile(digitsOf(cand)) && a == 0 && phoneCueBefore(s, cand[0].s)) {
				value = digitsOf(cand)
			}
			if value == "" || len(sizes) == len(cand) && !sameSeps(cand) && !spacedNumber(cand, value) {
				continue
			}
			ns, ne := cand[0].s, cand[len(cand)-1].e
			if skip[ns] || inEmail(ns) || !phoneContextOK(s, ns, ne, a == 0, b == m) {
				continue
			}
			// include a "+" before a country prefix and the "(" of "(0371)"
			if r, n := runeBefore(s, ns); r == '+' && len(value) < len(cand) {
				ns -= n
			} else if r == '(' && strings.Contains(s[ns:ne], ")") {
				ns -= n
			}
			out = append(out, phoneFound{value: value, s: ns, e: ne, obfuscated: phoneObfuscated(t.OrigText(ns, ne), value)})
			a, found = b, true
			break
		}
		if !found {
			a++
		}
	}
	return out
}

// spacedNumber accepts a number written one digit at a time with dashes
// between its usual groups: 0 7 5 5 - 2 6 4 1 8 9 3 7 (after the area code),
// 1 3 5 - 1 0 2 7 - 4 8 3 9 (a mobile's 3-4-4). Every other separator is the
// same.
func spacedNumber(ds []digit, value string) bool {
	if value == "" {
		return false
	}
	var dashes []int
	switch {
	case isMobile(value):
		dashes = []int{3, 7}
	case value[0] == '0':
		area := 4
		if value[1] == '1' || value[1] == '2' {
			area = 3
		}
		dashes = []int{area}
	default:
		return false
	}
	plain := ""
	for i, d := range ds[1:] {
		if slices.Contains(dashes, i+1) && strings.Contains(d.sep, "-") {
			continue // a dash between the usual groups
		}
		if plain == "" {
			plain = d.sep
		} else if d.sep != plain {
			return false
		}
	}
	return plain != "" && !strings.Contains(plain, "-")
}

// sameSeps: digits written one by one are split the same way every time
// (1 3 8 0 …, not the list 1.5 2.5 3.5 …).
func sameSeps(ds []digit) bool {
	for _, d := range ds[1:] {
		if d.sep != ds[1].sep {
			return false
		}
	}
	return true
}

// phoneContextOK rejects numbers glued to identifiers, amounts, e-mail
// addresses and labelled non-phone numbers.
func phoneContextOK(s string, ns, ne int, runStart, runEnd bool) bool {
	if runStart {
		r, _ := runeBefore(s, ns)
		switch {
		case isASCIILetter(r):
			if !phoneCueWords[latinWordBefore(s, ns)] {
				return false
			}
		case r == '@' || r == '#' || r == '¥' || r == '$' || r == '￥' || r == '.':
			return false
		}
		// a label such as 证书编号: right before
		q := ns
		for k := 0; k < 2; k++ {
			r, n := runeBefore(s, q)
			if r == ':' || r == ' ' || r == '=' {
				q -= n
			}
		}
		if hasSuffixBefore(s, q, notPhoneBefore) {
			return false
		}
	}
	if runEnd {
		r, _ := runeAt(s, ne)
		switch {
		case isASCIILetter(r):
			if !phoneCueWords[latinWordAt(s, ne)] {
				return false
			}
		case r == '@' || r == '#' || r == '%' || r == '元' || r == '万' || r == '块' || r == '亿' || r == '年' || r == '月' || r == '日':
			return false
		}
	}
	return true
}

// phoneObfuscated: the number was not written as plain ASCII digits with at
// most the usual spaces, dashes or brackets (138 0013 8000, 0371-65432100,
// (0371)65432100, +86 138…, 400-820-8820).
func phoneObfuscated(orig, value string) bool {
	var sizes []int
	in := false
	for _, r := range orig {
		switch {
		case isASCIIDigit(r):
			if !in {
				sizes = append(sizes, 0)
				in = true
			}
			sizes[len(sizes)-1]++
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' || r == '（' || r == '）':
			in = false
		default:
			return true
		}
	}
	total := 0
	for _, n := range sizes {
		total += n
	}
	if len(sizes) > 1 && sizes[0] == total-len(value) {
		sizes = sizes[1:] // the country prefix, written apart
	}
	if len(sizes) == 0 {
		return true
	}
	switch {
	case len(sizes) == 1:
		return false
	case isMobile(value):
		return !(len(sizes) == 3 && sizes[0] == 3 && sizes[1] == 4 && sizes[2] == 4)
	case value[0] == '0':
		area := 4
		if value[1] == '1' || value[1] == '2' {
			area = 3
		}
		if sizes[0] != area {
			return true
		}
		rest := sizes[1:]
		return !(len(rest) == 1 || len(rest) == 2 && rest[0] >= 3 && rest[1] >= 4)
	default: // 400/800
		return !(len(sizes) == 3 && sizes[0] == 3 && (sizes[1] == 3 && sizes[2] == 4 || sizes[1] == 4 && sizes[2] == 3))
	}
}
