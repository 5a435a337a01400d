package sqlite

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

// htmlPage returns a realistic job-board page of about size bytes.
func htmlPage(seed, size int) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>建筑人才网 - 招聘信息</title>
<link rel="stylesheet" href="/static/css/main.css?v=20260301"><script src="/static/js/jquery.min.js"></script></head><body>
<div class="header"><a href="/">首页</a> | <a href="/jobs">招聘</a> | <a href="/resume">求职</a> | <a href="/cert">证书挂靠</a></div>`)
	i := 0
	for b.Len() < size {
		fmt.Fprintf(&b, `<div class="job-item" id="job-%d-%d"><h3><a href="/job/%d/%d.html">招聘一级建造师（市政）若干名 %d</a></h3>
<p class="company">某某建设工程有限公司（%d）</p><p class="meta">发布时间：2026-02-%02d 工作地点：广州 薪资面议</p>
<p class="desc">要求：持有一级建造师证书，无社保，配合单位资质延续，年薪%d万，联系人王经理 电话 1380013%04d。</p></div>
`, seed, i, seed, i, i, seed*31+i, i%28+1, 3+i%5, (seed*7+i)%10000)
		i++
	}
	b.WriteString(`<div class="footer">Copyright © 2026 建筑人才网 粤ICP备00000000号</div></body></html>`)
	return []byte(b.String())
}

func testCapture(site, url string, at time.Time, body []byte) *guazheng.Capture {
	return &guazheng.Capture{
		Site: site, Method: "GET", URL: url, FinalURL: url, Proto: "HTTP/1.1",
		RequestHeader: http.Header{"User-Agent": {"guazheng/test"}, "Accept-Language": {"zh-CN"}},
		Status:        200,
		ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Server": {"nginx"},
			"Date": {at.Format(http.TimeFormat)}},
		Body: body, ServerIP: "127.0.0.1:8080", FetchedAt: at, Duration: 120 * time.Millisecond, Charset: "utf-8",
	}
}

func flaggedVerdict(score float64, phone, wechat string) guazheng.Verdict {
	text := "高价收一级建造师市政，无社保，电话" + phone
	return guazheng.Verdict{
		Flagged: true, Role: guazheng.RoleBuyer, Score: score, RuleSet: "rs-2026.03",
		Rules: []guazheng.FiredRule{
			{Rule: "cert.guakao", Score: score - 1, Description: "挂靠证书", Role: guazheng.RoleBuyer,
				Spans: []guazheng.Span{{Field: "text", Start: 0, End: 6, Text: "高价"}}},
			{Rule: "no.social.insurance", Score: 1, Description: "不交社保"},
		},
		Entities: guazheng.Entities{
			Phones: []string{phone}, WeChat: []string{wechat},
			Certs: []guazheng.Cert{{Name: "一级建造师", Specialty: "市政", Span: guazheng.Span{Field: "text", Start: 9, End: 24, Text: "一级建造师市政"}}},
			Contacts: []guazheng.Contact{
				{Kind: guazheng.ContactPhone, Value: phone, Span: guazheng.Span{Field: "text", Start: len(text) - len(phone), End: len(text), Text: phone}},
				{Kind: guazheng.ContactWeChat, Value: wechat, Obfuscated: true, Span: guazheng.Span{Field: "text", Text: "V:" + wechat}},
			},
		},
	}
}

func cleanVerdict() guazheng.Verdict {
	return guazheng.Verdict{RuleSet: "rs-2026.03", Rules: []guazheng.FiredRule{}}
}

func post(site, key, title, text string) guazheng.Post {
	return guazheng.Post{Site: site, Key: key, URL: strings.SplitN(key, "#", 2)[0], Title: title, Text: text, Author: "王经理"}
}

var words = strings.Fields(`招聘 建造师 一级 二级 市政 机电 建筑 公路 水利 造价 监理 安全员 资料员 施工员 项目经理
工程师 高级 中级 初级 职称 证书 注册 社保 五险一金 双休 包吃住 年薪 月薪 面议 经验 学历 本科 大专 专业 要求
负责 现场 管理 协助 完成 公司 集团 有限公司 股份 分公司 广州 深圳 北京 上海 成都 武汉 杭州 南京 西安 重庆 长沙
郑州 天津 苏州 合肥 福州 济南 昆明 南宁 贵阳 海口 优先 熟悉 规范 图纸 预算 投标 验收 质量 进度 成本 合同 协调
沟通 能力 团队 责任心 吃苦耐劳 服从 安排 长期 稳定 发展 空间 晋升 培训 福利 待遇 优厚 欢迎 应届 毕业生 联系
电话 微信 地址 工作 地点 时间 发布 浏览 收藏 举报 分享 相关 职位 推荐 热门 最新 企业 简介 规模 人 以上 行业
房地产 装饰 装修 园林 绿化 消防 电力 通信 钢结构 幕墙 土建 安装 给排水 暖通 弱电 智能化 桥梁 隧道 道路 港口`)

// realisticPage returns a job-board detail page of about size bytes whose
// markup, navigation and text vary like a real page's (gzip shrinks it to
// roughly a fifth, as real HTML).
func realisticPage(rng interface{ IntN(int) int }, size int) []byte {
	var b strings.Builder
	w := func(n int) string {
		var s strings.Builder
		for range n {
			s.WriteString(words[rng.IntN(len(words))])
		}
		return s.String()
	}
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>%s-%s</title>
<meta name="keywords" content="%s,%s,%s"><meta name="description" content="%s">
<link rel="stylesheet" href="//static.example.cn/css/job.%x.css"><script>var _hmt=_hmt||[];var jobId=%d,cityId=%d,uid="%x";</script></head><body>
`, w(3), w(2), w(2), w(2), w(2), w(12), rng.IntN(1<<30), rng.IntN(1e7), rng.IntN(400), rng.IntN(1<<30))
	b.WriteString(`<div class="top-nav"><ul>`)
	for i := range 30 {
		fmt.Fprintf(&b, `<li class="nav-item n%d"><a href="/%s/%d/" target="_blank">%s</a></li>`, i, []string{"zhaopin", "qiuzhi", "gongsi", "zixun"}[i%4], rng.IntN(1e5), w(2))
	}
	b.WriteString("</ul></div>\n")
	fmt.Fprintf(&b, `<div class="job-detail"><h1 class="job-title">%s</h1><div class="job-meta"><span>%s</span><span>发布于 2026-0%d-%02d</span><span>浏览 %d 次</span></div>
<div class="job-desc"><p>%s</p><p>%s</p><p>联系人：%s 电话：1%010d</p></div></div>
`, w(4), w(2), 1+rng.IntN(9), 1+rng.IntN(28), rng.IntN(5000), w(60), w(40), w(1), rng.IntN(1e10))
	b.WriteString(`<div class="related"><h2>相关职位</h2><ul class="job-list">`)
	for b.Len() < size-600 {
		id := rng.IntN(1e7)
		fmt.Fprintf(&b, `<li class="job-item" data-id="%d"><a class="title" href="/job/%d.html" title="%s">%s</a><span class="company">%s有限公司</span><span class="salary">%d-%dK</span><span class="area">%s</span><span class="date">%02d-%02d</span></li>
`, id, id, w(4), w(4), w(3), 5+rng.IntN(20), 25+rng.IntN(30), w(1), 1+rng.IntN(12), 1+rng.IntN(28))
	}
	fmt.Fprintf(&b, `</ul></div><div class="footer"><p>Copyright © 2008-2026 %s 版权所有 ICP备%08d号</p></div><script src="//static.example.cn/js/app.%x.js"></script></body></html>`, w(2), rng.IntN(1e8), rng.IntN(1<<30))
	return []byte(b.String())
}
