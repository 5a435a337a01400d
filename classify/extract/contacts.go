package extract

import (
	"strings"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

// found is a contact with its normalised span, before mapping.
type found struct {
	kind       guazheng.ContactKind
	value      string
	s, e       int
	obfuscated bool
}

// Contacts finds phone numbers, WeChat ids, QQ numbers, e-mail addresses and
// company names, in order of appearance, deduplicated by kind and value.
//
//   - Phones: mobiles 1[3-9]x… (11 digits, optional 86/+86/0086), landlines
//     (0 + area code + 7–8 digits; brackets and dashes dropped), 400/800
//     numbers; digits in any script, split by spaces, dashes, dots, brackets
//     or emoji. Value: ASCII digits. Obfuscated unless written in plain ASCII
//     digits grouped as usual (13800138000, 138 0013 8000, 0371-65432100,
//     (0371)65432100, 400-820-8820).
//   - WeChat: an id [a-z][-_a-z0-9]{5,19} (lower-cased; also written one
//     character at a time, s h z 2 0 2 3) or a phone number after a cue (微信,
//     薇信, 威信, 徽信, 微, 薇, 威, v信, v, vx, wx, wechat, 加v, +v, 扣v, 绿泡泡,
//     微信号, vx号 …), which may be followed by 号, :, a space, 同号, 电话, a
//     short label ending in a colon (微信详细聊：); a phone followed by 微信同号
//     / 同v / v同号 is a WeChat id too. Latin cues need word boundaries and a
//     separator before a Latin id (vip, vxabc and wxid_… without a cue are not
//     ids); 微/薇/威 alone need the id right after them. Obfuscated when the
//     cue is a disguise (anything but 微信/微信号/wechat/weixin) or the cue or
//     id was written in odd characters.
//   - QQ: 5–11 digits (any script, whole groups only) after qq, qq号, qq群,
//     q, q群, 扣扣, 企鹅, 球球, 群号, 群主, 进群, and 扣/群 directly before
//     the digits; also the digits of a numeric @qq.com address, and a phone
//     followed by QQ同号. A mobile-like number right after a QQ-only cue is
//     reported as QQ, not as a phone.
//   - E-mail: name@domain, and the disguises name#domain, name(at)domain,
//     name艾特domain, name at domain, with (dot)/点 for dots (known top-level
//     domains only for disguised forms). Value lower-cased, with @ and dots.
//   - Company: names ending in 有限公司, 集团, 人力资源服务中心, 人才网, 事务所,
//     工作室, 资质代办 … with leading verbs and prepositions trimmed.
func (x *Extractor) Contacts(t *normalize.Text) []guazheng.Contact {
	s := t.Norm
	var allBuf [16]found
	all := allBuf[:0]

	// one pass finds where each finder needs to look
	var listBuf, digitBuf [128]uint64
	cs := collectCands(s, clEmail|clWeChat|clWeakWeChat|clQQ|clDigit|clCompany, listBuf[:0], digitBuf[:0])

	emails := findEmails(t, &cs)
	all = append(all, emails...)
	inEmail := func(p int) bool {
		for _, f := range emails {
			if f.kind == guazheng.ContactEmail && p >= f.s && p < f.e {
				return true
			}
		}
		return false
	}

	qqs, qqOnly := findQQ(t, &cs, inEmail)
	all = append(all, qqs...)

	phones := findPhones(t, &cs, qqOnly, inEmail)
	for _, p := range phones {
		all = append(all, found{kind: guazheng.ContactPhone, value: p.value, s: p.s, e: p.e, obfuscated: p.obfuscated})
	}
	all = append(all, findWeChat(t, &cs, phones, inEmail)...)
	all = append(all, findWeakWeChat(t, &cs, inEmail)...)
	all = append(all, findUncuedWeChat(t, inEmail)...)
	all = append(all, findHotlines(t)...)
	all = append(all, qqBeforeCue(t, phones)...)
	// a phone followed by "QQ同号" is a QQ number too
	for _, p := range phones {
		if sameNumberCue(s, p.e, qqSameCues) {
			all = append(all, found{kind: guazheng.ContactQQ, value: p.value, s: p.s, e: p.e, obfuscated: p.obfuscated})
		}
	}
	all = append(all, findCompanies(t, &cs)...)

	byStart(all, func(f found) int { return f.s })
	// keep the first of each kind and value, in place
	var seen map[string]bool // only for long lists; short ones are searched
	if len(all) > 24 {
		seen = map[string]bool{}
	}
	keep := all[:0] // (f is a copy, and keep never overtakes the range)
	for _, f := range all {
		if f.value == "" {
			continue
		}
		if seen != nil {
			key := string(f.kind) + "\x00" + f.value
			if seen[key] {
				continue
			}
			seen[key] = true
		} else if foundBefore(keep, f) {
			continue
		}
		keep = append(keep, f)
	}
	out := make([]guazheng.Contact, len(keep))
	for i, f := range keep {
		out[i] = guazheng.Contact{Kind: f.kind, Value: f.value, Obfuscated: f.obfuscated, Span: span(t, f.s, f.e)}
	}
	return out
}

// foundBefore reports whether list (the contacts kept so far) holds one of
// the kind and value of f.
func foundBefore(list []found, f found) bool {
	for _, g := range list {
		if g.kind == f.kind && g.value == f.value {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------- cues

// cue is a word that announces a contact detail.
type cue struct {
	text  string
	latin bool // made of ASCII letters: needs word boundaries
	plain bool // the undisguised form
}

func cues(plain []string, disguised ...string) []cue {
	var out []cue
	add := func(w string, p bool) {
		latin := true
		for _, r := range w {
			if !isASCIILetter(r) {
				latin = false
			}
		}
		out = append(out, cue{text: w, latin: latin, plain: p})
	}
	for _, w := range plain {
		add(w, true)
	}
	for _, w := range disguised {
		add(w, false)
	}
	return out
}

var weChatCues = cues([]string{"微信号", "微信", "wechat", "weixin"},
	"薇信号", "薇信", "威信号", "威信", "徽信", "维信", "唯信", "v信", "微x", "威x", "vx号", "wx号", "v号",
	"微号", "薇号", "加v", "+v", "扣v", "绿泡泡", "v x", "w x", "v 信", "vx", "wx", "v", "微", "薇", "威", "卫星号")

var qqCues = cues([]string{"qq号码", "qq号", "qq群", "qq"},
	"q群", "q号", "扣扣号", "扣扣群", "扣扣", "企鹅号", "企鹅群", "企鹅", "球球号", "球球", "抠抠", "群号", "q",
	"加扣", "扣", "群", "群主", "进群", "加群")

// fillers may stand between a cue and its value (微信同号：, 微信号码:, VX: …).
var cueFillers = []string{
	"号码", "账号", "号", "id", "同号", "同步", "同上", "同", "电话", "手机", "联系", "搜索", "搜", "是", "为", "加",
	"我", "信", "详聊", "私聊", "详细聊", "咨询", "了解", "沟通",
	":", " ", "=", "-", "(", ")", "[", "]", "【", "】", "/", "、", "\"", "“", "”", "'",
}

// cueIndex finds cues quickly.
type cueIndex struct {
	words *wordSet
	cues  map[string]cue
}

func newCueIndex(list []cue) *cueIndex {
	ci := &cueIndex{cues: map[string]cue{}}
	var words []string
	for _, c := range list {
		ci.cues[c.text] = c
		words = append(words, c.text)
	}
	ci.words = newWordSet(words...)
	return ci
}

// matchCue returns the longest cue of the index at s[p:], with word
// boundaries for Latin cues (a shorter cue is tried when a longer one fails).
func matchCue(s string, p int, ci *cueIndex) (cue, bool) {
	w, ok := ci.words.at(s, p)
	if !ok {
		return cue{}, false
	}
	c := ci.cues[w]
	if c.latin {
		if r, _ := runeBefore(s, p); isASCIIAlnum(r) {
			return cue{}, false
		}
	}
	return c, true
}

var fillerSet = newWordSet(cueFillers...)

// afterCue skips the fillers after a cue; it returns where the value starts,
// whether a separator or filler was skipped, and whether a phone-ish filler
// (电话, 手机) or a cue of another kind was among them.
func afterCue(s string, q int, other *cueIndex) (int, bool, bool) {
	sep, mixed := false, false
	for k := 0; k < 6; k++ {
		if w, ok := fillerSet.at(s, q); ok {
			if w == "电话" || w == "手机" {
				mixed = true
			}
			q += len(w)
			sep = true
			continue
		}
		if c, ok := matchCue(s, q, other); ok && len(c.text) > 1 {
			q += len(c.text)
			sep, mixed = true, true
			continue
		}
		// a short label ending in a colon: 加微信详细聊：id
		p, k := q, 0
		for ; k < 5; k++ {
			r, n := runeAt(s, p)
			if !isHan(r) {
				break
			}
			p += n
		}
		if r, n := runeAt(s, p); k > 0 && r == ':' {
			q, sep = p+n, true
			continue
		}
		break
	}
	return q, sep, mixed
}

var (
	weChatIndex = newCueIndex(weChatCues)
	qqIndex     = newCueIndex(qqCues)
)

// ---------------------------------------------------------------- WeChat

// idStopWords are never WeChat ids even after a cue.
var idStopWords = map[string]bool{
	"wechat": true, "weixin": true, "qqcom": true, "mobile": true, "phone": true, "number": true, "online": true,
	"service": true, "contact": true, "hotline": true, "version": true,
}

// readID reads a WeChat id [a-z][-_a-z0-9]{5,19} at s[p:].
func readID(s string, p int) (int, bool) {
	if p >= len(s) || !(s[p] >= 'a' && s[p] <= 'z') {
		return p, false
	}
	i := p + 1
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '-') {
		i++
	}
	// a trailing dash or underscore is punctuation, not part of the id
	for i > p+1 && (s[i-1] == '-' || s[i-1] == '_') {
		i--
	}
	n := i - p
	if n < 6 || n > 20 || idStopWords[s[p:i]] {
		return p, false
	}
	if r, _ := runeAt(s, i); r == '@' || r == '#' || r == '.' && i+1 < len(s) && isASCIIAlnum(rune(s[i+1])) {
		return p, false // an e-mail address or a domain
	}
	return i, true
}

// readSpacedID reads an id written one character at a time (s h z 2 0 2 3):
// at least six single letters or digits, each followed by the same
// separator, starting with a letter.
func readSpacedID(s string, p int) (string, int, bool) {
	if p+1 >= len(s) || !(s[p] >= 'a' && s[p] <= 'z') {
		return "", p, false
	}
	sep := s[p+1]
	if sep != ' ' && sep != '.' && sep != '-' && sep != '_' {
		return "", p, false
	}
	var id []byte
	i := p
	for i < len(s) && isASCIIAlnum(rune(s[i])) {
		if i+1 < len(s) && isASCIIAlnum(rune(s[i+1])) {
			return "", p, false // a longer token: not one character at a time
		}
		id = append(id, s[i])
		end := i + 1
		if end+1 < len(s) && s[end] == sep && isASCIIAlnum(rune(s[end+1])) {
			i = end + 1
			continue
		}
		i = end
		break
	}
	if len(id) < 6 || len(id) > 20 {
		return "", p, false
	}
	return string(id), i, true
}

func findWeChat(t *normalize.Text, cs *cands, phones []phoneFound, inEmail func(int) bool) []found {
	s := t.Norm
	var out []found
	next := cs.cursor(clWeChat)
	for p := 0; p < len(s); p++ {
		if p = next.next(p, len(s)); p >= len(s) {
			break
		}
		if s[p]&0xC0 == 0x80 {
			continue // inside a rune
		}
		c, ok := matchCue(s, p, weChatIndex)
		if !ok {
			continue
		}
		q, sep, _ := afterCue(s, p+len(c.text), qqIndex)
		if c.latin && !sep {
			// "vip", "vxabc": a Latin cue must be set apart from an id
			if r, _ := runeAt(s, q); isASCIILetter(r) {
				continue
			}
		}
		if !c.latin && len(c.text) <= 3 && !sep {
			// 微/薇/威 alone must be followed by the value directly
			if r, _ := runeAt(s, q); !isASCIIAlnum(r) {
				if _, _, _, ok := digitAt(s, q); !ok {
					continue
				}
			}
		}
		if inEmail(q) {
			continue
		}
		if id, end, ok := readSpacedID(s, q); ok {
			out = append(out, found{kind: guazheng.ContactWeChat, value: id, s: q, e: end, obfuscated: true})
			p = end - 1
			continue
		}
		if end, ok := readID(s, q); ok {
			out = append(out, found{kind: guazheng.ContactWeChat, value: s[q:end], s: q, e: end,
				obfuscated: !c.plain || t.NormChanged(q, end) || t.NormChanged(p, p+len(c.text))})
			p = end - 1
			continue
		}
		if ph, ok := phoneStartingAt(s, phones, q); ok {
			out = append(out, found{kind: guazheng.ContactWeChat, value: ph.value, s: ph.s, e: ph.e,
				obfuscated: !c.plain || ph.obfuscated || t.NormChanged(p, p+len(c.text))})
			p = ph.e - 1
		}
	}
	for _, ph := range phones {
		if sameNumberCue(s, ph.e, weChatSameCues) {
			out = append(out, found{kind: guazheng.ContactWeChat, value: ph.value, s: ph.s, e: ph.e, obfuscated: ph.obfuscated})
		}
	}
	return out
}

// weakWeChatCues are words after which ads put a WeChat id without saying
// so (联系：zhang_2019, 群主 jgrcq_bot, 添加客服 tgzx_kefu). They are weak: only
// an id that mixes letters with digits or an underscore is taken after them.
var weakWeChatCues = []string{"联系方式", "联系人", "联系", "群主", "客服", "添加", "加我", "加", "私聊", "微信", "vx", "wx"}

// findWeakWeChat finds distinctive ids after a weak cue, with at most a
// colon, spaces, an arrow or a line break between.
//
// The occurrences of each cue are those strings.Index finds one after the
// other (not overlapping), looked for at the candidates of clWeakWeChat
// rather than cue by cue: the order of the ids found does not matter, as
// ids found at the same place are the same and Contacts sorts them by place.
func findWeakWeChat(t *normalize.Text, cs *cands, inEmail func(int) bool) []found {
	s := t.Norm
	var out []found
	var afterBuf [16]int
	after := afterBuf[:0] // by cue: where its last occurrence ends
	for range weakWeChatCues {
		after = append(after, 0)
	}
	next := cs.cursor(clWeakWeChat)
	for start := 0; start < len(s); start++ {
		if start = next.next(start, len(s)); start >= len(s) {
			break
		}
		for k, cue := range weakWeChatCues {
			if start < after[k] || !startsWith(s[start:], cue) {
				continue
			}
			p := start + len(cue)
			after[k] = p
			latin := cue[0] < 0x80
			if latin && start > 0 && isASCIIAlnum(rune(s[start-1])) {
				continue // inside a word: "wxid_…", "xvx…"
			}
			cueEnd := p
			for k := 0; k < 4 && p < len(s); k++ {
				r, n := runeAt(s, p)
				if r != ':' && r != ' ' && r != '\n' && r != '↓' && r != '-' && r != '>' && r != '：' {
					break
				}
				p += n
			}
			if inEmail(p) || latin && p == cueEnd {
				continue // a Latin cue must be set apart from the id
			}
			end, ok := readID(s, p)
			if !ok || !distinctiveID(s[p:end]) || cueThenDigits(s[p:end]) {
				continue
			}
			out = append(out, found{kind: guazheng.ContactWeChat, value: s[p:end], s: p, e: end, obfuscated: t.NormChanged(p, end)})
		}
	}
	return out
}

// postCues, in brackets right after an id, say it is a WeChat id:
// jkb_banzhuren(微信).
var postCues = newWordSet("(微信)", "(微信号)", "(薇信)", "(v信)", "(vx)", "(wx)", "(v)", "(wechat)")

// findUncuedWeChat finds WeChat ids written without a cue before them: an id
// with a bracketed cue after it (zhang2019(微信)), and an id that holds an
// underscore (zzhg_2019, ztx_xiaochen) — people choose such ids, and in these
// texts nothing else is written that way. Ids inside URLs, paths, file names
// and e-mail addresses are not taken.
func findUncuedWeChat(t *normalize.Text, inEmail func(int) bool) []found {
	s := t.Norm
	var out []found
	idChar := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' }
	take := func(a, b int) {
		// a is where the token starts, b where it ends
		if a > 0 {
			switch s[a-1] {
			case '/', '.', '@', '=', '&', '?', '#', '%', '\\', '~':
				return // a URL, a path, a file or an address
			}
		}
		end, ok := readID(s, a)
		if !ok || end != b || inEmail(a) {
			return
		}
		if r, _ := runeAt(s, end); r == '/' || r == '=' || r == '?' {
			return
		}
		if forumUser(s, a, end) {
			return
		}
		out = append(out, found{kind: guazheng.ContactWeChat, value: s[a:end], s: a, e: end, obfuscated: true})
	}
	// tokens with an underscore
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '_')
		if j < 0 {
			break
		}
		u := i + j
		a, b := u, u
		for a > 0 && idChar(s[a-1]) {
			a--
		}
		for b < len(s) && idChar(s[b]) {
			b++
		}
		for a < u && !(s[a] >= 'a' && s[a] <= 'z') {
			a++ // an id starts with a letter
		}
		hasLetter := false
		for k := a; k < b; k++ {
			hasLetter = hasLetter || s[k] >= 'a' && s[k] <= 'z' && k != a
		}
		if a < u && hasLetter {
			take(a, trimIDEnd(s, a, b))
		}
		i = b + 1
	}
	// an id with a bracketed cue after it
	beforeCue(s, postCues, idChar, func(a, b int) {
		if s[a] >= 'a' && s[a] <= 'z' {
			take(a, b)
		}
	})
	return out
}

// forumBylines are what forums and platforms write before a user name.
var forumBylines = []string{"楼主", "楼", "作者", "发帖人", "发布人", "发布者", "用户", "用户名", "网友", "昵称", "回复", "引用", "层主", "来自"}

// forumUser reports whether the id at s[a:b] is a user name in a forum
// byline rather than a contact: after 楼主/3楼/作者/网友…, or followed by a
// date or a floor number (ss_wei1989\n3楼 2022-09-02).
func forumUser(s string, a, b int) bool {
	q := a
	for q > 0 && (s[q-1] == ' ' || s[q-1] == ':') {
		q--
	}
	if hasSuffixBefore(s, q, forumBylines) {
		return true
	}
	p := b
	for p < len(s) && (s[p] == ' ' || s[p] == '\n' || s[p] == '|') {
		p++
	}
	// a date: 2022-09-02, 2022/9/2, 2022年
	if p+5 <= len(s) && s[p] == '2' && s[p+1] == '0' && isASCIIDigit(rune(s[p+2])) && isASCIIDigit(rune(s[p+3])) {
		if r, _ := runeAt(s, p+4); r == '-' || r == '/' || r == '.' || r == '年' {
			return true
		}
	}
	// a floor number: 3楼, #3
	k := p
	for k < len(s) && isASCIIDigit(rune(s[k])) {
		k++
	}
	if k > p && startsWith(s[k:], "楼") {
		return true
	}
	return startsWith(s[p:], "发表于") || startsWith(s[p:], "发布于")
}

// trimIDEnd drops trailing dashes and underscores of s[a:b].
func trimIDEnd(s string, a, b int) int {
	for b > a+1 && (s[b-1] == '-' || s[b-1] == '_') {
		b--
	}
	return b
}

// cueThenDigits reports ids that are a contact cue glued to a number
// (qq2847561930, vx13800138000, tel…): the number is the contact, not an id.
func cueThenDigits(id string) bool {
	i := 0
	for i < len(id) && id[i] >= 'a' && id[i] <= 'z' {
		i++
	}
	return i < len(id) && phoneCueWords[id[:i]] && isAllDigits(id[i:])
}

// distinctiveID reports whether an id mixes letters with a digit or an
// underscore, as chosen ids do and ordinary English words do not.
func distinctiveID(id string) bool {
	letters, other := false, false
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z':
			letters = true
		case c >= '0' && c <= '9', c == '_':
			other = true
		}
	}
	return letters && other
}

