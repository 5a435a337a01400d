package extract

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify/normalize"
)

var (
	setupOnce sync.Once
	testX     *Extractor
	testNorm  *normalize.Normalizer
)

func setup(tb testing.TB) (*Extractor, *normalize.Normalizer) {
	tb.Helper()
	setupOnce.Do(func() {
		f, err := os.Open("../../rules/default/certs.txt")
		if err != nil {
			panic(err)
		}
		defer f.Close()
		ct, err := ParseCertTable("certs.txt", f)
		if err != nil {
			panic(err)
		}
		testX, testNorm = New(ct), normalize.New()
	})
	return testX, testNorm
}

// contactStrings renders contacts as "kind:value" (+"*" when obfuscated)
// with the original span text: kind:value*@span.
func contactStrings(cs []guazheng.Contact) []string {
	var out []string
	for _, c := range cs {
		o := ""
		if c.Obfuscated {
			o = "*"
		}
		out = append(out, fmt.Sprintf("%s:%s%s@%s", c.Kind, c.Value, o, c.Span.Text))
	}
	return out
}

// checkSpans verifies that every span is the original text it claims.
func checkSpans(t *testing.T, orig string, spans []guazheng.Span) {
	t.Helper()
	for _, s := range spans {
		if s.Start < 0 || s.End > len(orig) || s.Start > s.End || orig[s.Start:s.End] != s.Text || s.Field != "" {
			t.Errorf("bad span %+v of %q", s, orig)
		}
	}
}

func contactsOf(t *testing.T, in string, kind guazheng.ContactKind) []string {
	t.Helper()
	x, n := setup(t)
	cs := x.Contacts(n.Normalize(in))
	var spans []guazheng.Span
	var keep []guazheng.Contact
	for _, c := range cs {
		spans = append(spans, c.Span)
		if kind == "" || c.Kind == kind {
			keep = append(keep, c)
		}
	}
	checkSpans(t, in, spans)
	return contactStrings(keep)
}

