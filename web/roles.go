package web

// Role is what a web UI account may do.
type Role string

// Roles of web UI accounts.
const (
	RoleReviewer Role = "reviewer" // works the queue: states, notes, networks, complaints, reports, dashboard
	RolePolice   Role = "police"   // reads hits and networks, exports leads; changes nothing
	RoleOperator Role = "operator" // rules console, dashboard, reads the queue
	RoleAdmin    Role = "admin"    // everything, accounts and retention
)

// Roles lists every role.
func Roles() []Role { return []Role{RoleReviewer, RolePolice, RoleOperator, RoleAdmin} }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleReviewer, RolePolice, RoleOperator, RoleAdmin:
		return true
	}
	return false
}

// Chinese is the role's name as shown in the UI.
func (r Role) Chinese() string {
	switch r {
	case RoleReviewer:
		return "审核员"
	case RolePolice:
		return "公安民警"
	case RoleOperator:
		return "规则运维"
	case RoleAdmin:
		return "管理员"
	}
	return "未知"
}

// perm is one thing a route needs.
type perm int

const (
	permAny        perm = iota // any logged-in user
	permDashboard              // the dashboard
	permQueue                  // read the queue and hit details
	permReview                 // change states, assign, notes
	permNetworks               // read broker networks
	permLeads                  // export lead packages and lists
	permComplaints             // the complaints register
	permReports                // monthly tables
	permRules                  // the rules console
	permAdmin                  // accounts, retention, audit log
)

// permNames name the permissions for templates (.Can.review …).
var permNames = map[perm]string{permDashboard: "dashboard", permQueue: "queue", permReview: "review", permNetworks: "networks",
	permLeads: "leads", permComplaints: "complaints", permReports: "reports", permRules: "rules", permAdmin: "admin"}

// can reports whether role r has permission p.
func (r Role) can(p perm) bool {
	if !r.Valid() {
		return false
	}
	if r == RoleAdmin || p == permAny {
		return true
	}
	switch p {
	case permDashboard:
		return r == RoleReviewer || r == RoleOperator
	case permQueue:
		return true
	case permReview, permComplaints, permReports:
		return r == RoleReviewer
	case permNetworks:
		return r == RoleReviewer || r == RolePolice
	case permLeads:
		return r == RolePolice
	case permRules:
		return r == RoleOperator
	}
	return false
}

// home is where a role lands after logging in.
func (r Role) home() string {
	switch r {
	case RoleReviewer:
		return "/queue"
	case RolePolice:
		return "/networks"
	case RoleOperator:
		return "/rules"
	}
	return "/dashboard"
}