// phoneStartingAt returns the phone whose digits start at q: its span
// starts there, or a "+" or "(" included before the digits does (the last
// such phone when several would qualify).
func phoneStartingAt(s string, phones []phoneFound, q int) (phoneFound, bool) {
	for i := len(phones) - 1; i >= 0; i-- {
		p := phones[i]
		if r, n := runeAt(s, p.s); (r == '+' || r == '(') && p.s+n == q {
			return p, true
		}
		if p.s == q {
			return p, true
		}
	}
	return phoneFound{}, false
}

// After a phone number, these say that the WeChat (or QQ) id is the same.
var (
	weChatSameCues = newWordSet(
		"微信同号", "薇信同号", "威信同号", "徽信同号", "v信同号", "vx同号", "wx同号", "v同号", "微同号", "薇同号",
		"同微信", "同薇信", "同vx", "同wx", "同v", "同微", "同薇", "微信同步", "微信同", "加微信同号", "可加微信",
		"可加v", "也是微信", "即微信", "是微信", "微信也是", "v 信同号", "威同号", "徽同号", "微信一样", "微信也一样", "v一样", "vx一样",
		"微信)", "薇信)", "v信)", "vx)", "wx)", "v)",
	)
	qqSameCues = newWordSet("qq同号", "扣扣同号", "同qq", "同扣扣", "qq)", "扣扣)")
)

