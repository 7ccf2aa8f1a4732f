package compare

import (
	"fmt"
	"strings"
)

// conformanceShown is how many failing cases the text and Markdown tables name; the
// JSON report holds every one.
const conformanceShown = 25

// conformanceTables lays out the conformance run: one row per server with its counts,
// then the disagreements (a row per differing field, the servers' values side by side),
// then the violations (a row per finding).
func conformanceTables(c *Conformance) []*table {
	var ids []string
	for _, s := range c.Servers {
		ids = append(ids, s.Template)
	}
	selected := ""
	if c.Selected != "" {
		selected = fmt.Sprintf(", the cases matching %q", c.Selected)
	}
	sum := &table{
		title:  fmt.Sprintf("Conformance: %d cases generated from the OpenAPI document %s%s", c.Cases, c.DocumentVersion, selected),
		header: []string{"server", "violations", "failing cases", "cold start ms"},
	}
	for _, s := range c.Servers {
		sum.add(s.Template, fmt.Sprint(s.Violations), fmt.Sprint(s.FailedCases), fmt.Sprintf("%.0f", s.ColdStartMs))
	}
	verdict := fmt.Sprintf("Disagreements: %d of %d cases answered differently.", c.Disagreements, c.Cases)
	if len(c.Servers) < 2 {
		verdict = "One server: nothing to compare; every answer is judged against the document."
	}
	sum.notes = []string{
		verdict,
		"Compared: status, content type, problem type/title/status/instance, validation pointers, contract headers and success bodies (ids and timestamps masked). Judged: the OpenAPI document and the contract's readings.",
	}
	if c.OK() {
		sum.notes = append(sum.notes, "Every case agreed and conformed.")
		return []*table{sum}
	}
	out := []*table{sum}

	if c.Disagreements > 0 {
		d := &table{title: "Disagreements", header: append([]string{"field"}, ids...)}
		shown := 0
		for _, res := range c.Results {
			if len(res.Differences) == 0 {
				continue
			}
			if shown == conformanceShown {
				d.notes = append(d.notes, fmt.Sprintf("… and %d more cases; --output json lists every one.", c.Disagreements-shown))
				break
			}
			shown++
			d.section("case " + res.Case + ": " + res.Method + " " + res.Target)
			for _, diff := range res.Differences {
				row := []string{diff.Field}
				for _, v := range diff.Values {
					if v == "" {
						v = "—"
					}
					row = append(row, oneLine(v, 120))
				}
				d.add(row...)
			}
		}
		out = append(out, d)
	}
	if c.Violations > 0 {
		v := &table{title: "Violations of the document or the contract", header: []string{"server", "rule", "detail"}}
		shown, failing := 0, 0
		for _, res := range c.Results {
			if len(res.Findings) > 0 {
				failing++
			}
		}
		for _, res := range c.Results {
			if len(res.Findings) == 0 {
				continue
			}
			if shown == conformanceShown {
				v.notes = append(v.notes, fmt.Sprintf("… and %d more cases; --output json lists every one.", failing-shown))
				break
			}
			shown++
			v.section("case " + res.Case + ": " + res.Method + " " + res.Target)
			for _, f := range res.Findings {
				v.add(f.Target, f.Rule, oneLine(f.Detail, 160))
			}
		}
		out = append(out, v)
	}
	return out
}

// oneLine folds s to one line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
