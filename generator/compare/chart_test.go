package compare

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sampleBench is a fixed benchmark of two stacks, each skeleton with its bare
// framework, in the shape Run returns (the figures are made up, not measured).
func sampleBench() *Bench {
	res := func(workload string, rps, p99 float64) Result {
		return Result{Workload: workload, RPS: rps, P50Ms: p99 / 4, P90Ms: p99 / 2, P99Ms: p99, Requests: uint64(rps * 10)}
	}
	return &Bench{
		Machine:     Machine{Cores: 2, CPU: "test CPU", OS: "linux", Arch: "amd64", Note: machineNote},
		Seconds:     10,
		Warmup:      2,
		Connections: 10,
		Rounds:      3,
		Workloads: []Workload{
			{Name: WorkloadLivez, Requests: []string{"GET /livez"}, Servers: "every server"},
			{Name: WorkloadMix, Requests: []string{"GET /livez", "GET /v1/items", "POST /v1/items"}, Servers: "skeletons"},
		},
		Servers: []ServerMeas{
			{Template: "node-express", Stack: "node", Kind: KindSkeleton, Results: []Result{res(WorkloadLivez, 9120, 3.8), res(WorkloadMix, 6340, 5.6)}},
			{Template: "bare-node-express", Stack: "node", Kind: KindBare, Results: []Result{res(WorkloadLivez, 11250, 2.9)}},
			{Template: "python-fastapi", Stack: "python", Kind: KindSkeleton, Results: []Result{res(WorkloadLivez, 4410, 7.4), res(WorkloadMix, 2980, 12.6)}},
			{Template: "bare-python-fastapi", Stack: "python", Kind: KindBare, Results: []Result{res(WorkloadLivez, 5870, 5.2)}},
		},
	}
}

// parseSVG returns every text element's content and every path's fill, in order,
// failing the test when the SVG is not well-formed XML.
func parseSVG(t *testing.T, svg []byte) (texts, fills []string) {
	t.Helper()
	fill := regexp.MustCompile(`fill:(rgba\([^)]*\))`)
	dec := xml.NewDecoder(bytes.NewReader(svg))
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			inText = el.Name.Local == "text"
			if el.Name.Local == "path" {
				for _, a := range el.Attr {
					if m := fill.FindStringSubmatch(a.Value); a.Name.Local == "style" && m != nil {
						fills = append(fills, m[1])
					}
				}
			}
		case xml.CharData:
			if inText {
				texts = append(texts, string(el))
			}
		case xml.EndElement:
			inText = false
		}
	}
	return texts, fills
}

// The chart writes every bar's value, names every server in the legend and every
// workload under its group, and colours bars by stack: a skeleton and its bare
// framework in two shades of one colour, each stack its own.
func TestChartShowsValuesAndColoursByStack(t *testing.T) {
	b := sampleBench()
	var buf bytes.Buffer
	if err := WriteChart(&buf, b); err != nil {
		t.Fatal(err)
	}
	texts, fills := parseSVG(t, buf.Bytes())
	for _, want := range []string{
		"9,120", "11,250", "4,410", "5,870", "6,340", "2,980", // throughput
		"3.80", "2.90", "7.40", "5.20", "5.60", "12.6", // p99
		"node-express", "bare-node-express (bare framework)", "python-fastapi", "bare-python-fastapi (bare framework)",
		"livez", "mix (skeletons)", "Workloads, sent round robin on each connection: livez: GET /livez; mix: GET /livez, GET /v1/items, POST /v1/items.",
		"Throughput, requests per second (higher is better)", "p99 latency, milliseconds (lower is better)", "req/s", "ms",
	} {
		if !slices.Contains(texts, want) {
			t.Errorf("no text %q in the chart", want)
		}
	}
	colors := serverColors(b)
	if colors["node-express"] == colors["python-fastapi"] || colors["node-express"] == colors["bare-node-express"] {
		t.Errorf("colours: %v", colors)
	}
	// A bare framework's colour is its skeleton's, lighter: same hue order.
	for _, pair := range [][2]string{{"node-express", "bare-node-express"}, {"python-fastapi", "bare-python-fastapi"}} {
		s, bare := colors[pair[0]], colors[pair[1]]
		if lighter(s, 0.55) != bare {
			t.Errorf("%s is not a lighter shade of %s", pair[1], pair[0])
		}
	}
	// Each server's colour fills its bars: one per workload it ran, in both panels
	// (and once in the legend).
	for _, m := range b.Servers {
		want := 2*len(m.Results) + 1
		if got := strings.Count(strings.Join(fills, " "), colors[m.Template].String()); got != want {
			t.Errorf("%s: %d shapes in its colour, want %d", m.Template, got, want)
		}
	}
	if p := os.Getenv("COMPARE_CHART_OUT"); p != "" {
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChartWithoutBenchIsAnError(t *testing.T) {
	if err := WriteChart(io.Discard, nil); err == nil {
		t.Error("no error for a nil benchmark")
	}
}

func TestNiceStepAndFormats(t *testing.T) {
	for top, want := range map[float64]float64{11250: 5000, 12.6: 5, 1: 0.2, 0.04: 0.01} {
		if got := niceStep(top); got != want {
			t.Errorf("niceStep(%v) = %v, want %v", top, got, want)
		}
	}
	if thousands(1234567) != "1,234,567" || thousands(999) != "999" || millis(3.8) != "3.80" || millis(12.62) != "12.6" {
		t.Errorf("formats: %s %s %s %s", thousands(1234567), thousands(999), millis(3.8), millis(12.62))
	}
}