// sameNumberCue reports whether one of words follows a number that ends at
// s[:q] (brackets, spaces and simple punctuation may come between, and a
// short name before a bracket: 186-3827-1904 陈老师(同v)).
func sameNumberCue(s string, q int, words *wordSet) bool {
	q = skipNumberPunct(s, q)
	if _, ok := words.at(s, q); ok {
		return true
	}
	// a connector between: 189-9107-5264，或者vx同号 / 或 加vx同号
	if c, ok := sameConnectors.at(s, q); ok {
		p := q + len(c)
		for p < len(s) && s[p] == ' ' {
			p++
		}
		if startsWith(s[p:], "加") {
			p += len("加")
		}
		if _, ok := words.at(s, p); ok {
			return true
		}
	}
	p, k := q, 0
	for ; k < 4; k++ {
		r, n := runeAt(s, p)
		if !isHan(r) {
			break
		}
		p += n
	}
	if r, n := runeAt(s, p); k == 0 || r != '(' && r != '[' && r != '【' {
		return bracketSameCue(s, q, words)
	} else {
		p += n
	}
	_, ok := words.at(s, p)
	return ok
}

// bracketSameCue looks for a same-number cue anywhere in a short bracket
// right after the number: 158…(我本人电话，微信同号).
func bracketSameCue(s string, q int, words *wordSet) bool {
	r, n := runeAt(s, q)
	if r != '(' && r != '[' && r != '【' {
		// skipNumberPunct may have passed the bracket already
		if r, _ := runeBefore(s, q); r != '(' && r != '[' && r != '【' {
			return false
		}
		n = 0
	}
	p := q + n
	for k := 0; k < 16 && p < len(s); k++ {
		r, n := runeAt(s, p)
		if r == ')' || r == ']' || r == '】' || r == '\n' || isASCIIDigit(r) {
			return false
		}
		if _, ok := words.at(s, p); ok {
			return true
		}
		p += n
	}
	return false
}

