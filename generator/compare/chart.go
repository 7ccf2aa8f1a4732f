package compare

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// The chart is drawn with go-chart's SVG renderer and its font metrics; go-chart's
// BarChart has no grouped bars, value labels or left axis, so the layout is done
// here. Sizes are in pixels (the renderer runs at 72 DPI, where a point is a pixel).
const (
	chartWidth  = 1000
	chartMargin = 24
	headerTop   = 78 // below the title and subtitle: the legend's rows
	legendRow   = 26
	panelHeight = 352
	panelGap    = 40 // between the two panels, side by side
	footerLine  = 20 // the footnote says what the workloads send
	axisRoom    = 56 // left of each plot: tick labels
	maxBarWidth = 72
	barGap      = 6
	groupGap    = 36
	titleSize   = 22
	panelSize   = 16
	labelSize   = 13
	valueSize   = 13
	tickSize    = 12
)

var (
	inkColor  = drawing.ColorFromHex("222222")
	mutedInk  = drawing.ColorFromHex("555555")
	gridColor = drawing.ColorFromHex("dddddd")
	// stackPalette gives each stack, in the report's order, a colour; the bare
	// framework of a stack gets a lighter shade of it.
	stackPalette = []drawing.Color{
		drawing.ColorFromHex("2b6cb0"), // blue
		drawing.ColorFromHex("dd6b20"), // orange
		drawing.ColorFromHex("2f855a"), // green
		drawing.ColorFromHex("805ad5"), // purple
		drawing.ColorFromHex("c53030"), // red
	}
)

// lighter mixes c with white: share 0 is c, 1 is white.
func lighter(c drawing.Color, share float64) drawing.Color {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v) + (255-float64(v))*share)) }
	return drawing.Color{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 255}
}

// serverColors gives each server its bar colour: one colour per stack, the
// skeleton in full (on its later databases a little lighter) and its bare framework
// lighter still.
func serverColors(b *Bench) map[string]drawing.Color {
	stacks := map[string]int{}
	out := map[string]drawing.Color{}
	for _, m := range b.Servers {
		i, ok := stacks[m.Stack]
		if !ok {
			i = len(stacks)
			stacks[m.Stack] = i
		}
		c := stackPalette[i%len(stackPalette)]
		if m.Kind == KindBare {
			c = lighter(c, 0.55)
		} else if k := slices.Index(BenchDatabases, m.Database); k > 0 {
			// A skeleton's later databases in shades between it and its bare framework.
			c = lighter(c, 0.18*float64(k))
		}
		out[m.Name()] = c
	}
	return out
}

// bar is one server's figure for one workload.
type bar struct {
	server string
	value  float64
}

// panel is one measure: bars grouped by workload on a shared axis from zero.
type panel struct {
	title  string
	unit   string // the axis label
	format func(float64) string
	groups []string
	bars   [][]bar
}

