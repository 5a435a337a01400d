package classify

import (
	"strings"
	"unicode/utf8"

	"github.com/guazheng/guazheng"
)

// extract runs the entity extractors; spans stay in "title\ntext" offsets
// until finishEntities maps them to fields.
func (r *run) extract() {
	x := r.e.ext
	r.ents.Contacts = x.Contacts(r.t)
	r.ents.Certs = x.Certs(r.t)
	r.ents.Prices = x.Prices(r.t)
	r.ents.Quantities = x.Quantities(r.t)
}

// fact returns the spans that establish the named fact, or nil if it does
// not hold (an empty, non-nil slice when it holds without a span).
func (r *run) fact(name string) []span {
	var out []span
	add := func(s guazheng.Span) { out = append(out, span{s.Start, s.End}) }
	contacts := func(keep func(c guazheng.Contact) bool) []span {
		for _, c := range r.ents.Contacts {
			if keep(c) {
				add(c.Span)
			}
		}
		return out
	}
	switch name {
	case "phone", "wechat", "qq", "email", "company":
		out = contacts(func(c guazheng.Contact) bool { return string(c.Kind) == name })
	case "contact":
		out = contacts(func(c guazheng.Contact) bool { return c.Kind != guazheng.ContactCompany })
	case "obfuscated":
		out = contacts(func(c guazheng.Contact) bool { return c.Obfuscated })
	case "cert", "certs2", "certs4":
		labels := map[string]bool{}
		for _, c := range r.ents.Certs {
			labels[c.Label()] = true
			add(c.Span)
		}
		min := map[string]int{"cert": 1, "certs2": 2, "certs4": 4}[name]
		if len(labels) < min {
			return nil
		}
	case "price", "prices3":
		for _, p := range r.ents.Prices {
			add(p.Span)
		}
		if name == "prices3" && len(out) < 3 {
			return nil
		}
	case "price_term":
		for _, p := range r.ents.Prices {
			if strings.HasSuffix(p.Period, "年") {
				add(p.Span)
			}
		}
	case "price_month":
		for _, p := range r.ents.Prices {
			if strings.HasSuffix(p.Period, "月") {
				add(p.Span)
			}
		}
	case "amount":
		return r.amounts()
	case "short":
		if utf8.RuneCountInString(r.t.Norm) > 40 {
			return nil
		}
		return []span{}
	case "quantity":
		for _, q := range r.ents.Quantities {
			add(q.Span)
		}
	}
	if len(r.origQuotes) > 0 && len(out) > 0 {
		kept := out[:0]
		for _, sp := range out {
			if !within(r.origQuotes, sp) {
				kept = append(kept, sp)
			}
		}
		out = kept
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// finishEntities copies the entities into the verdict with field spans.
func (r *run) finishEntities(v *guazheng.Verdict, title string) {
	fs := func(s guazheng.Span) guazheng.Span {
		out := r.fieldSpans([]span{{s.Start, s.End}}, title)
		if len(out) == 0 {
			return guazheng.Span{}
		}
		return out[0]
	}
	ents := guazheng.Entities{
		Phones: []string{}, WeChat: []string{}, QQ: []string{}, Emails: []string{}, Companies: []string{},
		Certs: []guazheng.Cert{}, Prices: []guazheng.Price{}, Quantities: []guazheng.Quantity{}, Contacts: []guazheng.Contact{},
	}
	seen := map[string]bool{}
	for _, c := range r.ents.Contacts {
		c.Span = fs(c.Span)
		ents.Contacts = append(ents.Contacts, c)
		key := string(c.Kind) + ":" + c.Value
		if seen[key] {
			continue
		}
		seen[key] = true
		switch c.Kind {
		case guazheng.ContactPhone:
			ents.Phones = append(ents.Phones, c.Value)
		case guazheng.ContactWeChat:
			ents.WeChat = append(ents.WeChat, c.Value)
		case guazheng.ContactQQ:
			ents.QQ = append(ents.QQ, c.Value)
		case guazheng.ContactEmail:
			ents.Emails = append(ents.Emails, c.Value)
		case guazheng.ContactCompany:
			ents.Companies = append(ents.Companies, c.Value)
		}
	}
	for _, c := range r.ents.Certs {
		c.Span = fs(c.Span)
		ents.Certs = append(ents.Certs, c)
	}
	for _, p := range r.ents.Prices {
		p.Span = fs(p.Span)
		ents.Prices = append(ents.Prices, p)
	}
	for _, q := range r.ents.Quantities {
		q.Span = fs(q.Span)
		ents.Quantities = append(ents.Quantities, q)
	}
	v.Entities = ents
}

// amounts finds bare amounts in the normalised text: an integer part of one
// or two digits with optional decimals (1.5, 2.8) or of three to five digits
// (800, 15000), optionally followed by 万, w, k or 千, and not followed by a
// unit that makes it a count, a date or a duration.
func (r *run) amounts() []span {
	if r.amountsDone {
		return r.amountSpans
	}
	r.amountsDone = true
	n := r.t.Norm
	for i := 0; i < len(n); {
		if !isDigit(n[i]) || (i > 0 && (isDigit(n[i-1]) || n[i-1] == '.' || isLetter(n[i-1]))) {
			i++
			continue
		}
		j := i
		for j < len(n) && isDigit(n[j]) {
			j++
		}
		intLen := j - i
		if j+1 < len(n) && n[j] == '.' && isDigit(n[j+1]) {
			j++
			for j < len(n) && isDigit(n[j]) {
				j++
			}
		}
		end := j
		rest := n[end:]
		for _, unit := range []string{"万", "w", "k", "千"} {
			if strings.HasPrefix(rest, unit) {
				end += len(unit)
				rest = n[end:]
				break
			}
		}
		ok := (intLen <= 2 || (intLen >= 3 && intLen <= 5 && end == j)) && !hasCountUnit(rest)
		if ok && end == j && intLen <= 2 && j < len(n) && isLetter(n[j]) {
			ok = false // 5a, 3b…
		}
		if ok {
			s, e := r.t.OrigRange(i, end)
			r.amountSpans = append(r.amountSpans, span{s, e})
		}
		i = max(end, i+1)
	}
	return r.amountSpans
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// hasCountUnit reports whether s starts with a unit that makes the number
// before it a count, a date, a duration or a rank rather than an amount.
func hasCountUnit(s string) bool {
	s = strings.TrimLeft(s, " ")
	for _, u := range []string{"本", "名", "人", "位", "套", "个", "月", "年", "天", "日", "号", "岁", "%", "楼", "层", "米", "次", "期", "届", "级", "项", "家", "条", "小时", "分", "点", "周", "平", "栋", "元/月", "/月", "-", "~", "到", "至", ":", "："} {
		if strings.HasPrefix(s, u) {
			return true
		}
	}
	return false
}