// sameConnectors may join a number and its same-number cue.
var sameConnectors = newWordSet("或者", "或", "也可以", "也可", "可以", "可")

// skipNumberPunct skips up to four spaces, brackets and simple punctuation
// marks at s[q:].
func skipNumberPunct(s string, q int) int {
	for k := 0; k < 4; k++ {
		r, n := runeAt(s, q)
		if r == ' ' || r == '(' || r == '[' || r == '【' || r == ',' || r == '/' || r == '、' || r == '-' || r == ':' || r == '，' {
			q += n
			continue
		}
		break
	}
	return q
}

// ---------------------------------------------------------------- QQ

func findQQ(t *normalize.Text, cs *cands, inEmail func(int) bool) ([]found, map[int]bool) {
	s := t.Norm
	var out []found
	var only map[int]bool // made when needed: reading a nil map is fine
	var digitBuf [24]digit
	var sizeBuf [16]int
	next := cs.cursor(clQQ)
	for p := 0; p < len(s); p++ {
		if p = next.next(p, len(s)); p >= len(s) {
			break
		}
		if s[p]&0xC0 == 0x80 {
			continue // inside a rune
		}
		c, ok := matchCue(s, p, qqIndex)
		if !ok {
			continue
		}
		q, sep, mixed := afterCue(s, p+len(c.text), weChatIndex)
		if !c.latin && len(c.text) <= 3 {
			// 扣, 群 alone must be followed by the number directly, or by
			// a colon (扣：幺五八…)
			q, sep = p+len(c.text), false
			if r, n := runeAt(s, q); r == ':' {
				q += n
			}
			if _, _, _, ok := digitAt(s, q); !ok {
				continue
			}
		}
		if c.latin && !sep {
			if r, _ := runeAt(s, q); !isASCIIDigit(r) {
				if _, _, _, ok := digitAt(s, q); !ok {
					continue
				}
			}
		}
		if inEmail(q) {
			continue
		}
		ds, _ := digitRun(digitBuf[:0], s, q)
		if len(ds) == 0 {
			continue
		}
		// take whole groups up to 11 digits
		n := 0
		for n < len(ds) && (n == 0 || ds[n].group == ds[n-1].group || n+countGroup(ds, n) <= 11) {
			n++
		}
		if n < 5 || n > 11 {
			continue
		}
		num := ds[:n]
		if sz := groupSizes(sizeBuf[:0], num); len(sz) > 1 && !groupsPlausible(sz) && !qqGroupsPlausible(num, sz) ||
			len(sz) == n && !sameSeps(num) {
			continue
		}
		ns, ne := num[0].s, num[n-1].e
		if r, _ := runeAt(s, ne); isASCIILetter(r) && !phoneCueWords[latinWordAt(s, ne)] || r == '@' {
			continue
		}
		out = append(out, found{kind: guazheng.ContactQQ, value: digitsOf(num), s: ns, e: ne,
			obfuscated: !c.plain || t.NormChanged(ns, ne) || t.NormChanged(p, p+len(c.text))})
		if !mixed {
			if only == nil {
				only = map[int]bool{}
			}
			only[ns] = true
		}
		p = ne - 1
	}
	return out, only
}

