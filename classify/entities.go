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
