package guazheng

// Span is a stretch of a post's original (not normalised) text.
type Span struct {
	Field string `json:"field"` // "title" or "text"
	Start int    `json:"start"` // byte offset into the original field
	End   int    `json:"end"`   // byte offset, exclusive
	Text  string `json:"text"`  // the original text of the span
}

// FiredRule is one rule that matched a post, with what it contributed.
type FiredRule struct {
	Rule        string  `json:"rule"`
	Score       float64 `json:"score"`
	Description string  `json:"description"`
	Role        Role    `json:"role,omitempty"`
	Spans       []Span  `json:"spans,omitempty"`
}

// ContactKind names a kind of contact detail.
type ContactKind string

// Kinds of contact detail that link posts into broker networks.
const (
	ContactPhone   ContactKind = "phone"   // mobile or landline, digits only
	ContactWeChat  ContactKind = "wechat"  // WeChat id, lower case
	ContactQQ      ContactKind = "qq"      // QQ number
	ContactEmail   ContactKind = "email"   // e-mail address, lower case
	ContactCompany ContactKind = "company" // company or agency name
)

// Contact is a normalised contact detail found in a post.
type Contact struct {
	Kind       ContactKind `json:"kind"`
	Value      string      `json:"value"`
	Obfuscated bool        `json:"obfuscated,omitempty"` // written in a disguised form
	Span       Span        `json:"span"`
}

// Cert is a certificate named in a post, with normalised names.
type Cert struct {
	Name      string `json:"name"`                // e.g. 一级建造师
	Specialty string `json:"specialty,omitempty"` // e.g. 市政
	Span      Span   `json:"span"`
}

// Label is the certificate as one string, e.g. "一级建造师/市政".
func (c Cert) Label() string {
	if c.Specialty == "" {
		return c.Name
	}
	return c.Name + "/" + c.Specialty
}

// Price is an amount offered or asked, with its period when given.
type Price struct {
	Yuan   float64 `json:"yuan"`             // amount in yuan, e.g. 30000
	Period string  `json:"period,omitempty"` // e.g. 年, 2年, 月; empty when not stated
	Text   string  `json:"text"`             // normalised form, e.g. "3万/年"
	Span   Span    `json:"span"`
}

// Quantity is a number of certificates or people wanted or offered.
type Quantity struct {
	Count int    `json:"count"`
	Unit  string `json:"unit"` // 本, 名, 个, 人, 套
	Span  Span   `json:"span"`
}

// Entities are the facts extracted from a post.
type Entities struct {
	Phones     []string   `json:"phones"`
	WeChat     []string   `json:"wechat"`
	QQ         []string   `json:"qq"`
	Emails     []string   `json:"emails"`
	Companies  []string   `json:"companies"`
	Certs      []Cert     `json:"certs"`
	Prices     []Price    `json:"prices"`
	Quantities []Quantity `json:"quantities"`
	Contacts   []Contact  `json:"contacts"` // every phone, WeChat, QQ, e-mail and company with its span
}

// Verdict is the classifier's decision on one post, with its full explanation.
type Verdict struct {
	Flagged bool        `json:"flagged"`
	Role    Role        `json:"role"`
	Score   float64     `json:"score"`
	RuleSet string      `json:"ruleset"` // version of the rule set that decided
	Rules   []FiredRule `json:"rules"`
	Entities
}

// Classifier decides whether a post is a 挂证 ad. Implementations are safe for
// concurrent use.
type Classifier interface {
	Classify(title, text string) Verdict
}