// WriteChart draws the benchmark as one SVG: a panel for throughput and one for p99
// latency, bars grouped by workload, one colour per stack (its bare framework in a
// lighter shade), each bar's value written above it and the axis on the left.
func WriteChart(w io.Writer, b *Bench) error {
	if b == nil || len(b.Servers) == 0 {
		return errors.New("compare: no benchmark to chart")
	}
	font, err := chart.GetDefaultFont()
	if err != nil {
		return fmt.Errorf("compare: chart font: %w", err)
	}
	panels := []panel{
		{title: "Throughput, requests per second (higher is better)", unit: "req/s", format: thousands},
		{title: "p99 latency, milliseconds (lower is better)", unit: "ms", format: millis},
	}
	var defs []string
	for _, wl := range b.Workloads {
		var rps, p99 []bar
		for _, m := range b.Servers {
			for _, res := range m.Results {
				if res.Workload == wl.Name {
					rps = append(rps, bar{m.Name(), res.RPS})
					p99 = append(p99, bar{m.Name(), res.P99Ms})
				}
			}
		}
		if len(rps) == 0 {
			continue
		}
		defs = append(defs, wl.Name+": "+strings.Join(wl.Requests, ", "))
		label := wl.Name
		if len(rps) < len(b.Servers) && wl.Servers != "" {
			label += " (" + wl.Servers + ")"
		}
		for i, bars := range [][]bar{rps, p99} {
			panels[i].groups = append(panels[i].groups, label)
			panels[i].bars = append(panels[i].bars, bars)
		}
	}
	// Lay out the legend and the footnote with a measuring renderer first: their
	// lines decide the picture's height.
	measure, err := chart.SVG(chartWidth, 1)
	if err != nil {
		return fmt.Errorf("compare: chart: %w", err)
	}
	measure.SetDPI(72)
	m := drawer{r: measure, base: chart.Style{Font: font}}
	legend := m.legend(b)
	footnote := chart.Text.WrapFitWord(measure, "Workloads, sent round robin on each connection: "+strings.Join(defs, "; ")+".",
		chartWidth-2*chartMargin, m.style(labelSize, mutedInk))
	legendBottom := headerTop + legendRow*len(legend)
	height := legendBottom + panelHeight + footerLine*len(footnote) + chartMargin/2

	r, err := chart.SVG(chartWidth, height)
	if err != nil {
		return fmt.Errorf("compare: chart: %w", err)
	}
	r.SetDPI(72)
	d := drawer{r: r, base: chart.Style{Font: font}}
	d.box(chart.Box{Top: 0, Left: 0, Right: chartWidth, Bottom: height}, drawing.ColorWhite)
	d.text("Benchmark: each skeleton and its bare framework", chartMargin, chartMargin+titleSize-4, titleSize, inkColor)
	d.text(fmt.Sprintf("Medians of %d rounds, %g s per workload, %d connections; one server at a time on this machine (%d cores).",
		b.Rounds, b.Seconds, b.Connections, b.Machine.Cores), chartMargin, chartMargin+titleSize+20, labelSize, mutedInk)
	colors := serverColors(b)
	for row, items := range legend {
		base := headerTop + legendRow*row + 16
		for _, it := range items {
			d.box(chart.Box{Top: base - 13, Left: it.x, Right: it.x + 16, Bottom: base + 3}, colors[it.server])
			d.text(it.label, it.x+22, base, labelSize, inkColor)
		}
	}
	panelWidth := (chartWidth - 2*chartMargin - panelGap) / len(panels)
	for i, p := range panels {
		left := chartMargin + i*(panelWidth+panelGap)
		d.panel(p, chart.Box{Top: legendBottom + 12, Left: left, Right: left + panelWidth, Bottom: legendBottom + panelHeight}, colors)
	}
	for i, l := range footnote {
		d.text(l, chartMargin, legendBottom+panelHeight+footerLine*(i+1)-4, labelSize, mutedInk)
	}
	// go-chart's SVG has a viewBox only; a width and height give it a size of its own
	// in viewers that do not scale it to the window.
	var buf bytes.Buffer
	if err := r.Save(&buf); err != nil {
		return fmt.Errorf("compare: chart: %w", err)
	}
	svg := bytes.Replace(buf.Bytes(), []byte("<svg "), []byte(fmt.Sprintf(`<svg width="%d" height="%d" `, chartWidth, height)), 1)
	_, err = w.Write(svg)
	return err
}

// legendItem is one server's swatch and name at x, in a row of the legend.
type legendItem struct {
	x      int
	server string
	label  string
}

// legend places a swatch and name per server, in rows that fit the width.
func (d drawer) legend(b *Bench) [][]legendItem {
	var rows [][]legendItem
	var row []legendItem
	x := chartMargin
	for _, m := range b.Servers {
		label := m.Name()
		if m.Kind == KindBare {
			label += " (bare framework)"
		}
		w := 22 + d.width(label, labelSize)
		if x+w > chartWidth-chartMargin && len(row) > 0 {
			rows, row, x = append(rows, row), nil, chartMargin
		}
		row = append(row, legendItem{x: x, server: m.Name(), label: label})
		x += w + 28
	}
	return append(rows, row)
}

// drawer wraps the renderer with the few shapes the chart uses.
type drawer struct {
	r chart.Renderer
	// base holds the font (a go-chart type this package need not name).
	base chart.Style
}