func eq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPhones(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain mobile", "电话13800138000", []string{"phone:13800138000@13800138000"}},
		{"mobile 3-4-4 spaces", "电话：138 0013 8000。", []string{"phone:13800138000@138 0013 8000"}},
		{"mobile 3-4-4 dashes", "tel 138-0013-8000", []string{"phone:13800138000@138-0013-8000"}},
		{"+86", "+86 138 0013 8000", []string{"phone:13800138000@+86 138 0013 8000"}},
		{"+86 glued", "+8613800138000", []string{"phone:13800138000@+8613800138000"}},
		{"0086", "0086-13800138000", []string{"phone:13800138000@0086-13800138000"}},
		{"86 prefix", "86 13800138000", []string{"phone:13800138000@86 13800138000"}},
		{"landline brackets", "座机(0371)65432100", []string{"phone:037165432100@(0371)65432100"}},
		{"landline full-width brackets", "座机（0371）65432100", []string{"phone:037165432100@（0371）65432100"}},
		{"landline dash", "0371-65432100", []string{"phone:037165432100@0371-65432100"}},
		{"landline 7 digits", "0391-6543210", []string{"phone:03916543210@0391-6543210"}},
		{"landline beijing", "010-62345678", []string{"phone:01062345678@010-62345678"}},
		{"landline glued", "037165432100", []string{"phone:037165432100@037165432100"}},
		{"landline split local", "0371-6543-2100", []string{"phone:037165432100@0371-6543-2100"}},
		{"400 number", "热线400-820-8820", []string{"phone:4008208820@400-820-8820"}},
		{"800 number", "800 820 8820", []string{"phone:8008208820@800 820 8820"}},
		{"full-width", "１３８ ００１３ ８０００", []string{"phone:13800138000*@１３８ ００１３ ８０００"}},
		{"circled", "①③⑧⓪⓪①③⑧⓪⓪⓪", []string{"phone:13800138000*@①③⑧⓪⓪①③⑧⓪⓪⓪"}},
		{"parenthesised", "⑴⑶⑻⑽⑽⑴⑶⑻⑽⑽⑽", nil}, // ⑽ is ten, not zero: no phone
		{"parenthesised digits", "⑴⑶⑻0 0⑴⑶⑻0 0 0", nil},
		{"math bold", "𝟭𝟯𝟴𝟬𝟬𝟭𝟯𝟴𝟬𝟬𝟬", []string{"phone:13800138000*@𝟭𝟯𝟴𝟬𝟬𝟭𝟯𝟴𝟬𝟬𝟬"}},
		{"chinese numerals", "电话一三八零零一三八零零零", []string{"phone:13800138000*@一三八零零一三八零零零"}},
		{"幺", "幺三八零零幺三八零零零", []string{"phone:13800138000*@幺三八零零幺三八零零零"}},
		{"financial numerals", "壹叁捌零零壹叁捌零零零", []string{"phone:13800138000*@壹叁捌零零壹叁捌零零零"}},
		{"traditional financial", "壹叁捌零零壹叁捌零零零", []string{"phone:13800138000*@壹叁捌零零壹叁捌零零零"}},
		{"两 and 〇", "幺三八〇〇幺三八两两两", []string{"phone:13800138222*@幺三八〇〇幺三八两两两"}},
		{"mixed scripts", "幺三八 0013 ⑧⓪⓪⓪", []string{"phone:13800138000*@幺三八 0013 ⑧⓪⓪⓪"}},
		{"split by emoji", "138🔥0013🔥8000", []string{"phone:13800138000*@138🔥0013🔥8000"}},
		{"split by dots", "138.0013.8000", []string{"phone:13800138000*@138.0013.8000"}},
		{"split by zero-width", "138\u200b0013\u200b8000", []string{"phone:13800138000*@138\u200b0013\u200b8000"}},
		{"every digit spaced", "1 3 8 0 0 1 3 8 0 0 0", []string{"phone:13800138000*@1 3 8 0 0 1 3 8 0 0 0"}},
		{"keycaps", "1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣", []string{"phone:13800138000*@1️⃣3️⃣8️⃣0️⃣0️⃣1️⃣3️⃣8️⃣0️⃣0️⃣0️⃣"}},
		{"after 一建", "一建13800138000", []string{"phone:13800138000@13800138000"}},
		{"chinese numerals glued before", "二建3本13800138000", []string{"phone:13800138000@13800138000"}},
		{"two phones", "13800138000 13900139000", []string{"phone:13800138000@13800138000", "phone:13900139000@13900139000"}},
		{"two phones slash", "13800138000/13900139000", []string{"phone:13800138000@13800138000", "phone:13900139000@13900139000"}},
		{"landline and mobile", "0371-65432100 13800138000", []string{"phone:037165432100@0371-65432100", "phone:13800138000@13800138000"}},
		{"dedup", "13800138000，再说一遍13800138000", []string{"phone:13800138000@13800138000"}},
		{"v prefix", "v13800138000", []string{"phone:13800138000@13800138000"}},
		{"tel sign", "℡13800138000", []string{"phone:13800138000@13800138000"}},
		// hard negatives
		{"price", "价格12000元/年，2000/月，8000-12000", nil},
		{"big price", "年薪138000元", nil},
		{"date", "2023年12月12日 20231212 2023-12-12 2023.12.12", nil},
		{"date list", "1998.10.12 2023.1.1", nil},
		{"id number", "身份证410105199001011234", nil},
		{"id number with x", "41010519900101123x", nil},
		{"certificate number", "证书编号:13501234567", nil},
		{"registration number", "注册号 豫141171812345", nil},
		{"order number", "订单号：13812345678", nil},
		{"cert number long", "豫1412014201512345", nil},
		{"wechat id with digits", "zhang13800138000", nil},
		{"email local part", "13800138000@163.com", nil},
		{"percent", "13800138000%", nil},
		{"amount", "13800138000元", nil},
		{"一建 二建 三年", "一建二建三年一签，一二三四五六七八九十", nil},
		{"too short", "138001380", nil},
		{"too long", "138001380001", nil},
		{"not a mobile prefix", "12800138000", nil},
		{"decimals", "1.5 2.5 3.5 4.5 5.5 6.5", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := contactsOf(t, tc.in, guazheng.ContactPhone)
			if !eq(got, tc.want) {
				t.Errorf("phones of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestWeChat(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"微信", "微信：zhang_gz2023", []string{"wechat:zhang_gz2023@zhang_gz2023"}},
		{"微信号", "微信号zhang_gz2023", []string{"wechat:zhang_gz2023@zhang_gz2023"}},
		{"wechat", "WeChat: Zhang_GZ2023", []string{"wechat:zhang_gz2023@Zhang_GZ2023"}},
		{"薇信", "薇信：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"威信", "威信 hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"徽信", "徽信:hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"微", "微:hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"薇", "加薇hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"V信", "V信：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"v colon", "v:hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"V space", "加V hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"vx", "VX：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"vx号", "vx号:hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"wx", "wx hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"加v", "加v：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"+v", "+v hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"➕V", "➕V：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"扣v", "扣v:hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"绿泡泡", "绿泡泡：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"full-width id", "微信：ｈｒｊｚ８８６６", []string{"wechat:hrjz8866*@ｈｒｊｚ８８６６"}},
		{"id with dash", "微信:gz-hr_2023", []string{"wechat:gz-hr_2023@gz-hr_2023"}},
		{"id ends the sentence", "微信hrjz8866。", []string{"wechat:hrjz8866@hrjz8866"}},
		{"phone after cue", "微信：13800138000", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"phone after v", "V:138 0013 8000", []string{"phone:13800138000@138 0013 8000", "wechat:13800138000*@138 0013 8000"}},
		{"微信同号 after", "电话13800138000（微信同号）", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"同V after", "13800138000 同V", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"v同号 after", "13800138000v同号", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"电话微信同号 before", "电话微信同号：13800138000", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"电话/微信 before", "电话/微信:13800138000", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"微信/电话 before", "微信/电话：13800138000", []string{"phone:13800138000@13800138000", "wechat:13800138000@13800138000"}},
		{"traditional cue", "微信號：hrjz8866", []string{"wechat:hrjz8866*@hrjz8866"}},
		{"spaced id", "加wx：s h z 2 0 2 3", []string{"wechat:shz2023*@s h z 2 0 2 3"}},
		{"label before colon", "加微信详细聊：sc_zhengshu99", []string{"wechat:sc_zhengshu99@sc_zhengshu99"}},
		{"V 信 spaced", "或加 V 信 chucai_hr", []string{"wechat:chucai_hr*@chucai_hr"}},
		// hard negatives: no cue, or not an id
		{"vip", "VIP会员 version 1.2 ip地址 vipuser", nil},
		{"vxabc", "vxabc123", nil},
		{"wxid without cue", "wxid_abc12345", []string{"wechat:wxid_abc12345*@wxid_abc12345"}},
		{"underscore id without cue", "价格私聊，zzhg_2019 不是中介", []string{"wechat:zzhg_2019*@zzhg_2019"}},
		{"bracketed cue after", "请添加班主任：jkb_teacher（微信）", []string{"wechat:jkb_teacher*@jkb_teacher"}},
		{"bracketed cue after a plain id", "zhangsan2023(vx)", []string{"wechat:zhangsan2023*@zhangsan2023"}},
		{"name then 同V", "📞186-3827-1904 陈老师（同V）", []string{"phone:18638271904@186-3827-1904", "wechat:18638271904@186-3827-1904"}},
		{"或者vx同号", "有意电话 189 - 9107 - 5264，或者vx同号", []string{"phone:18991075264@189 - 9107 - 5264", "wechat:18991075264@189 - 9107 - 5264"}},
		{"或 加VX同号", "联系电话：13979142865 或 加VX同号", []string{"phone:13979142865@13979142865", "wechat:13979142865@13979142865"}},
		{"微信一样", "电话13897946613，微信一样的", []string{"phone:13897946613@13897946613", "wechat:13897946613@13897946613"}},
		{"phone in pairs", "V 信 同 号 13 80 29 47 16 3", []string{"phone:13802947163*@13 80 29 47 16 3", "wechat:13802947163*@13 80 29 47 16 3"}},
		{"forum byline is no id", "楼主 ah_jianzao 2018-05-19 21:47", nil},
		{"user name before a floor", "ss_wei1989\n3楼 2022-09-02 13:05", nil},
		{"file name is no id", "附件 scan_2023.jpg 和 http://x.cn/a_b2023/ 路径", nil},
		{"snake words without letters after", "a_1234567", nil},
		{"plain word", "hello world zhangsan2023", nil},
		{"稍微", "稍微好一点abc", nil},
		{"short id", "微信:abc12", nil},
		{"too long id", "微信:abcdefghijklmnopqrstu", nil},
		{"email is not an id", "微信:wanghr2023@163.com", nil},
		{"cue then chinese", "微信联系我", nil},
		{"phone without cue", "电话13800138000", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range contactsOf(t, tc.in, "") {
				if strings.HasPrefix(c, "wechat:") || strings.HasPrefix(c, "phone:") && len(tc.want) > 0 && strings.HasPrefix(tc.want[0], "phone:") {
					got = append(got, c)
				}
			}
			if !eq(got, tc.want) {
				t.Errorf("wechat of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestQQ(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"qq", "QQ：12345678", []string{"qq:12345678@12345678"}},
		{"qq号", "qq号 123456789", []string{"qq:123456789@123456789"}},
		{"扣扣", "扣扣12345678", []string{"qq:12345678*@12345678"}},
		{"企鹅", "企鹅：12345678", []string{"qq:12345678*@12345678"}},
		{"hotline after a cue", "可拨打12345政务服务便民热线", []string{"phone:12345@12345"}},
		{"hotline label", "举报电话：12319。", []string{"phone:12319@12319"}},
		{"five digits without a cue", "编号12399的项目", nil},
		{"known hotline without a cue", "我打了12345转到住建局，再去12315投诉", []string{"phone:12345@12345", "phone:12315@12315"}},
		{"amount is no hotline", "年费12345元", nil},
		{"labelled number is no hotline", "证书编号：12345", nil},
		{"same-number cue inside a bracket", "联系我：15830127645（我本人电话，微信同号）", []string{"phone:15830127645@15830127645", "wechat:15830127645@15830127645"}},
		{"mobile one digit at a time, dashes 3-4-4", "唯一社保可配合。1 3 5 - 1 0 2 7 - 4 8 3 9", []string{"phone:13510274839*@1 3 5 - 1 0 2 7 - 4 8 3 9"}},
		{"mobile in mixed groups after a cue", "长沙 电话 ①⑧⑨ 7 3 1 ⑥⓪ 2 4 8", []string{"phone:18973160248*@①⑧⑨ 7 3 1 ⑥⓪ 2 4 8"}},
		{"mixed groups without a cue are no phone", "编号 1 8 9 7 3 1 60 2 4 8", nil},
		{"威同号", "137 2801 9463 威同号", []string{"phone:13728019463@137 2801 9463", "wechat:13728019463@137 2801 9463"}},
		{"landline one digit at a time", "电话：0 7 5 5 - 2 6 4 1 8 9 3 7", []string{"phone:075526418937*@0 7 5 5 - 2 6 4 1 8 9 3 7"}},
		{"扣 and a colon", "价格面议。扣：幺五八二六三九四七零", []string{"qq:1582639470*@幺五八二六三九四七零"}},
		{"qq split 4-4-1", "扣扣 6382 9104 5", []string{"qq:638291045*@6382 9104 5"}},
		{"qq split by dots is a list", "qq 1.5 2.5 3.5 4.5 5", nil},
		{"qq bracketed after", "2093817465(QQ)", []string{"qq:2093817465@2093817465"}},
		{"球球", "球球 12345678", []string{"qq:12345678*@12345678"}},
		{"q", "Q:12345678", []string{"qq:12345678*@12345678"}},
		{"q群", "Q群：123456789", []string{"qq:123456789*@123456789"}},
		{"qq群", "QQ群 123456789", []string{"qq:123456789@123456789"}},
		{"群号", "兼职群号:987654321", []string{"qq:987654321*@987654321"}},
		{"parenthesised digits", "扣扣：⑴⑵⑶⑷⑸⑹⑺⑻", []string{"qq:12345678*@⑴⑵⑶⑷⑸⑹⑺⑻"}},
		{"financial numerals", "企鹅群：壹贰叁肆伍陆柒捌", []string{"qq:12345678*@壹贰叁肆伍陆柒捌"}},
		{"full-width", "ＱＱ：１２３４５６７８", []string{"qq:12345678*@１２３４５６７８"}},
		{"five digits", "qq 10001", []string{"qq:10001@10001"}},
		{"eleven digits, not a phone", "QQ:13800138000", []string{"qq:13800138000@13800138000"}},
		{"qq then phone", "QQ:12345678 13800138000", []string{"qq:12345678@12345678", "phone:13800138000@13800138000"}},
		{"qq email", "邮箱12345678@qq.com", []string{"email:12345678@qq.com@12345678@qq.com", "qq:12345678@12345678"}},
		{"qq同号 after phone", "13800138000 QQ同号", []string{"phone:13800138000@13800138000", "qq:13800138000@13800138000"}},
		{"qq/电话", "QQ/电话:13800138000", []string{"qq:13800138000@13800138000", "phone:13800138000@13800138000"}},
		{"扣 with spaced digits", "要的扣 2 7 4 6 1 9 3 8 5", []string{"qq:274619385*@2 7 4 6 1 9 3 8 5"}},
		{"q我", "有意q我3061847529", []string{"qq:3061847529*@3061847529"}},
		{"群", "河南群 528163047", []string{"qq:528163047*@528163047"}},
		{"群主", "有问题找群主𝟭𝟱𝟲𝟯𝟮𝟴𝟳𝟳𝟰𝟬", []string{"qq:1563287740*@𝟭𝟱𝟲𝟯𝟮𝟴𝟳𝟳𝟰𝟬"}},
		{"同上", "QQ同上 2874530196", []string{"qq:2874530196@2874530196"}},
		// negatives
		{"four digits", "qq:1234", nil},
		{"扣 then words", "扣证3本，扣了12345678", nil},
		{"群 then words", "本群规则，群 说明", nil},
		{"twelve digits", "qq:123456789012", nil},
		{"no cue", "12345678", nil},
		{"faq", "faq12345678", nil},
		{"qq word", "qq空间", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := contactsOf(t, tc.in, "")
			var keep []string
			for _, c := range got {
				if !strings.HasPrefix(c, "company:") {
					keep = append(keep, c)
				}
			}
			if !eq(keep, tc.want) {
				t.Errorf("contacts of %q = %q, want %q", tc.in, keep, tc.want)
			}
		})
	}
}

func TestEmail(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain", "邮箱：Wang_HR2023@163.com。", []string{"email:wang_hr2023@163.com@Wang_HR2023@163.com"}},
		{"subdomain", "hr@mail.zz-jianshe.com.cn", []string{"email:hr@mail.zz-jianshe.com.cn@hr@mail.zz-jianshe.com.cn"}},
		{"hash", "zhanggz#163.com", []string{"email:zhanggz@163.com*@zhanggz#163.com"}},
		{"(at)", "zhanggz(at)qq.com", []string{"email:zhanggz@qq.com*@zhanggz(at)qq.com"}},
		{"[at]", "zhanggz[at]qq.com", []string{"email:zhanggz@qq.com*@zhanggz[at]qq.com"}},
		{"艾特", "zhanggz艾特qq.com", []string{"email:zhanggz@qq.com*@zhanggz艾特qq.com"}},
		{"at words", "zhanggz at qq dot com", []string{"email:zhanggz@qq.com*@zhanggz at qq dot com"}},
		{"点", "zhanggz@qq点com", []string{"email:zhanggz@qq.com*@zhanggz@qq点com"}},
		{"full-width at", "ｚｈａｎｇ＠ｑｑ．ｃｏｍ", []string{"email:zhang@qq.com*@ｚｈａｎｇ＠ｑｑ．ｃｏｍ"}},
		{"trailing dot", "写信到a.b@x.org.", []string{"email:a.b@x.org@a.b@x.org"}},
		// negatives
		{"hashtag", "#挂证# #一建#", nil},
		{"c#", "会c#.net开发", nil},
		{"disguised unknown tld", "name#abc.xyz", nil},
		{"no domain", "name@", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := contactsOf(t, tc.in, guazheng.ContactEmail)
			if !eq(got, tc.want) {
				t.Errorf("emails of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCompanies(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"有限公司", "郑州华建人力资源服务有限公司长期收证", []string{"郑州华建人力资源服务有限公司"}},
		{"trim 本", "本郑州华建建筑劳务有限公司诚聘", []string{"郑州华建建筑劳务有限公司"}},
		{"trim 我司", "我司河南宏远企业管理咨询有限公司", []string{"河南宏远企业管理咨询有限公司"}},
		{"trim 联系", "欢迎联系郑州华建人力资源服务有限公司", []string{"郑州华建人力资源服务有限公司"}},
		{"trim 由", "由河南宏远建筑工程有限公司承办", []string{"河南宏远建筑工程有限公司"}},
		{"after colon", "公司名称：河南宏远建筑工程有限公司", []string{"河南宏远建筑工程有限公司"}},
		{"诚聘", "诚聘河南宏远建筑工程有限公司", []string{"河南宏远建筑工程有限公司"}},
		{"有限责任公司", "北京中建联合有限责任公司", []string{"北京中建联合有限责任公司"}},
		{"集团", "中铁建工集团", []string{"中铁建工集团"}},
		{"集团有限公司 once", "河南省第二建设集团有限公司成立", []string{"河南省第二建设集团有限公司"}},
		{"分公司", "中建八局第一建设有限公司郑州分公司", []string{"中建八局第一建设有限公司郑州分公司"}},
		{"人力资源服务中心", "郑东新区众诚人力资源服务中心", []string{"郑东新区众诚人力资源服务中心"}},
		{"人才网", "欢迎访问中国建筑人才网", []string{"中国建筑人才网"}},
		{"咨询服务部", "金水区宏达咨询服务部", []string{"金水区宏达咨询服务部"}},
		{"工作室", "老王证书工作室", []string{"老王证书工作室"}},
		{"事务所", "华信会计师事务所", []string{"华信会计师事务所"}},
		{"资质代办", "郑州宏达资质代办，一站式", []string{"郑州宏达资质代办"}},
		{"traditional", "鄭州華建人力資源服務有限公司", []string{"郑州华建人力资源服务有限公司"}},
		{"brackets", "宏远(河南)建筑工程有限公司", []string{"宏远(河南)建筑工程有限公司"}},
		// negatives
		{"generic", "某建筑劳务有限公司，本公司，我公司，贵公司", nil},
		{"only generic words", "大型建筑施工企业有限公司", nil},
		{"plain 公司 short", "建筑公司急需", nil},
		{"十余家分公司", "下属十余家分公司", nil},
		{"placeholder", "XX人力资源有限公司", nil},
		{"prose 集团公司", "但公司社保一直由集团公司统一缴纳，企业应提供集团公司证明", nil},
		{"prose 我公司", "社保能转到我公司，老板说证要注册到公司", nil},
		{"unpaired bracket", "有10年以上工程管理经历证明（可由公司协助整理）", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, n := setup(t)
			var got []string
			for _, c := range x.Contacts(n.Normalize(tc.in)) {
				if c.Kind == guazheng.ContactCompany {
					got = append(got, c.Value)
					checkSpans(t, tc.in, []guazheng.Span{c.Span})
				}
			}
			if !eq(got, tc.want) {
				t.Errorf("companies of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func certStrings(cs []guazheng.Cert) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label()+"@"+c.Span.Text)
	}
	return out
}

func TestCerts(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"一建", "收一建", []string{"一级建造师@一建"}},
		{"一级建造师", "一级建造师", []string{"一级建造师@一级建造师"}},
		{"traditional", "一級建造師", []string{"一级建造师@一級建造師"}},
		{"split", "一 . 建", []string{"一级建造师@一 . 建"}},
		{"spec glued", "一建市政", []string{"一级建造师/市政@一建市政"}},
		{"spec brackets", "一级建造师（市政）", []string{"一级建造师/市政@一级建造师（市政）"}},
		{"spec dash", "二建-机电", []string{"二级建造师/机电@二建-机电"}},
		{"spec before", "市政一建", []string{"一级建造师/市政@市政一建"}},
		{"two specs", "一建 市政+公路", []string{"一级建造师/市政@一建 市政", "一级建造师/公路@一建 市政+公路"}},
		{"spec list", "二建建筑、市政、机电", []string{"二级建造师/建筑@二建建筑", "二级建造师/市政@二建建筑、市政", "二级建造师/机电@二建建筑、市政、机电"}},
		{"spec alias", "一建房建 一建港航 一建水利 一建通信", []string{"一级建造师/建筑@一建房建", "一级建造师/港口与航道@一建港航", "一级建造师/水利水电@一建水利", "一级建造师/通信与广电@一建通信"}},
		{"spec full names", "一级建造师港口与航道工程专业", []string{"一级建造师/港口与航道@一级建造师港口与航道工程专业"}},
		{"spec 民航 铁路 矿业", "一建民航、铁路、矿业", []string{"一级建造师/民航@一建民航", "一级建造师/铁路@一建民航、铁路", "一级建造师/矿业@一建民航、铁路、矿业"}},
		{"二建 has no 铁路", "二建铁路", []string{"二级建造师@二建"}},
		{"一二建", "一二建均可", []string{"一级建造师@一二建", "二级建造师@一二建"}},
		{"造价", "一造土建，二造安装，一造交通，二造水利", []string{"一级造价工程师/土建@一造土建", "二级造价工程师/安装@二造安装", "一级造价工程师/交通运输@一造交通", "二级造价工程师/水利@二造水利"}},
		{"监理 总监", "监理工程师、总监", []string{"监理工程师@监理工程师", "总监理工程师@总监"}},
		{"注册监理 spec", "注册监理（房建）", []string{"监理工程师/房屋建筑@注册监理（房建）"}},
		{"注册建筑师", "一注、二注、一级注册建筑师", []string{"一级注册建筑师@一注", "二级注册建筑师@二注"}},
		{"结构", "一注结构 二注结构", []string{"一级注册结构工程师@一注结构", "二级注册结构工程师@二注结构"}},
		{"岩土", "注册岩土工程师", []string{"注册岩土工程师@注册岩土工程师"}},
		{"电气", "注册电气工程师（供配电）、发输变电", []string{"注册电气工程师/供配电@注册电气工程师（供配电）", "注册电气工程师/发输变电@发输变电"}},
		{"公用设备", "注册公用设备工程师给水排水、暖通空调、动力", []string{"注册公用设备工程师/给水排水@注册公用设备工程师给水排水", "注册公用设备工程师/暖通空调@注册公用设备工程师给水排水、暖通空调", "注册公用设备工程师/动力@注册公用设备工程师给水排水、暖通空调、动力"}},
		{"化工", "注册化工工程师", []string{"注册化工工程师@注册化工工程师"}},
		{"土木", "注册土木工程师（道路）、注册土木（港航）、注册土木水利", []string{"注册土木工程师/道路工程@注册土木工程师（道路）", "注册土木工程师/港口与航道工程@注册土木（港航）", "注册土木工程师/水利水电工程@注册土木水利"}},
		{"注安", "注安 注册安全工程师", []string{"注册安全工程师@注安"}},
		{"消防", "一消二消", []string{"一级注册消防工程师@一消", "二级注册消防工程师@二消"}},
		{"咨询", "注册咨询工程师（投资）", []string{"注册咨询工程师（投资）@注册咨询工程师（投资）"}},
		{"环评", "环评工程师", []string{"环境影响评价工程师@环评工程师"}},
		{"安全员 abc", "安全员ABC证", []string{"安全员/A@安全员A", "安全员/B@安全员AB", "安全员/C@安全员ABC证"}},
		{"a证", "A证B证C证", []string{"安全员/A@A证", "安全员/B@B证", "安全员/C@C证"}},
		{"c1 c2 c3", "安全员C1、C2、C3", []string{"安全员/C1@安全员C1", "安全员/C2@安全员C1、C2", "安全员/C3@安全员C1、C2、C3"}},
		{"三类人员", "三类人员", []string{"三类人员@三类人员"}},
		{"八大员", "八大员：施工员、质量员、安全员、标准员、材料员、机械员、劳务员、资料员", []string{
			"八大员@八大员", "施工员@施工员", "质量员@质量员", "安全员@安全员", "标准员@标准员", "材料员@材料员",
			"机械员@机械员", "劳务员@劳务员", "资料员@资料员"}},
		{"职称", "中级职称、高级工程师、中高级职称", []string{"中级工程师@中级职称", "高级工程师@高级工程师"}},
		{"职称 spec", "高级工程师（市政）", []string{"高级工程师/市政@高级工程师（市政）"}},
		// hard negatives
		{"统一建设", "统一建设标准，唯一建议", nil},
		{"第二建设", "河南省第二建设集团", nil},
		{"关注安全", "请关注安全生产", nil},
		{"注意", "一注意事项", nil},
		{"销售总监", "招聘销售总监", nil},
		{"高工资", "高工资待遇", nil},
		{"c1 driving licence", "有C1驾照", nil},
		{"挂证据", "挂证据说明", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, n := setup(t)
			cs := x.Certs(n.Normalize(tc.in))
			var spans []guazheng.Span
			for _, c := range cs {
				spans = append(spans, c.Span)
			}
			checkSpans(t, tc.in, spans)
			if got := certStrings(cs); !eq(got, tc.want) {
				t.Errorf("certs of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func priceStrings(ps []guazheng.Price) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%g|%s|%s@%s", p.Yuan, p.Period, p.Text, p.Span.Text))
	}
	return out
}

func TestPrices(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"万/年", "一建3万/年", []string{"30000|年|3万/年@3万/年"}},
		{"w一年", "3w一年", []string{"30000|年|3万/年@3w一年"}},
		{"W/年", "3.5W/年", []string{"35000|年|3.5万/年@3.5W/年"}},
		{"三万一年", "三万一年", []string{"30000|年|3万/年@三万一年"}},
		{"两年7万", "两年7万", []string{"70000|2年|7万/2年@两年7万"}},
		{"两年七万", "两年七万", []string{"70000|2年|7万/2年@两年七万"}},
		{"3年12个", "3年12个", []string{"120000|3年|12万/3年@3年12个"}},
		{"12个/年", "12个/年", []string{"120000|年|12万/年@12个/年"}},
		{"元/年", "12000元/年", []string{"12000|年|12000元/年@12000元/年"}},
		{"bare /月", "2000/月", []string{"2000|月|2000元/月@2000/月"}},
		{"到手价", "到手价2.8万", []string{"28000||2.8万@2.8万"}},
		{"到手价 bare", "到手价28000", []string{"28000||28000元@28000"}},
		{"年薪", "年薪5万", []string{"50000|年|5万/年@年薪5万"}},
		{"月薪", "月薪8000", []string{"8000|月|8000元/月@月薪8000"}},
		{"range", "1.2-1.5万/年", []string{"12000|年|1.2-1.5万/年@1.2-1.5万/年"}},
		{"range tilde", "1.2~1.5万一年", []string{"12000|年|1.2-1.5万/年@1.2~1.5万一年"}},
		{"range unit twice", "1.5万-2万/年", []string{"15000|年|1.5-2万/年@1.5万-2万/年"}},
		{"salary k", "8-15K/月", []string{"8000|月|8-15千/月@8-15K/月"}},
		{"3万5", "3万5一年", []string{"35000|年|3.5万/年@3万5一年"}},
		{"两万五", "两万五一年", []string{"25000|年|2.5万/年@两万五一年"}},
		{"万元", "2万元/年", []string{"20000|年|2万/年@2万元/年"}},
		{"no period", "一建市政3万", []string{"30000||3万@3万"}},
		{"two years slash", "7万/2年", []string{"70000|2年|7万/2年@7万/2年"}},
		{"every year before", "每年3万", []string{"30000|年|3万/年@每年3万"}},
		{"traditional", "兩年7萬", []string{"70000|2年|7万/2年@兩年7萬"}},
		{"full-width", "３．５万／年", []string{"35000|年|3.5万/年@３．５万／年"}},
		{"several", "一建3万/年，二建1.5万/年，一建3万/年", []string{"30000|年|3万/年@3万/年", "15000|年|1.5万/年@1.5万/年"}},
		{"到手 in 万", "一建建筑 到手2.9", []string{"29000||2.9万@2.9"}},
		{"一千五", "一年一千五", []string{"1500|年|1.5千/年@一年一千五"}},
		{"cue in brackets", "【待遇】5000-6000", []string{"5000||5000-6000元@5000-6000"}},
		{"list of periods", "二建建筑 两年2.3万 三年3.3万", []string{"23000|2年|2.3万/2年@两年2.3万", "33000|3年|3.3万/3年@三年3.3万"}},
		{"contract term is not a period", "一年壹萬 兩年一簽", []string{"10000|年|1万/年@一年壹萬"}},
		{"no extra digit across scripts", "一年4.5W一起", []string{"45000|年|4.5万/年@一年4.5W"}},
		{"period across a space", "3万 一年", []string{"30000|年|3万/年@3万 一年"}},
		// negatives
		{"面议", "价格面议", nil},
		{"years", "2023年，三年合同，一年一签", nil},
		{"people", "3万人 2万平方 5千米", nil},
		{"months", "3个月 2个项目", nil},
		{"phone", "13800138000", nil},
		{"date", "2023年12月12日", nil},
		{"bare number", "共有12000", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, n := setup(t)
			ps := x.Prices(n.Normalize(tc.in))
			var spans []guazheng.Span
			for _, p := range ps {
				spans = append(spans, p.Span)
			}
			checkSpans(t, tc.in, spans)
			if got := priceStrings(ps); !eq(got, tc.want) {
				t.Errorf("prices of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestQuantities(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"本", "收一建3本", []string{"3本@3本"}},
		{"名", "急需二建2名", []string{"2名@2名"}},
		{"两个", "一建市政需要两个", []string{"2个@两个"}},
		{"若干名", "招一建若干名", []string{"0名@若干名"}},
		{"数名", "收二建数名", []string{"0名@数名"}},
		{"人", "需要注安3人", []string{"3人@3人"}},
		{"套", "收八大员2套", []string{"2套@2套"}},
		{"位", "急需一建2位", []string{"2位@2位"}},
		{"chinese", "收二建三本", []string{"3本@三本"}},
		{"full-width", "收一建３本", []string{"3本@３本"}},
		{"十本", "一建十本", []string{"10本@十本"}},
		{"20余人", "急招安全员20余人", []string{"20人@20余人"}},
		// negatives
		{"months", "3个月 2个项目 5个小时", nil},
		{"第一名", "第一名", nil},
		{"一本", "一本大学 要求一本以上学历", nil},
		{"price slang", "3年12个", nil},
		{"no context", "今天来了3个", nil},
		{"人民", "3人民币", nil},
		{"phone", "13800138000本", nil},
		{"everyday 一个 一位", "一位业内人士说，多个平台都有，一个都没见过", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, n := setup(t)
			qs := x.Quantities(n.Normalize(tc.in))
			var got []string
			var spans []guazheng.Span
			for _, q := range qs {
				got = append(got, fmt.Sprintf("%d%s@%s", q.Count, q.Unit, q.Span.Text))
				spans = append(spans, q.Span)
			}
			checkSpans(t, tc.in, spans)
			if !eq(got, tc.want) {
				t.Errorf("quantities of %q = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestAd runs every extractor on a whole obfuscated ad.
func TestAd(t *testing.T) {
	x, n := setup(t)
	ad := "🔥高价收⭐一 建⭐ 急需一建市政➕公路各两本，價格：3.5w/年，兩年7万。聯繫電話：①③⑧ ⓪⓪①③ ⑧⓪⓪⓪（微信同号），扣扣：⑴⑵⑶⑷⑸⑹⑺⑻。郑州华建人力资源服务有限公司"
	tx := n.Normalize(ad)
	got := contactStrings(x.Contacts(tx))
	want := []string{
		"phone:13800138000*@①③⑧ ⓪⓪①③ ⑧⓪⓪⓪",
		"wechat:13800138000*@①③⑧ ⓪⓪①③ ⑧⓪⓪⓪",
		"qq:12345678*@⑴⑵⑶⑷⑸⑹⑺⑻",
		"company:郑州华建人力资源服务有限公司@郑州华建人力资源服务有限公司",
	}
	if !eq(got, want) {
		t.Errorf("contacts = %q\nwant %q", got, want)
	}
	if got, want := certStrings(x.Certs(tx)), []string{"一级建造师@一 建", "一级建造师/市政@一建市政", "一级建造师/公路@一建市政➕公路"}; !eq(got, want) {
		t.Errorf("certs = %q, want %q", got, want)
	}
	if got, want := priceStrings(x.Prices(tx)), []string{"35000|年|3.5万/年@3.5w/年", "70000|2年|7万/2年@兩年7万"}; !eq(got, want) {
		t.Errorf("prices = %q, want %q", got, want)
	}
	var qs []string
	for _, q := range x.Quantities(tx) {
		qs = append(qs, fmt.Sprintf("%d%s@%s", q.Count, q.Unit, q.Span.Text))
	}
	if want := []string{"2本@两本"}; !eq(qs, want) {
		t.Errorf("quantities = %q, want %q", qs, want)
	}
}

func TestOrderOfAppearance(t *testing.T) {
	x, n := setup(t)
	cs := x.Contacts(n.Normalize("微信hrjz8866 电话13800138000 qq:12345678 a@b.com 宏远科技建设有限公司 13900139000"))
	starts := make([]int, len(cs))
	for i, c := range cs {
		starts[i] = c.Span.Start
	}
	if !sort.IntsAreSorted(starts) || len(cs) != 6 {
		t.Errorf("contacts not in order: %v", contactStrings(cs))
	}
}

func TestNilCertTable(t *testing.T) {
	x := New(nil)
	n := normalize.New()
	if cs := x.Certs(n.Normalize("一建市政")); len(cs) != 0 {
		t.Errorf("certs without a table: %v", cs)
	}
	if qs := x.Quantities(n.Normalize("收3本")); len(qs) != 1 {
		t.Errorf("quantities without a table: %v", qs)
	}
}

func testNormalizer(t *testing.T) *normalize.Normalizer {
	_, n := setup(t)
	return n
}

// TestConcurrent runs every extractor from several goroutines at once (run
// with -race).
func TestConcurrent(t *testing.T) {
	x, n := setup(t)
	ad := "收一建市政3本，3万/年，电话138 0013 8000（微信同号），QQ:12345678，郑州华建人力资源服务有限公司"
	want := fmt.Sprint(x.Contacts(n.Normalize(ad)), x.Certs(n.Normalize(ad)), x.Prices(n.Normalize(ad)), x.Quantities(n.Normalize(ad)))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				tx := n.Normalize(ad)
				if got := fmt.Sprint(x.Contacts(tx), x.Certs(tx), x.Prices(tx), x.Quantities(tx)); got != want {
					t.Errorf("concurrent result differs: %s", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
