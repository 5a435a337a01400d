package chart

import (
	"encoding/xml"
	"strings"
	"testing"
)

func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
	}
}

func TestChartsEscapeLabels(t *testing.T) {
	evil := `<script>alert(1)</script>"><img src=x onerror=alert(1)>`
	for name, svg := range map[string]string{
		"bars":  string(Bars{Title: evil, Labels: []string{evil, "3-02"}, Series: []Series{{Name: evil, Values: []float64{1, 2}}, {Name: "b", Values: []float64{3, 0}}}}.SVG()),
		"empty": string(Bars{Title: "空"}.SVG()),
		"hbars": string(HBars{Title: evil, Items: []Item{{Label: evil, Value: 3, Note: evil}, {Label: "b", Value: 0}}}.SVG()),
	} {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(svg, "<script") || strings.Contains(svg, "<img") {
				t.Errorf("unescaped markup in %s", svg)
			}
			wellFormed(t, svg)
		})
	}
}

func TestNiceMax(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{0, 1}, {1, 1}, {3, 5}, {7, 10}, {12, 20}, {180, 200}, {240, 250}} {
		if got := niceMax(tc.in); got != tc.want {
			t.Errorf("niceMax(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