// hotlineCues announce a government service number (12345, 12333, 12319 …).
var hotlineCues = []string{"热线", "电话", "拨打", "举报", "投诉", "致电", "来电"}

// publicHotlines are government service numbers that notices, news and
// complaints name without any cue (打了12345, 去12315投诉).
var publicHotlines = map[string]bool{
	"12345": true, "12333": true, "12315": true, "12319": true, "12369": true, "12366": true, "12320": true,
	"12358": true, "12365": true, "12318": true, "12350": true, "12321": true, "12348": true, "12337": true,
}

// findHotlines finds five-digit public service numbers 12xxx: the known
// hotlines anywhere they stand alone, others after a cue (拨打12399热线,
// 举报电话：12319). Without a cue an unknown five-digit number is too often
// something else.
func findHotlines(t *normalize.Text) []found {
	s := t.Norm
	var out []found
	for i := 0; i+5 <= len(s); {
		j := strings.Index(s[i:], "12")
		if j < 0 {
			break
		}
		p := i + j
		i = p + 1
		if p > 0 && (isASCIIAlnum(rune(s[p-1])) || s[p-1] == '.' || s[p-1] == '-' || s[p-1] == '+') {
			continue
		}
		e := p
		for e < len(s) && isASCIIDigit(rune(s[e])) {
			e++
		}
		if e-p != 5 {
			continue
		}
		if r, _ := runeAt(s, e); isASCIIAlnum(r) || r == '.' || r == '-' || r == '元' || r == '万' || r == '号' || r == '年' || r == '个' || r == '人' || r == '次' {
			continue
		}
		if !publicHotlines[s[p:e]] && !hotlineCueBefore(s, p) {
			continue
		}
		if q := strings.TrimRight(s[:p], ": "); hasSuffixBefore(s, len(q), notPhoneBefore) {
			continue // 编号12345, 证书号：12345
		}
		out = append(out, found{kind: guazheng.ContactPhone, value: s[p:e], s: p, e: e, obfuscated: t.NormChanged(p, e)})
		i = e
	}
	return out
}

