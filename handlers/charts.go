package handlers

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are drawn on the server as inline SVG: no script, no style attribute (the
// Content-Security-Policy allows neither), only presentation attributes. Every label is
// escaped here, since the result is trusted HTML for the templates.

// chartColors and chartDashes tell the lines apart by colour and, for people who do not
// see the colours, by dash pattern; the first (solid) is the daily quota.
var (
	chartColors = []string{"#0d47a1", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f"}
	chartDashes = []string{"", "7 4", "2 3", "10 3 2 3", "4 4", "1 2"}
)

// shareChart is a line chart of shares met (0–100 %) over slots of time (days or weeks).
type shareChart struct {
	ID     string // id of the figure; the SVG's title and desc get it as a prefix
	Title  string // caption and accessible name
	Desc   string // accessible description
	Slots  int    // the x axis spans Slots equal slots; a point sits at X in [0, Slots]
	Ticks  []chartTick
	Bounds []float64 // x positions of thin vertical separators (between weeks)
	XLabel string
	YLabel string
	Series []chartSeries
	Note   string // under the legend: how gaps read
}

// chartTick is a label on the x axis.
type chartTick struct {
	X     float64
	Label string
}

// chartSeries is one labelled line.
type chartSeries struct {
	Key    string // data-series attribute, stable for tests and scripts
	Label  string
	Points []chartPoint
	// Markers draws every point as a dot (weekly lines); otherwise only points without
	// a neighbour are dotted, so that a lone day between gaps still shows.
	Markers bool
}

// chartPoint is one share; a point that is not OK is a gap in the line (a period not
// begun, or one where no unit could be judged), never a 0.
type chartPoint struct {
	X     float64
	Share float64
	OK    bool
	Open  bool   // the period is not over: the share may still change (a hollow dot)
	Title string // tooltip
}

// Geometry of the share chart, in SVG user units (the SVG scales to its box).
const (
	lcW, lcH               = 400.0, 250.0
	lcLeft, lcRight        = 46.0, 392.0
	lcTop, lcBottom        = 10.0, 196.0
	chartFont              = "12"
	chartSmallFont         = "11"
	chartGrid              = "#e3e3e3"
	chartAxis              = "#5f6368"
	chartText              = "#3c4043"
	chartUnknownBarFill    = "#bdbdbd"
	chartBarFill           = "#0d47a1"
	bcW, bcH               = 400.0, 230.0
	bcLeft, bcRight        = 46.0, 392.0
	bcTop, bcBottom        = 22.0, 176.0
	chartMarkerRadius      = "3"
	chartLoneMarkerRadius  = "2.5"
	chartLineWidth         = "2"
	chartLegendSwatchWidth = 28
)

// esc escapes text for HTML and SVG content and attributes.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num formats a coordinate with at most one decimal.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// render writes the chart as a figure: caption, SVG, legend and note.
func (c shareChart) render() template.HTML {
	var b strings.Builder
	b.Grow(4096)
	slots := float64(max(c.Slots, 1))
	xOf := func(x float64) float64 { return lcLeft + (lcRight-lcLeft)*x/slots }
	yOf := func(share float64) float64 {
		return lcBottom - (lcBottom-lcTop)*math.Max(0, math.Min(1, share))
	}
	fmt.Fprintf(&b, `<figure class="chart" id="%s"><figcaption>%s</figcaption>`, esc(c.ID), esc(c.Title))
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif">`,
		num(lcW), num(lcH), esc(c.ID), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	// Horizontal grid and the y axis' percentages.
	b.WriteString(`<g class="y-ticks">`)
	for _, p := range []float64{0, 0.25, 0.5, 0.75, 1} {
		y := num(yOf(p))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(lcLeft), y, num(lcRight), y, chartGrid)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle" font-size="%s" fill="%s">%d%%</text>`,
			num(lcLeft-5), y, chartSmallFont, chartText, int(p*100))
	}
	b.WriteString(`</g>`)
	for _, x := range c.Bounds {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-dasharray="2 3"/>`, num(xOf(x)), num(lcTop), num(xOf(x)), num(lcBottom), chartGrid)
	}
	// Axes and their labels.
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(lcLeft), num(lcBottom), num(lcRight), num(lcBottom), chartAxis)
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(lcLeft), num(lcTop), num(lcLeft), num(lcBottom), chartAxis)
	b.WriteString(`<g class="x-ticks">`)
	for _, t := range c.Ticks {
		x := num(xOf(t.X))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, x, num(lcBottom), x, num(lcBottom+4), chartAxis)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, x, num(lcBottom+17), chartSmallFont, chartText, esc(t.Label))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<text class="x-label" x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`,
		num((lcLeft+lcRight)/2), num(lcH-8), chartFont, chartText, esc(c.XLabel))
	fmt.Fprintf(&b, `<text class="y-label" transform="translate(12 %s) rotate(-90)" text-anchor="middle" font-size="%s" fill="%s">%s</text>`,
		num((lcTop+lcBottom)/2), chartFont, chartText, esc(c.YLabel))
	// The lines: a gap starts a new subpath, so a period nobody could be judged in is
	// never drawn as 0.
	for i, s := range c.Series {
		color, dash := chartColors[i%len(chartColors)], chartDashes[i%len(chartDashes)]
		var d strings.Builder
		var lone []chartPoint
		for j, p := range s.Points {
			if !p.OK {
				continue
			}
			prevOK := j > 0 && s.Points[j-1].OK
			nextOK := j+1 < len(s.Points) && s.Points[j+1].OK
			if prevOK {
				d.WriteString("L")
			} else {
				d.WriteString("M")
			}
			d.WriteString(num(xOf(p.X)) + " " + num(yOf(p.Share)))
			if !prevOK && !nextOK && !s.Markers {
				lone = append(lone, p)
			}
		}
		fmt.Fprintf(&b, `<g class="series" data-series="%s" data-label="%s">`, esc(s.Key), esc(s.Label))
		if d.Len() > 0 {
			fmt.Fprintf(&b, `<path class="line" d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"`, d.String(), color, chartLineWidth)
			if dash != "" {
				fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
			}
			fmt.Fprintf(&b, `><title>%s</title></path>`, esc(s.Label))
		}
		for _, p := range s.Points {
			if !p.OK || (!s.Markers && !p.Open && !containsPoint(lone, p)) {
				continue
			}
			r := chartMarkerRadius
			if !s.Markers && !p.Open {
				r = chartLoneMarkerRadius
			}
			if p.Open {
				fmt.Fprintf(&b, `<circle class="point open" cx="%s" cy="%s" r="%s" fill="#fff" stroke="%s" stroke-width="2"><title>%s</title></circle>`, num(xOf(p.X)), num(yOf(p.Share)), r, color, esc(p.Title))
				continue
			}
			fmt.Fprintf(&b, `<circle class="point" cx="%s" cy="%s" r="%s" fill="%s"><title>%s</title></circle>`, num(xOf(p.X)), num(yOf(p.Share)), r, color, esc(p.Title))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg><ul class="chart-legend">`)
	for i, s := range c.Series {
		color, dash := chartColors[i%len(chartColors)], chartDashes[i%len(chartDashes)]
		fmt.Fprintf(&b, `<li data-series="%s"><svg width="%d" height="10" viewBox="0 0 %d 10" aria-hidden="true"><line x1="1" y1="5" x2="%d" y2="5" stroke="%s" stroke-width="3"`,
			esc(s.Key), chartLegendSwatchWidth, chartLegendSwatchWidth, chartLegendSwatchWidth-1, color)
		if dash != "" {
			fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
		}
		fmt.Fprintf(&b, `/></svg> %s</li>`, esc(s.Label))
	}
	b.WriteString(`</ul>`)
	if c.Note != "" {
		fmt.Fprintf(&b, `<p class="muted chart-note">%s</p>`, esc(c.Note))
	}
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

func containsPoint(ps []chartPoint, p chartPoint) bool {
	for _, q := range ps {
		if q.X == p.X {
			return true
		}
	}
	return false
}

// barChart is a column chart of counts, one bar per category.
type barChart struct {
	ID     string
	Title  string
	Desc   string
	XLabel string
	YLabel string
	Bars   []chartBar
	Note   string
	// Compact leaves out the number above each bar (many narrow bars: the tooltip tells it).
	Compact bool
}

// chartBar is one column; Muted bars are drawn grey (a value not reachable yet).
type chartBar struct {
	Key   string // data-key attribute
	Label string // under the bar
	Count int
	Title string
	Muted bool
}

// niceMax rounds n up to a value the axis can split in four round steps.
func niceMax(n int) int {
	if n <= 4 {
		return 4
	}
	step := float64(n) / 4
	mag := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= step {
			return int(math.Ceil(m*mag)) * 4
		}
	}
	return n
}

// render writes the bar chart as a figure.
func (c barChart) render() template.HTML {
	var b strings.Builder
	b.Grow(2048)
	top := niceMax(0)
	for _, bar := range c.Bars {
		top = max(top, niceMax(bar.Count))
	}
	yOf := func(n int) float64 { return bcBottom - (bcBottom-bcTop)*float64(n)/float64(top) }
	fmt.Fprintf(&b, `<figure class="chart" id="%s"><figcaption>%s</figcaption>`, esc(c.ID), esc(c.Title))
	fmt.Fprintf(&b, `<svg class="chart-svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif">`,
		num(bcW), num(bcH), esc(c.ID), esc(c.ID))
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	b.WriteString(`<g class="y-ticks">`)
	for i := 0; i <= 4; i++ {
		n := top * i / 4
		y := num(yOf(n))
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(bcLeft), y, num(bcRight), y, chartGrid)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle" font-size="%s" fill="%s">%d</text>`, num(bcLeft-5), y, chartSmallFont, chartText, n)
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(bcLeft), num(bcBottom), num(bcRight), num(bcBottom), chartAxis)
	slot := (bcRight - bcLeft) / float64(max(len(c.Bars), 1))
	for i, bar := range c.Bars {
		x := bcLeft + slot*float64(i) + slot*0.2
		w := slot * 0.6
		y := yOf(bar.Count)
		fill := chartBarFill
		if bar.Muted {
			fill = chartUnknownBarFill
		}
		fmt.Fprintf(&b, `<rect class="bar" data-key="%s" data-count="%d" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
			esc(bar.Key), bar.Count, num(x), num(y), num(w), num(bcBottom-y), fill, esc(bar.Title))
		if !c.Compact {
			fmt.Fprintf(&b, `<text class="bar-value" x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%d</text>`, num(x+w/2), num(y-4), chartSmallFont, chartText, bar.Count)
		}
		if bar.Label == "" {
			continue
		}
		fmt.Fprintf(&b, `<text class="bar-label" x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, num(x+w/2), num(bcBottom+16), chartFont, chartText, esc(bar.Label))
	}
	fmt.Fprintf(&b, `<text class="x-label" x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`,
		num((bcLeft+bcRight)/2), num(bcH-8), chartFont, chartText, esc(c.XLabel))
	fmt.Fprintf(&b, `<text class="y-label" transform="translate(12 %s) rotate(-90)" text-anchor="middle" font-size="%s" fill="%s">%s</text>`,
		num((bcTop+bcBottom)/2), chartFont, chartText, esc(c.YLabel))
	b.WriteString(`</svg>`)
	if c.Note != "" {
		fmt.Fprintf(&b, `<p class="muted chart-note">%s</p>`, esc(c.Note))
	}
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

// tickStep is how many slots apart the x labels go so that at most max fit.
func tickStep(n, maxLabels int) int {
	if n <= maxLabels {
		return 1
	}
	return (n + maxLabels - 1) / maxLabels
}
