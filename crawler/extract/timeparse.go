package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ChinaTime is UTC+8, the zone of dates that carry none.
var ChinaTime = time.FixedZone("CST", 8*3600)

var timeLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	"2006/01/02 15:04:05", "2006/01/02 15:04", "2006/01/02", "2006.01.02 15:04", "2006.01.02",
	"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2", "2006/1/2 15:04", "2006/1/2",
	"01-02 15:04", "1-2 15:04", time.RFC1123Z, time.RFC1123,
}

var (
	cnDate     = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2})[:：时](\d{1,2}))?`)
	isoish     = regexp.MustCompile(`\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?`)
	relative   = regexp.MustCompile(`(\d+)\s*(秒|分钟|小时|天|周|个月)前`)
	dayPrefix  = regexp.MustCompile(`(今天|昨天|前天)\s*(\d{1,2}):(\d{2})?`)
	unixDigits = regexp.MustCompile(`^\d{10}(\d{3})?$`)
)

// ParseTime reads a published time as Chinese sites write it: an explicit Go
// layout if given; otherwise ISO-like dates, 2024年5月1日 12:30, Unix seconds
// or milliseconds, and relative forms (刚刚, 5分钟前, 3天前, 昨天 12:30)
// resolved against now. Dates without a zone are in loc (nil: UTC+8).
func ParseTime(s, layout string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = ChinaTime
	}
	if s == "" {
		return time.Time{}, fmt.Errorf("empty time")
	}
	if layout != "" {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("parse time %q with layout %q: %w", s, layout, err)
		}
		return t.UTC(), nil
	}
	if unixDigits.MatchString(s) {
		n, _ := strconv.ParseInt(s, 10, 64)
		if len(s) == 13 {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if m := cnDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		h, _ := strconv.Atoi(m[4])
		mi, _ := strconv.Atoi(m[5])
		return time.Date(y, time.Month(mo), d, h, mi, 0, 0, loc).UTC(), nil
	}
	if s == "刚刚" {
		return now.UTC(), nil
	}
	if m := relative.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"秒": time.Second, "分钟": time.Minute, "小时": time.Hour,
			"天": 24 * time.Hour, "周": 7 * 24 * time.Hour, "个月": 30 * 24 * time.Hour}[m[2]]
		return now.Add(-time.Duration(n) * unit).UTC(), nil
	}
	if m := dayPrefix.FindStringSubmatch(s); m != nil {
		back := map[string]int{"今天": 0, "昨天": 1, "前天": 2}[m[1]]
		h, _ := strconv.Atoi(m[2])
		mi, _ := strconv.Atoi(m[3])
		l := now.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day()-back, h, mi, 0, 0, loc).UTC(), nil
	}
	cand := s
	if m := isoish.FindString(s); m != "" {
		cand = m
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, cand, loc); err == nil {
			if t.Year() == 0 { // "01-02 15:04": this year
				t = t.AddDate(now.In(loc).Year(), 0, 0)
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}
