package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// table is a header and rows of cells, written as aligned text or as Markdown.
type table struct {
	title  string
	header []string
	rows   [][]string
	notes  []string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) text(w io.Writer) error {
	fmt.Fprintln(w, t.title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  "+strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, "  "+strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range t.notes {
		fmt.Fprintln(w, "  "+n)
	}
	_, err := fmt.Fprintln(w)
	return err
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func (t *table) markdown(w io.Writer) error {
	fmt.Fprintf(w, "### %s\n\n", t.title)
	cells := make([]string, len(t.header))
	for i, h := range t.header {
		cells[i] = mdCell(h)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(t.header)))
	for _, r := range t.rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = mdCell(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	if len(t.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.notes {
			fmt.Fprintln(w, n)
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// tables lays the report out; markdown chooses marks that read well on GitHub.
func tables(r *Report, markdown bool) []*table {
	yes, no := "yes", "no"
	if markdown {
		yes, no = "✅", "❌"
	}
	var ids []string
	for _, s := range r.Skeletons {
		ids = append(ids, s.Template)
	}
	header := append([]string{""}, ids...)

	sk := &table{title: "Skeletons", header: header}
	col := func(name string, f func(Skeleton) string) {
		row := []string{name}
		for _, s := range r.Skeletons {
			row = append(row, f(s))
		}
		sk.add(row...)
	}
	col("stack", func(s Skeleton) string { return s.Stack })
	col("framework", func(s Skeleton) string { return s.Framework })
	col("files", func(s Skeleton) string { return fmt.Sprint(s.Files) })
	col("lines of code: app", func(s Skeleton) string { return fmt.Sprint(s.Lines.App) })
	col("lines of code: tests", func(s Skeleton) string { return fmt.Sprint(s.Lines.Tests) })
	col("lines of code: config", func(s Skeleton) string { return fmt.Sprint(s.Lines.Config) })
	col("lines: docs", func(s Skeleton) string { return fmt.Sprint(s.Lines.Docs) })
	col("lines: lockfile", func(s Skeleton) string { return fmt.Sprint(s.Lines.Lock) })
	col("runtime dependencies", func(s Skeleton) string { return deps(s.Runtime) })
	col("dev dependencies", func(s Skeleton) string { return deps(s.Dev) })
	sk.notes = []string{fmt.Sprintf("Answers: name %s, features %s. Lines of code leave out blank and comment-only lines.",
		r.Answers.Name, listOr(r.Answers.Features, "none"))}

	par := &table{title: "Parity (derived from the manifests and the generated files)", header: append([]string{"", ""}, ids...)}
	for _, row := range r.Parity {
		cells := []string{row.Group, row.Name}
		for _, c := range row.Cells {
			mark := no
			if c.Present {
				mark = yes
			}
			cells = append(cells, mark+" "+c.Detail)
		}
		par.add(cells...)
	}

	roles := &table{title: "Files by role", header: append([]string{"role"}, ids...)}
	for _, ro := range r.Roles {
		cells := []string{ro.Role}
		for _, fs := range ro.Files {
			cells = append(cells, listOr(fs, "—"))
		}
		roles.add(cells...)
	}
	if len(r.Unpaired) == 0 {
		roles.notes = []string{"Every file has a counterpart."}
	} else {
		roles.notes = []string{"No counterpart:"}
		for _, u := range r.Unpaired {
			roles.notes = append(roles.notes, fmt.Sprintf("- %s %s (%s): none in %s", u.Template, u.Path, u.Role, strings.Join(u.Missing, ", ")))
		}
	}
	out := []*table{sk, par, roles}
	if r.Bench != nil {
		out = append(out, benchTables(r.Bench)...)
	}
	return out
}

func benchTables(b *Bench) []*table {
	t := &table{
		title: fmt.Sprintf("Benchmark: %d rounds, %g s per workload after %g s warm-up, %d connections; medians across rounds",
			b.Rounds, b.Seconds, b.Warmup, b.Connections),
		header: []string{"server", "kind", "workload", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "peak RSS", "cold start ms", "install s", "installed"},
	}
	for _, m := range b.Servers {
		rt := m.Ratios
		for k, res := range m.Results {
			var wr map[string]float64
			if rt != nil {
				wr = rt.Workloads[res.Workload]
			}
			row := []string{m.Template, m.Kind, res.Workload,
				withRatio(fmt.Sprintf("%.0f", res.RPS), wr, "requests_per_second"),
				withRatio(fmt.Sprintf("%.2f", res.P50Ms), wr, "p50_ms"),
				withRatio(fmt.Sprintf("%.2f", res.P90Ms), wr, "p90_ms"),
				withRatio(fmt.Sprintf("%.2f", res.P99Ms), wr, "p99_ms"),
				fmt.Sprint(res.Errors),
			}
			if k == 0 {
				var r map[string]float64
				if rt != nil {
					r = map[string]float64{"rss": rt.PeakRSSBytes, "cold": rt.ColdStartMs, "install": rt.InstallSeconds, "size": rt.InstalledBytes}
				}
				row = append(row,
					withRatio(humanBytes(m.PeakRSSBytes), r, "rss"),
					withRatio(fmt.Sprintf("%.0f", m.ColdStartMs), r, "cold"),
					withRatio(fmt.Sprintf("%.1f", m.InstallSeconds), r, "install"),
					withRatio(humanBytes(m.InstalledBytes), r, "size"))
			} else {
				row = append(row, "", "", "", "")
			}
			t.add(row...)
		}
	}
	var runtimes []string
	for _, m := range b.Servers {
		if m.Runtime != "" && m.Kind == KindSkeleton {
			runtimes = append(runtimes, m.Stack+" "+m.Runtime)
		}
	}
	t.notes = []string{
		fmt.Sprintf("Machine: %d cores, %s (%s/%s); runtimes: %s.", b.Machine.Cores, b.Machine.CPU, b.Machine.OS, b.Machine.Arch, listOr(runtimes, "unknown")),
		"Note: " + b.Machine.Note + ".",
		"(×N) is the figure divided by the first stack's, skeleton to skeleton and bare to bare.",
	}
	for _, w := range b.Workloads {
		t.notes = append(t.notes, fmt.Sprintf("Workload %s (%s): %s, round robin on each connection.", w.Name, w.Servers, strings.Join(w.Requests, ", ")))
	}
	t.notes = append(t.notes, "Peak RSS is the server process's VmHWM; installed is the size of what the install step added (node_modules, .venv).")

	o := &table{title: "Skeleton vs bare framework on GET /livez", header: []string{"skeleton", "bare framework", "throughput ratio", "per round", "p99 ratio", "peak RSS ratio"}}
	for _, x := range b.Overhead {
		var rounds []string
		for _, r := range x.RoundRatios {
			rounds = append(rounds, fmt.Sprintf("%.2f", r))
		}
		o.add(x.Skeleton, x.Bare, fmt.Sprintf("%.2f", x.Ratio), strings.Join(rounds, " "), fmt.Sprintf("%.2f", x.P99Ratio), fmt.Sprintf("%.2f", x.RSSRatio))
	}
	o.notes = []string{"Throughput ratio: the skeleton's requests per second as a share of its bare framework's, the median of the rounds' ratios (goal: at least 0.85)."}
	return []*table{t, o}
}

func withRatio(v string, r map[string]float64, key string) string {
	if x, ok := r[key]; ok && x > 0 {
		return fmt.Sprintf("%s (×%.2f)", v, x)
	}
	return v
}

func deps(ds []Dependency) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Name+" "+d.Version)
	}
	return listOr(parts, "none")
}

func listOr(xs []string, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	return strings.Join(xs, ", ")
}

// WriteText writes the report as aligned tables for a terminal.
func WriteText(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "Comparing %s with the same answers.\n\n", strings.Join(templateIDs(r), ", "))
	for _, t := range tables(r, false) {
		if err := t.text(w); err != nil {
			return err
		}
	}
	return nil
}

// WriteMarkdown writes the report as Markdown, e.g. for a pull request comment.
func WriteMarkdown(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "## stackpick compare: %s\n\n", strings.Join(templateIDs(r), " vs "))
	for _, t := range tables(r, true) {
		if err := t.markdown(w); err != nil {
			return err
		}
	}
	return nil
}

func templateIDs(r *Report) []string {
	var ids []string
	for _, s := range r.Skeletons {
		ids = append(ids, s.Template)
	}
	return ids
}