// hotlineCueBefore reports a hotline cue at most eight characters before p.
func hotlineCueBefore(s string, p int) bool {
	q := p
	for k := 0; k <= 8 && q > 0; k++ {
		for _, cue := range hotlineCues {
			if strings.HasSuffix(s[:q], cue) {
				return true
			}
		}
		r, n := runeBefore(s, q)
		if r == '\n' || isASCIIDigit(r) {
			return false
		}
		q -= n
	}
	return false
}

var qqPostCues = newWordSet("(qq)", "(扣扣)", "(qq号)", "(企鹅)")

// qqBeforeCue finds QQ numbers written before a bracketed cue:
// 2093817465(QQ). Phone numbers are left to the phone finder.
func qqBeforeCue(t *normalize.Text, phones []phoneFound) []found {
	s := t.Norm
	var out []found
	beforeCue(s, qqPostCues, func(c byte) bool { return c >= '0' && c <= '9' }, func(a, b int) {
		if n := b - a; n < 5 || n > 11 || a > 0 && (isASCIIAlnum(rune(s[a-1])) || s[a-1] == '.') {
			return
		}
		if _, ok := phoneStartingAt(s, phones, a); ok {
			return
		}
		out = append(out, found{kind: guazheng.ContactQQ, value: s[a:b], s: a, e: b, obfuscated: t.NormChanged(a, b)})
	})
	return out
}

