package compare

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	chart "github.com/wcharczuk/go-chart/v2"
)

const (
	chartWidth  = 1100
	chartHeight = 420
)

// WriteChart draws the benchmark as one SVG with two bar charts, throughput and p99
// latency, a bar per server and workload (go-chart renders each).
func WriteChart(w io.Writer, b *Bench) error {
	if b == nil {
		return errors.New("compare: no benchmark to chart")
	}
	var rps, p99 []chart.Value
	for _, m := range b.Servers {
		for _, r := range m.Results {
			label := m.Template + " " + r.Workload
			rps = append(rps, chart.Value{Label: label, Value: r.RPS})
			p99 = append(p99, chart.Value{Label: label, Value: r.P99Ms})
		}
	}
	var parts [][]byte
	for _, c := range []struct {
		title  string
		bars   []chart.Value
		format string
	}{
		{fmt.Sprintf("Throughput, requests per second (%d connections, median of %d rounds)", b.Connections, b.Rounds), rps, "%.0f"},
		{"p99 latency, ms (lower is better)", p99, "%.1f"},
	} {
		format := c.format
		top := 0.0
		for _, v := range c.bars {
			top = max(top, v.Value)
		}
		if top <= 0 {
			top = 1
		}
		bc := chart.BarChart{
			Title:      c.title,
			Width:      chartWidth,
			Height:     chartHeight,
			BarWidth:   70,
			BarSpacing: 100,
			Background: chart.Style{Padding: chart.Box{Top: 50, Left: 20, Right: 20, Bottom: 20}},
			XAxis:      chart.Style{FontSize: 8},
			YAxis: chart.YAxis{Style: chart.Style{FontSize: 9}, Range: &chart.ContinuousRange{Min: 0, Max: top * 1.1},
				ValueFormatter: func(v any) string {
					if f, ok := v.(float64); ok {
						return fmt.Sprintf(format, f)
					}
					return fmt.Sprint(v)
				}},
			Bars: c.bars,
		}
		var buf bytes.Buffer
		if err := bc.Render(chart.SVG, &buf); err != nil {
			return fmt.Errorf("compare: chart: %w", err)
		}
		parts = append(parts, buf.Bytes())
	}
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n",
		chartWidth, chartHeight*len(parts), chartWidth, chartHeight*len(parts))
	for i, p := range parts {
		s := string(p)
		if j := strings.Index(s, "?>"); strings.HasPrefix(s, "<?xml") && j >= 0 {
			s = s[j+2:]
		}
		s = strings.Replace(s, "<svg ", fmt.Sprintf(`<svg y="%d" width="%d" height="%d" `, i*chartHeight, chartWidth, chartHeight), 1)
		if _, err := io.WriteString(w, s+"\n"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "</svg>\n")
	return err
}
