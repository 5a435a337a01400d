// Package chart draws small charts as inline SVG on the server, so that the
// web UI needs no JavaScript library, no CDN and no build step. Every label
// is escaped; the result is safe to embed in an HTML page.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Palette is the series colours, in order.
var palette = []string{"#2f6fb0", "#d9822b", "#3a9a5b", "#b8463f", "#7b5ea7", "#8c8c8c", "#c1a01e", "#2a9d9d"}

// Color returns the i-th palette colour.
func Color(i int) string { return palette[i%len(palette)] }

// Series is one named row of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Bars is a vertical bar chart, stacked when it has several series.
type Bars struct {
	Title  string
	Labels []string // one per bar (e.g. days)
	Series []Series
	Width  int // default 640
	Height int // default 240
}

func esc(s string) string { return html.EscapeString(s) }

func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.1f", v)
}

// SVG renders the chart with its legend.
func (b Bars) SVG() template.HTML {
	w, h := b.Width, b.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 240
	}
	const left, right, top, bottom = 40, 10, 24, 40
	legendH := 0
	if len(b.Series) > 1 {
		legendH = 18 * ((len(b.Series) + 3) / 4)
	}
	plotW, plotH := float64(w-left-right), float64(h-top-bottom)
	total := make([]float64, len(b.Labels))
	for _, s := range b.Series {
		for i, v := range s.Values {
			if i < len(total) {
				total[i] += v
			}
		}
	}
	maxV := 0.0
	for _, v := range total {
		maxV = math.Max(maxV, v)
	}
	maxV = niceMax(maxV)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h+legendH, esc(b.Title))
	fmt.Fprintf(&sb, `<title>%s</title>`, esc(b.Title))
	fmt.Fprintf(&sb, `<text x="%d" y="16" class="chart-title">%s</text>`, left, esc(b.Title))
	for i := 0; i <= 4; i++ {
		y := float64(top) + plotH - plotH*float64(i)/4
		fmt.Fprintf(&sb, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`, left, w-right, y, y)
		fmt.Fprintf(&sb, `<text x="%d" y="%.1f" text-anchor="end" font-size="10">%s</text>`, left-4, y+3, fmtNum(maxV*float64(i)/4))
	}
	n := len(b.Labels)
	if n > 0 {
		slot := plotW / float64(n)
		bw := math.Max(1, slot*0.7)
		every := int(math.Ceil(float64(n) / 10))
		for i, label := range b.Labels {
			x := float64(left) + slot*float64(i) + (slot-bw)/2
			y := float64(top) + plotH
			for si, s := range b.Series {
				if i >= len(s.Values) || s.Values[i] <= 0 {
					continue
				}
				bh := plotH * s.Values[i] / maxV
				y -= bh
				fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s：%s</title></rect>`,
					x, y, bw, bh, Color(si), esc(label), esc(s.Name), fmtNum(s.Values[i]))
			}
			if i%every == 0 {
				fmt.Fprintf(&sb, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10">%s</text>`, x+bw/2, top+int(plotH)+14, esc(label))
			}
		}
	} else {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#888">暂无数据</text>`, left+10, top+int(plotH)/2)
	}
	if len(b.Series) > 1 {
		for i, s := range b.Series {
			x := left + (i%4)*((w-left)/4)
			y := h + 18*(i/4)
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="11">%s</text>`,
				x, y-9, Color(i), x+14, y, esc(s.Name))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text above went through esc
}

// Item is one bar of an HBars chart.
type Item struct {
	Label string
	Value float64
	Note  string // shown after the value
}

// HBars is a horizontal bar chart (rankings, backlog by state).
type HBars struct {
	Title string
	Items []Item
	Width int // default 640
}

// SVG renders the chart.
func (c HBars) SVG() template.HTML {
	w := c.Width
	if w <= 0 {
		w = 640
	}
	const rowH, top, labelW = 22, 24, 170
	h := top + rowH*max(len(c.Items), 1) + 6
	maxV := 0.0
	for _, it := range c.Items {
		maxV = math.Max(maxV, it.Value)
	}
	if maxV == 0 {
		maxV = 1
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, esc(c.Title))
	fmt.Fprintf(&sb, `<title>%s</title><text x="4" y="16" class="chart-title">%s</text>`, esc(c.Title), esc(c.Title))
	if len(c.Items) == 0 {
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="#888">暂无数据</text>`, labelW, top+14)
	}
	for i, it := range c.Items {
		y := top + rowH*i
		bw := float64(w-labelW-90) * it.Value / maxV
		label := it.Label
		if r := []rune(label); len(r) > 14 {
			label = string(r[:13]) + "…"
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="11">%s</text>`, labelW-6, y+14, esc(label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="16" fill="%s"><title>%s：%s</title></rect>`,
			labelW, y+2, math.Max(bw, 1), Color(i), esc(it.Label), fmtNum(it.Value))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="11">%s %s</text>`, float64(labelW)+math.Max(bw, 1)+4, y+14, fmtNum(it.Value), esc(it.Note))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text above went through esc
}