// beforeCue calls f with the span of every non-empty run of characters
// accepted by isChar that stands (spaces aside) right before a bracketed cue
// of cues: the value in "value(cue)".
func beforeCue(s string, cues *wordSet, isChar func(byte) bool, f func(a, b int)) {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '(')
		if j < 0 {
			return
		}
		q := i + j
		i = q + 1
		if _, ok := cues.at(s, q); !ok {
			continue
		}
		b := q
		for b > 0 && s[b-1] == ' ' {
			b--
		}
		a := b
		for a > 0 && isChar(s[a-1]) {
			a--
		}
		if a < b {
			f(a, b)
		}
	}
}

// qqGroupsPlausible accepts the splits people write a QQ number in after a
// cue (6382 9104 5, 12 345 678): groups of one to four digits split by
// spaces or dashes only (a dot would make it a list of decimals), with at most
// one single digit, at the end.
func qqGroupsPlausible(ds []digit, sizes []int) bool {
	for i, n := range sizes {
		if n > 4 || n == 1 && i != len(sizes)-1 {
			return false
		}
	}
	for _, d := range ds[1:] {
		if d.sep != "" && strings.Trim(d.sep, " -") != "" {
			return false
		}
	}
	return true
}

// countGroup is the size of the group that starts at ds[i].
func countGroup(ds []digit, i int) int {
	n := 0
	for j := i; j < len(ds) && ds[j].group == ds[i].group; j++ {
		n++
	}
	return n
}

