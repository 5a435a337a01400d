package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var testN = New()

func TestMappings(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// NFKC: width, math styles, circled and other number forms
		{"full-width digits", "１３８", "138"},
		{"full-width letters lower-cased", "ＶＸ：ＡＢＣ", "vx:abc"},
		{"full-width punctuation", "，！？；：（）", ",!?;:()"},
		{"math bold digits", "𝟭𝟯𝟴", "138"},
		{"math bold serif digits", "𝟏𝟑𝟖", "138"},
		{"math bold letters", "𝐕𝐗", "vx"},
		{"math sans-serif bold letters", "𝗪𝗫", "wx"},
		{"math monospace", "𝚚𝚚", "qq"},
		{"circled digits", "①②③", "123"},
		{"circled ten and twenty", "⑩⑳", "1020"},
		{"circled zero", "⓪", "0"},
		{"parenthesised digits", "⑴⑵⑶", "123"},
		{"parenthesised twenty", "⒇", "20"},
		{"full-stop digits", "⒈⒉⒛", "1220"},
		{"digit comma", "🄂🄃", "12"},
		{"negative circled digits", "❶❷❿", "1210"},
		{"dingbat circled digits", "➀➊", "11"},
		{"negative circled eleven", "⓫⓴", "1120"},
		{"double circled", "⓵⓾", "110"},
		{"negative circled zero", "⓿", "0"},
		{"keycap digits", "1️⃣3️⃣8️⃣", "138"},
		{"segmented digits", "\U0001FBF1\U0001FBF3", "13"},
		{"arabic-indic digits", "١٣٨", "138"},
		{"devanagari digits", "१३८", "138"},
		{"superscript digits", "¹²³", "123"},
		{"circled letters", "ⓥⓧ", "vx"},
		{"parenthesised letters", "⒱⒳", "vx"},
		{"negative circled letters", "🅥🅧", "vx"},
		{"negative squared letters", "🆅🆇", "vx"},
		{"squared letters", "🅆🅇", "wx"},
		{"parenthesised ideograph numbers", "㈠㈡", "一二"},
		{"other parenthesised ideographs keep NFKC", "㈱", "(株)"},
		{"kangxi radicals", "⼀建", "一建"},
		{"cjk compatibility ideograph", "\uF900", "岂"},
		{"squared word", "㎏", "kg"},
		{"telephone sign", "℡", "tel"},
		{"ligature", "ﬁ", "fi"},
		{"roman numerals", "Ⅻ", "xii"},
		{"spacing diacritic kept", "¨", "¨"},
		{"ellipsis", "好…", "好..."},
		{"chinese numerals untouched", "一三八零零幺三八壹贰叁", "一三八零零幺三八壹贰叁"},
		// lower case
		{"ascii lower", "WeChat VX QQ", "wechat vx qq"},
		{"greek lower", "ΑΒΓ", "αβγ"},
		// traditional → simplified
		{"t2s 掛證", "掛證", "挂证"},
		{"t2s 建造師", "建造師", "建造师"},
		{"t2s 資質", "資質", "资质"},
		{"t2s 徵", "徵才", "征才"},
		{"t2s 薦", "推薦", "推荐"},
		{"t2s one-to-many takes commonest", "乾淨", "干净"},
		{"t2s taiwan form", "為了", "为了"},
		{"t2s sentence seller",
			"本人有一級建造師證書，求掛靠單位，價格面議，聯繫電話",
			"本人有一级建造师证书,求挂靠单位,价格面议,联系电话"},
		{"t2s sentence buyer",
			"長期高價收購二級建造師機電專業，社保不衝突，兩年一簽，年付",
			"长期高价收购二级建造师机电专业,社保不冲突,两年一签,年付"},
		{"t2s sentence broker",
			"資質代辦、人才引進、註冊安全工程師、監理工程師、造價工程師，全國可用",
			"资质代办、人才引进、注册安全工程师、监理工程师、造价工程师,全国可用"},
		{"t2s sentence conditions",
			"不坐班，不考勤，社保可處理，證書原件代管，配合出場開標",
			"不坐班,不考勤,社保可处理,证书原件代管,配合出场开标"},
		{"t2s financial numerals", "貳叄陸", "贰叁陆"},
		{"simplified untouched", "挂证据", "挂证据"},
		{"simplified sentence untouched", "验收证书签收证明", "验收证书签收证明"},
		// removed characters
		{"zero width space", "挂\u200b证", "挂证"},
		{"zwnj zwj", "挂\u200c\u200d证", "挂证"},
		{"lrm rlm", "挂\u200e\u200f证", "挂证"},
		{"word joiner", "挂\u2060\u2061\u2064证", "挂证"},
		{"bom", "\ufeff挂证\ufeff", "挂证"},
		{"soft hyphen", "挂\u00ad证", "挂证"},
		{"variation selector", "挂\ufe0f证", "挂证"},
		{"variation selector supplement", "挂\U000E0100证", "挂证"},
		{"bidi override", "挂\u202e证\u202c", "挂证"},
		{"tag characters", "挂\U000E0041证", "挂证"},
		{"combining mark", "挂\u0336证", "挂证"},
		{"control character", "挂\x01证", "挂证"},
		{"hangul filler", "挂\u3164证", "挂证"},
		{"invalid utf-8", "\xff挂\xfe证\x80", "挂证"},
		{"stars", "★挂证☆", "挂证"},
		{"misc symbols", "♥✔☎", "电话"},
		{"emoji between ideographs", "挂🔥证", "挂证"},
		{"emoji with skin tone", "好👍🏻", "好"},
		{"flag", "🇨🇳中国", "中国"},
		{"geometric bullets", "●■◆长期收", "长期收"},
		{"arrows", "→联系", "联系"},
		{"reference mark", "※注意", "注意"},
		{"emoji between latin keeps the space", "abc 🔥 def", "abc def"},
		{"emoji before phone", "☎13800138000", "电话13800138000"},
		// heavy plus before a contact cue
		{"heavy plus V", "➕V", "+v"},
		{"heavy plus vx", "➕vx:abc", "+vx:abc"},
		{"heavy plus 微", "➕微", "+微"},
		{"heavy plus with variation selector", "➕\ufe0fV", "+v"},
		{"heavy plus q", "✚Q", "+q"},
		{"heavy plus elsewhere removed", "一建➕二建", "一建二建"},
		{"heavy plus before space removed", "➕ 好", " 好"},
		{"ascii plus kept", "市政+公路", "市政+公路"},
		{"full-width plus kept", "市政＋公路", "市政+公路"},
		{"plus v kept", "+V:abc", "+v:abc"},
		// separators inside words
		{"space", "挂 证", "挂证"},
		{"spaces", "挂   证", "挂证"},
		{"tab", "挂\t证", "挂证"},
		{"ideographic space", "挂\u3000证", "挂证"},
		{"nbsp", "挂\u00a0证", "挂证"},
		{"dot", "挂.证", "挂证"},
		{"full-width dot", "挂．证", "挂证"},
		{"star", "挂*证", "挂证"},
		{"full-width star", "挂＊证", "挂证"},
		{"middle dot", "挂·证", "挂证"},
		{"bullet", "挂•证", "挂证"},
		{"katakana middle dot", "挂・证", "挂证"},
		{"degree", "挂°证", "挂证"},
		{"dash", "挂-证", "挂证"},
		{"en dash", "挂–证", "挂证"},
		{"underscore", "挂_证", "挂证"},
		{"bar kept", "挂|证", "挂|证"},
		{"slash kept", "挂/证", "挂/证"},
		{"backslash", "挂\\证", "挂证"},
		{"tilde", "挂~证", "挂证"},
		{"wave dash", "挂〜证", "挂证"},
		{"caret", "挂^证", "挂证"},
		{"backtick", "挂`证", "挂证"},
		{"quote", "挂'证", "挂证"},
		{"double quote", "挂\"证", "挂证"},
		{"hash", "挂#证", "挂证"},
		{"at", "挂@证", "挂证"},
		{"equals", "挂=证", "挂证"},
		{"mixed run", "挂 .*🔥\u200b 证", "挂证"},
		{"between every character", "挂 * 证 * 一 . 建", "挂证一建"},
		{"ideograph and digit", "一建 3 本", "一建3本"},
		{"digit and ideograph", "3 本", "3本"},
		{"price with slash", "3万/年", "3万/年"},
		{"digit slash ideograph", "2000 / 月", "2000 / 月"},
		{"ellipsis between ideographs", "挂…证", "挂证"},
		{"newline kept", "挂\n证", "挂\n证"},
		{"newline with spaces", "挂 \n 证", "挂\n证"},
		{"emoji and newline", "挂😀\n证", "挂\n证"},
		{"comma kept", "挂，证", "挂,证"},
		{"full stop kept", "挂。证", "挂。证"},
		{"enumeration comma kept", "一建、二建", "一建、二建"},
		{"brackets kept", "【一建】（市政）", "【一建】(市政)"},
		{"chinese quotes kept", "“挂证”", "“挂证”"},
		{"colon kept", "电话：138", "电话:138"},
		{"space before colon kept? no, removed", "电话 138", "电话138"},
		{"digits keep spaces", "138 0013 8000", "138 0013 8000"},
		{"digits keep dashes", "0371-65432100", "0371-65432100"},
		{"decimal kept", "1.5万", "1.5万"},
		{"range kept", "1.2-1.5万", "1.2-1.5万"},
		{"latin keeps single space", "gua  zheng", "gua zheng"},
		{"latin keeps dot", "g.z", "g.z"},
		{"email kept", "Wang_HR@163.com", "wang_hr@163.com"},
		{"latin and ideograph keep space", "加 V", "加 v"},
		// whitespace
		{"collapse mixed", "a \t b", "a b"},
		{"collapse newlines", "a\n\n b", "a\nb"},
		{"crlf", "a\r\nb", "a\nb"},
		{"unicode line separator", "a\u2028b", "a\nb"},
		{"leading space collapsed", "   a", " a"},
		{"trailing space collapsed", "a \t", "a "},
		{"empty", "", ""},
		{"only removed", "\u200b🔥", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := testN.Normalize(tc.in)
			if got.Norm != tc.want {
				t.Errorf("Normalize(%q).Norm = %q, want %q", tc.in, got.Norm, tc.want)
			}
			if got.Orig != tc.in {
				t.Errorf("Orig = %q, want %q", got.Orig, tc.in)
			}
			checkMap(t, got)
			if again := testN.Normalize(got.Norm).Norm; again != got.Norm {
				t.Errorf("not idempotent: %q -> %q -> %q", tc.in, got.Norm, again)
			}
		})
	}
}

