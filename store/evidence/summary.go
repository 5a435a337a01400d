package evidence

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guazheng/guazheng"
)

// beijing is China Standard Time, in which the summary shows times.
var beijing = time.FixedZone("北京时间", 8*3600)

func cst(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(beijing).Format("2006-01-02 15:04:05") + "（北京时间）"
}

var kindLabel = map[string]string{
	"phone": "电话", "wechat": "微信", "qq": "QQ", "email": "电子邮箱", "company": "公司/机构", "cert": "证书",
}

func versionText(p *guazheng.PostDetail, v guazheng.PostVersion) string {
	var b strings.Builder
	fmt.Fprintf(&b, "站点：%s\n网址：%s\n帖子标识：%s\n版本：第 %d 版（共 %d 版）\n", p.Site, p.URL, p.Key, v.N, len(p.Versions))
	fmt.Fprintf(&b, "本版首次发现：%s\n本版最后发现：%s\n", cst(v.FirstSeen), cst(v.LastSeen))
	if v.Author != "" {
		fmt.Fprintf(&b, "发布者：%s\n", v.Author)
	}
	if !v.Published.IsZero() {
		fmt.Fprintf(&b, "网站标注的发布时间：%s\n", cst(v.Published))
	}
	fmt.Fprintf(&b, "内容 SHA-256（标题 + 0x00 + 正文）：%s\n抓取记录编号：%d\n", v.ContentHash, v.CaptureID)
	b.WriteString("\n【标题】\n")
	b.WriteString(v.Title)
	b.WriteString("\n\n【正文】\n")
	b.WriteString(v.Text)
	b.WriteString("\n")
	return b.String()
}