func (d drawer) style(size float64, c drawing.Color) chart.Style {
	s := d.base
	s.FontSize, s.FontColor = size, c
	return s
}

func (d drawer) box(b chart.Box, fill drawing.Color) {
	chart.Draw.Box(d.r, b, chart.Style{FillColor: fill, StrokeColor: fill, StrokeWidth: 1})
}

func (d drawer) line(x1, y1, x2, y2 int, c drawing.Color) {
	chart.Style{StrokeColor: c, StrokeWidth: 1}.WriteToRenderer(d.r)
	d.r.MoveTo(x1, y1)
	d.r.LineTo(x2, y2)
	d.r.Stroke()
	d.r.ResetStyle()
}

// text writes s with its baseline at y.
func (d drawer) text(s string, x, y int, size float64, c drawing.Color) {
	chart.Draw.Text(d.r, html.EscapeString(s), x, y, d.style(size, c))
}

func (d drawer) width(s string, size float64) int {
	return chart.Draw.MeasureText(d.r, s, d.style(size, inkColor)).Width()
}

func (d drawer) centered(s string, cx, y int, size float64, c drawing.Color) {
	d.text(s, cx-d.width(s, size)/2, y, size, c)
}

// panel draws one measure in area: its title, the axis with its ticks and grid, and
// the groups of bars with their values and the workload under each group.
func (d drawer) panel(p panel, area chart.Box, colors map[string]drawing.Color) {
	d.text(p.title, area.Left, area.Top+panelSize, panelSize, inkColor)
	plotTop, plotBottom := area.Top+64, area.Bottom-32
	left, right := area.Left+axisRoom, area.Right
	highest, n := 0.0, 0
	for _, g := range p.bars {
		n += len(g)
		for _, b := range g {
			highest = max(highest, b.value)
		}
	}
	step := niceStep(highest)
	axisMax := max(step, step*math.Ceil(highest/step))
	y := func(v float64) int { return plotBottom - int(math.Round(v/axisMax*float64(plotBottom-plotTop))) }
	d.text(p.unit, area.Left, plotTop-22, tickSize, mutedInk)
	for k := 0; float64(k)*step <= axisMax*(1+1e-9); k++ {
		v := float64(k) * step
		d.line(left, y(v), right, y(v), gridColor)
		label := tick(v, step)
		d.text(label, left-8-d.width(label, tickSize), y(v)+4, tickSize, mutedInk)
	}
	d.line(left, plotTop-8, left, plotBottom, mutedInk)
	// Bars share the plot's width, up to maxBarWidth.
	room := right - left - groupGap*len(p.bars) - barGap*(n-len(p.bars))
	width := min(maxBarWidth, room/max(n, 1))
	// Values are written in one size, smaller when the widest is wider than a bar.
	size := float64(valueSize)
	for _, g := range p.bars {
		for _, b := range g {
			if lw := d.width(p.format(b.value), size); lw > width+barGap-2 {
				size = max(8, size*float64(width+barGap-2)/float64(lw))
			}
		}
	}
	x := left + groupGap/2
	for gi, g := range p.bars {
		start := x
		for _, b := range g {
			d.box(chart.Box{Top: y(b.value), Left: x, Right: x + width, Bottom: plotBottom}, colors[b.server])
			d.centered(p.format(b.value), x+width/2, y(b.value)-6, size, inkColor)
			x += width + barGap
		}
		d.centered(p.groups[gi], (start+x-barGap)/2, plotBottom+20, labelSize, inkColor)
		x += groupGap - barGap
	}
	d.line(left, plotBottom, right, plotBottom, mutedInk)
}

// tick formats an axis value with as many decimals as the step needs.
func tick(v, step float64) string {
	if step >= 1 {
		return thousands(v)
	}
	decimals := int(math.Ceil(-math.Log10(step) - 1e-9))
	return fmt.Sprintf("%.*f", decimals, v)
}

// niceStep is a tick step of 1, 2 or 5 times a power of ten giving four to eight
// ticks up to top.
func niceStep(top float64) float64 {
	if top <= 0 {
		return 1
	}
	raw := top / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// thousands formats a count with thousands separators: 12,345.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// millis formats milliseconds with two significant decimals below 10.
func millis(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}