// TestOrigRange checks that entities found in the normalised text map back
// to exactly what was written.
func TestOrigRange(t *testing.T) {
	tests := []struct{ in, find, want string }{
		{"１３８ ００１３ ８０００", "138 0013 8000", "１３８ ００１３ ８０００"},
		{"联系：１３８ ００１３ ８０００。", "138 0013 8000", "１３８ ００１３ ８０００"},
		{"电话 138-0013-8000 王", "138-0013-8000", "138-0013-8000"},
		{"挂 🔥 证", "挂证", "挂 🔥 证"},
		{"求挂\u200b证！", "挂证", "挂\u200b证"},
		{"掛證", "证", "證"},
		{"掛證", "挂", "掛"},
		{"本人一級建造師，", "一级建造师", "一級建造師"},
		{"➕V：abc123", "+v", "➕V"},
		{"➕V：abc123", "abc123", "abc123"},
		{"⑴⑵", "2", "⑵"},
		{"a   b", " ", "   "},
		{"𝟭𝟯𝟴", "3", "𝟯"},
		{"𝟭𝟯𝟴𝟬", "38", "𝟯𝟴"},
		{"重量㎏", "g", "㎏"},
		{"重量㎏", "kg", "㎏"},
		{"1️⃣3️⃣8️⃣", "13", "1️⃣3️⃣"},
		{"好👍🏻\ufe0f", "好", "好"},
		{"e\u0301x", "e", "e\u0301"},
		{"ＶＸ：ＡＢＣ", "abc", "ＡＢＣ"},
		{"一 . 建 市政", "一建", "一 . 建"},
		{"薇信：zhang_gz2023", "zhang_gz2023", "zhang_gz2023"},
		{"幺三八 0013 8000", "幺三八0013 8000", "幺三八 0013 8000"},
		{"价格：3万/年", "3万/年", "3万/年"},
		{"\xff挂证", "挂证", "挂证"},
	}
	for _, tc := range tests {
		x := testN.Normalize(tc.in)
		i := strings.Index(x.Norm, tc.find)
		if i < 0 {
			t.Errorf("%q: %q not in Norm %q", tc.in, tc.find, x.Norm)
			continue
		}
		if got := x.OrigText(i, i+len(tc.find)); got != tc.want {
			t.Errorf("%q: OrigText of %q = %q, want %q", tc.in, tc.find, got, tc.want)
		}
		checkMap(t, x)
	}
}