// ---------------------------------------------------------------- e-mail

var emailAt = newWordSet("(at)", "[at]", "{at}", "<at>", "(艾特)", "艾特", " at ", "@", "#")

var emailDot = newWordSet("(dot)", "[dot]", "{dot}", " dot ", "点", ".")

var knownTLD = map[string]bool{
	"com": true, "cn": true, "net": true, "org": true, "cc": true, "top": true, "vip": true, "info": true,
	"me": true, "io": true, "biz": true, "hk": true, "tw": true, "edu": true, "gov": true, "co": true,
}

func isLocalChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '.' || b == '_' || b == '-' || b == '+' || b == '%'
}

func isLabelChar(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' }

func findEmails(t *normalize.Text, cs *cands) []found {
	s := t.Norm
	var out []found
	// no spelling of an at sign anywhere (see cands.atSign)
	if !cs.atSign {
		return nil
	}
	next := cs.cursor(clEmail)
	for p := 1; p < len(s); p++ {
		if p = next.next(p, len(s)); p >= len(s) {
			break
		}
		if s[p]&0xC0 == 0x80 {
			continue // inside a rune
		}
		at, ok := emailAt.at(s, p)
		if !ok {
			continue
		}
		// local part
		ls := p
		for ls > 0 && isLocalChar(s[ls-1]) {
			ls--
		}
		for ls < p && !isASCIIAlnum(rune(s[ls])) {
			ls++
		}
		if ls == p {
			continue
		}
		// domain: labels joined by dots (or disguised dots)
		q := p + len(at)
		var labels []string
		disguisedDot := false
		end := q
		for {
			ls2 := q
			for q < len(s) && isLabelChar(s[q]) {
				q++
			}
			if q == ls2 {
				break
			}
			labels = append(labels, s[ls2:q])
			end = q
			d, ok := emailDot.at(s, q)
			if !ok {
				break
			}
			if d != "." {
				disguisedDot = true
			}
			q += len(d)
		}
		if len(labels) < 2 {
			continue
		}
		tld := labels[len(labels)-1]
		disguised := at != "@" || disguisedDot
		if disguised && !knownTLD[tld] || len(tld) < 2 || !isAllLetters(tld) {
			continue
		}
		local := s[ls:p]
		value := local + "@" + strings.Join(labels, ".")
		out = append(out, found{kind: guazheng.ContactEmail, value: value, s: ls, e: end,
			obfuscated: disguised || t.NormChanged(ls, end)})
		if strings.Join(labels, ".") == "qq.com" && isAllDigits(local) && len(local) >= 5 && len(local) <= 11 {
			out = append(out, found{kind: guazheng.ContactQQ, value: local, s: ls, e: p})
		}
		p = end - 1
	}
	return out
}

func isAllLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z') {
			return false
		}
	}
	return s != ""
}

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return s != ""
}