// summary renders summary.txt: what, where, when, which rules, which contacts.
func summary(sel Selection, posts []*guazheng.PostDetail, hits []*guazheng.HitDetail, caps []guazheng.CaptureRecord,
	now time.Time, head guazheng.AuditEntry) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("线索摘要")
	line("========")
	line("本材料为线索，非正式证据。所列内容为本系统自动抓取的网络公开信息及规则研判结果，")
	line("供人力资源社会保障部门、公安机关核查参考；接收单位应自行核实、依法调取和固定证据。")
	line("")
	line("生成时间：%s（UTC %s）", cst(now), now.UTC().Format(time.RFC3339))
	line("生成工具：guazheng %s", guazheng.Version)
	if sel.Posts != nil {
		line("线索范围：%s（%d 条帖子）", sel.Title, len(sel.Posts))
	} else if sel.HitID != 0 {
		line("线索范围：线索编号 #%d", sel.HitID)
	} else {
		line("线索范围：含有联系方式“%s”的全部帖子", sel.Contact)
	}
	line("审计日志：截至第 %d 条，链哈希 %s", head.Seq, head.Hash)
	line("")

	hitOf := map[int64]*guazheng.HitDetail{}
	for _, h := range hits {
		hitOf[h.PostID] = h
	}
	capByID := map[int64]guazheng.CaptureRecord{}
	for _, c := range caps {
		capByID[c.ID] = c
	}
	contacts := map[string]map[string]bool{}
	sites := map[string]bool{}
	for _, p := range posts {
		sites[p.Site] = true
		for _, c := range p.Contacts {
			if contacts[c.Kind] == nil {
				contacts[c.Kind] = map[string]bool{}
			}
			contacts[c.Kind][c.Value] = true
		}
	}
	line("一、概况")
	line("涉及帖子 %d 条，来自 %d 个网站；网页抓取记录 %d 次。", len(posts), len(sites), len(caps))
	for _, k := range []string{"phone", "wechat", "qq", "email", "company", "cert"} {
		if len(contacts[k]) == 0 {
			continue
		}
		vals := make([]string, 0, len(contacts[k]))
		for v := range contacts[k] {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		line("%s：%s", kindLabel[k], strings.Join(vals, "、"))
	}
	line("")
	line("二、帖子明细")
	for i, p := range posts {
		latest := p.Latest()
		line("")
		line("【帖子 %d】编号 %d", i+1, p.ID)
		line("  网站：%s", p.Site)
		line("  网址：%s", p.URL)
		line("  帖子标识：%s", p.Key)
		line("  标题：%s", latest.Title)
		line("  首次发现：%s", cst(p.FirstSeen))
		line("  最后发现：%s", cst(p.LastSeen))
		if !p.TakenDown.IsZero() {
			line("  已删除：%s 抓取时发现该帖已不存在（抓取记录 %d）", cst(p.TakenDown), p.TakenDownBy)
		} else {
			line("  状态：最后一次抓取时仍在线")
		}
		if !p.Reappeared.IsZero() {
			line("  曾删除后重新出现：%s", cst(p.Reappeared))
		}
		line("  内容版本：%d 个（各版本全文见 texts/post-%d-v*.txt）", len(p.Versions), p.ID)
		if v := p.LatestVerdict(); v != nil {
			verdict := "未命中"
			if v.Flagged {
				verdict = "命中"
			}
			line("  规则研判：%s；角色：%s；得分：%.2f；规则集版本：%s", verdict, v.Role.Chinese(), v.Score, v.RuleSet)
			if len(v.Rules) > 0 {
				line("  命中规则：")
				for _, r := range v.Rules {
					var quotes []string
					for _, s := range r.Spans {
						quotes = append(quotes, "“"+s.Text+"”")
					}
					q := ""
					if len(quotes) > 0 {
						q = "；原文 " + strings.Join(quotes, " ")
					}
					line("    - %s（%s，%+.2f 分%s）", r.Rule, r.Description, r.Score, q)
				}
			}
		}
		var cs []string
		for _, c := range p.Contacts {
			s := kindLabel[c.Kind] + " " + c.Value
			if c.Obfuscated {
				s += "（变形写法）"
			}
			cs = append(cs, s)
		}
		if len(cs) > 0 {
			line("  联系方式与证书：%s", strings.Join(cs, "；"))
		}
		if h := hitOf[p.ID]; h != nil {
			line("  审核状态：%s（线索编号 #%d）", h.State.Chinese(), h.ID)
			for _, c := range h.History {
				from := "—"
				if c.From != "" {
					from = c.From.Chinese()
				}
				line("    %s %s：%s → %s %s", cst(c.At), c.Actor, from, c.To.Chinese(), c.Reason)
			}
		}
		line("  抓取记录：")
		for _, c := range p.Captures {
			kind := "网页"
			if c.Kind == "gone" {
				kind = "删除核查"
			}
			line("    - [%s] 编号 %d，%s，%s %s → HTTP %d，服务器 IP %s", kind, c.ID, cst(c.FetchedAt), c.Method, c.URL, c.Status, orDash(c.ServerIP))
			if c.FinalURL != "" && c.FinalURL != c.URL {
				line("      跳转后网址：%s", c.FinalURL)
			}
			line("      响应内容 SHA-256：%s（%d 字节）", c.PayloadSHA256, c.BodySize)
			for _, r := range c.Records {
				if r.Type == "response" {
					line("      WARC 记录：warc/%s，记录号 %s", r.File, r.RecordID)
				}
			}
		}
	}
	line("")
	line("三、核验方法")
	line("见 说明.txt（README.txt）：用 sha256sum -c SHA256SUMS 核对每个文件，manifest.sha256 核对清单本身。")
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func readme(signed, stamped bool) string {
	var b strings.Builder
	b.WriteString(`证据包说明（guazheng 线索材料）
==============================

本材料为线索，非正式证据。包内为网络公开页面的原始抓取记录、提取的文字和规则研判结果，
供核查参考。接收单位应自行核实，并依法调取、固定证据。

一、文件清单
  summary.txt        线索摘要：什么内容、在哪个网站、何时发现、命中哪些规则、有哪些联系方式
  texts/             每个帖子每个版本的标题和正文
  warc/*.warc.gz     原始抓取记录（WARC 1.1 格式，每条记录一个 gzip 段，从存储库逐字节复制），
                     含请求、响应（原始网页字节）和元数据记录；可用 warcio、pywb、ReplayWeb.page 查看
  posts.json         机器可读的完整明细
  manifest.json      清单：每个文件的 SHA-256 和大小，每条 WARC 记录的来源文件、位置和摘要
  manifest.sha256    清单文件本身的 SHA-256
  SHA256SUMS         全部文件（含清单）的 SHA-256，sha256sum 格式
`)
	if signed {
		b.WriteString("  manifest.sig       对 manifest.json 的 Ed25519 签名（64 字节原始签名）\n  manifest.pub.pem   签名公钥\n")
	}
	if stamped {
		b.WriteString("  manifest.tsr       对 manifest.json 的 SHA-256 的 RFC 3161 可信时间戳\n")
	}
	b.WriteString(`
二、核验步骤
  1. 解压：          unzip 证据包.zip -d pkg && cd pkg
  2. 核对全部文件：  sha256sum -c SHA256SUMS
                     （macOS：shasum -a 256 -c SHA256SUMS；Windows：certutil -hashfile 文件名 SHA256，逐个与 SHA256SUMS 对照）
  3. 核对清单本身：  sha256sum -c manifest.sha256
     manifest.sha256 中的值也记录在本系统的审计日志（export 条目）中，可向出具单位核对。
`)
	if signed {
		b.WriteString(`  4. 核对签名：      openssl pkeyutl -verify -pubin -inkey manifest.pub.pem -rawin -in manifest.json -sigfile manifest.sig
                     （输出 Signature Verified Successfully 即通过；公钥指纹应向出具单位核对）
`)
	}
	if stamped {
		b.WriteString(`  5. 核对时间戳：    openssl ts -reply -in manifest.tsr -text          （查看时间戳时间）
                     openssl ts -verify -data manifest.json -in manifest.tsr -CAfile 时间戳机构证书.pem
`)
	}
	b.WriteString(`
  WARC 记录：gzip -t warc/*.warc.gz 检查完整性；每条记录头的 WARC-Block-Digest 和 WARC-Payload-Digest
  为 "sha256:" 加 64 位十六进制，与解压后记录块（或网页正文）的 sha256sum 结果一致。

English: this package is a lead, not formal evidence. Check it with "sha256sum -c SHA256SUMS" and
"sha256sum -c manifest.sha256"; manifest.json lists every file with its SHA-256 and size.
`)
	return b.String()
}