func TestOrigRangeEdges(t *testing.T) {
	x := testN.Normalize("掛證🔥")
	if x.Norm != "挂证" {
		t.Fatalf("Norm = %q", x.Norm)
	}
	cases := []struct{ s, e, ws, we int }{
		{0, 0, 0, 0},
		{0, 1, 0, 3},    // inside a rune: widened to the whole rune
		{1, 2, 0, 3},    // ditto
		{2, 4, 0, 6},    // spans both
		{3, 3, 3, 3},    // empty at a boundary
		{6, 6, 6, 6},    // empty at the end: after the last output, before the emoji
		{-5, 100, 0, 6}, // clamped
		{5, 2, 3, 3},    // end before start: empty at start
	}
	for _, c := range cases {
		if s, e := x.OrigRange(c.s, c.e); s != c.ws || e != c.we {
			t.Errorf("OrigRange(%d,%d) = %d,%d want %d,%d", c.s, c.e, s, e, c.ws, c.we)
		}
	}
	empty := testN.Normalize("🔥\u200b")
	if s, e := empty.OrigRange(0, 10); s != 0 || e != 0 {
		t.Errorf("empty Norm: OrigRange = %d,%d", s, e)
	}
	if x.OrigText(0, 6) != "掛證" {
		t.Errorf("OrigText = %q", x.OrigText(0, 6))
	}
}

func TestNormOffset(t *testing.T) {
	x := testN.Normalize("联系➕V：１３８")
	if x.Norm != "联系+v:138" {
		t.Fatalf("Norm = %q", x.Norm)
	}
	cases := []struct{ orig, want int }{
		{0, 0},
		{3, 3},
		{6, 6}, // ➕ → "+"
		{7, 7}, // inside ➕ → after its output
		{9, 7}, // V
		{10, 8},
		{len(x.Orig), len(x.Norm)},
		{len(x.Orig) + 5, len(x.Norm)},
	}
	for _, c := range cases {
		if got := x.NormOffset(c.orig); got != c.want {
			t.Errorf("NormOffset(%d) = %d, want %d", c.orig, got, c.want)
		}
	}
	y := testN.Normalize("挂 🔥 证")
	if got := y.NormOffset(3); got != 3 {
		t.Errorf("NormOffset of a deleted separator = %d, want 3", got)
	}
	if r, n := x.NormRuneAt(0); r != '联' || n != 3 {
		t.Errorf("NormRuneAt(0) = %q %d", r, n)
	}
	if _, n := x.NormRuneAt(len(x.Norm)); n != 0 {
		t.Errorf("NormRuneAt(end) size %d", n)
	}
	if !x.NormChanged(6, 8) || x.NormChanged(0, 6) {
		t.Errorf("NormChanged wrong")
	}
}

// TestEveryRune normalises every BMP rune alone and between ideographs.
func TestEveryRune(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		for _, s := range []string{string(r), "挂" + string(r) + "证", "1" + string(r) + "a"} {
			x := testN.Normalize(s)
			if !utf8.ValidString(x.Norm) {
				t.Fatalf("%U: invalid Norm %q", r, x.Norm)
			}
			checkMap(t, x)
		}
	}
}

func TestT2SData(t *testing.T) {
	m, err := t2sTable()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) < 3000 {
		t.Errorf("only %d traditional→simplified pairs", len(m))
	}
	for tr, want := range map[rune]rune{'掛': '挂', '證': '证', '師': '师', '資': '资', '質': '质', '徵': '征', '薦': '荐', '乾': '干', '髮': '发', '後': '后', '裡': '里'} {
		if m[tr] != want {
			t.Errorf("t2s[%c] = %c, want %c", tr, m[tr], want)
		}
	}
	for k, v := range m {
		if w, ok := m[v]; ok {
			t.Errorf("chain %c → %c → %c: converting twice would change the text", k, v, w)
		}
	}
	if m['薴'] != '苎' {
		t.Errorf("t2s[薴] = %c, want 苎 (through 苧)", m['薴'])
	}
	for _, simp := range "挂证据著么了于" {
		if _, ok := m[simp]; ok {
			t.Errorf("simplified %c is mapped to %c", simp, m[simp])
		}
	}
}

func TestConcurrent(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				x := New().Normalize("掛 證 ➕V：１３８ ００１３ ８０００")
				if x.Norm != "挂证 +v:138 0013 8000" {
					t.Errorf("Norm = %q", x.Norm)
				}
			}
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// checkMap verifies the invariants of the offset map on every range
// boundary pair of a short text (or a sample of a long one).
func checkMap(t *testing.T, x *Text) {
	t.Helper()
	if err := mapInvariants(x); err != "" {
		t.Errorf("%q → %q: %s", x.Orig, x.Norm, err)
	}
}

func TestCueEmoji(t *testing.T) {
	n := New()
	for in, want := range map[string]string{"🐧 123456": "企鹅123456", "☎13812345678": "电话13812345678", "📞 0592": "电话0592", "挂🔥证": "挂证"} {
		txt := n.Normalize(in)
		if txt.Norm != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, txt.Norm, want)
		}
		if s, e := txt.OrigRange(0, len(txt.Norm)); s != 0 || e != len(in) {
			t.Errorf("OrigRange of %q = %d,%d", in, s, e)
		}
	}
}
