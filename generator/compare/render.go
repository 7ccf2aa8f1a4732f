package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// table is a header and rows of cells, written as text fitted to a width or as
// Markdown. A row of a single cell is a section heading across the table.
type table struct {
	title  string
	header []string
	rows   [][]string
	notes  []string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) section(name string) { t.rows = append(t.rows, []string{name}) }

func (t *table) markdown(w io.Writer) error {
	fmt.Fprintf(w, "### %s\n\n", t.title)
	cells := make([]string, len(t.header))
	for i, h := range t.header {
		cells[i] = mdCell(h)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(t.header)))
	for _, r := range t.rows {
		cells := make([]string, len(t.header))
		for i := range cells {
			if i < len(r) {
				cells[i] = mdCell(r[i])
			}
		}
		if len(r) == 1 {
			cells[0] = "**" + cells[0] + "**"
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

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
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

	// Markdown keeps the group in a column; text puts each group under a heading to
	// leave the room to the skeletons' columns.
	par := &table{title: "Parity (derived from the manifests and the generated files)", header: append([]string{""}, ids...)}
	if markdown {
		par.header = append([]string{""}, par.header...)
	}
	group := ""
	for _, row := range r.Parity {
		cells := []string{row.Name}
		if markdown {
			cells = append([]string{row.Group}, cells...)
		} else if row.Group != group {
			par.section(row.Group)
		}
		group = row.Group
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
		for i, fs := range ro.Files {
			if ro.Sections != nil {
				fs = append(slices.Clip(fs), ro.Sections[i]...)
			}
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
	if r.Conformance != nil {
		out = append(out, conformanceTables(r.Conformance)...)
	}
	return out
}

// benchTables lays out the benchmark: the figures per workload, then the figures per
// server (memory, start, install), so that neither table needs a dozen columns.
func benchTables(b *Bench) []*table {
	t := &table{
		title: fmt.Sprintf("Benchmark: %d rounds, %g s per workload after %g s warm-up, %d connections; medians across rounds",
			b.Rounds, b.Seconds, b.Warmup, b.Connections),
		// The kind is in the servers table; leaving it out here keeps 80 columns.
		header: []string{"server", "workload", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors"},
	}
	srv := &table{title: "Servers", header: []string{"server", "kind", "peak RSS", "cold start ms", "install s", "installed"}}
	for _, m := range b.Servers {
		rt := m.Ratios
		for _, res := range m.Results {
			var wr map[string]float64
			if rt != nil {
				wr = rt.Workloads[res.Workload]
			}
			t.add(m.Name(), res.Workload,
				withRatio(fmt.Sprintf("%.0f", res.RPS), wr, "requests_per_second"),
				withRatio(fmt.Sprintf("%.2f", res.P50Ms), wr, "p50_ms"),
				withRatio(fmt.Sprintf("%.2f", res.P90Ms), wr, "p90_ms"),
				withRatio(fmt.Sprintf("%.2f", res.P99Ms), wr, "p99_ms"),
				fmt.Sprint(res.Errors))
		}
		var r map[string]float64
		if rt != nil {
			r = map[string]float64{"rss": rt.PeakRSSBytes, "cold": rt.ColdStartMs, "install": rt.InstallSeconds, "size": rt.InstalledBytes}
		}
		srv.add(m.Name(), m.Kind,
			withRatio(humanBytes(m.PeakRSSBytes), r, "rss"),
			withRatio(fmt.Sprintf("%.0f", m.ColdStartMs), r, "cold"),
			withRatio(fmt.Sprintf("%.1f", m.InstallSeconds), r, "install"),
			withRatio(humanBytes(m.InstalledBytes), r, "size"))
	}
	var runtimes []string
	for _, m := range b.Servers {
		if r := m.Stack + " " + m.Runtime; m.Runtime != "" && m.Kind == KindSkeleton && !slices.Contains(runtimes, r) {
			runtimes = append(runtimes, r)
		}
	}
	t.notes = []string{
		fmt.Sprintf("Machine: %d cores, %s (%s/%s); runtimes: %s.", b.Machine.Cores, b.Machine.CPU, b.Machine.OS, b.Machine.Arch, listOr(runtimes, "unknown")),
		"Note: " + b.Machine.Note + ".",
		"(×N) is the figure divided by the first stack's, skeleton to skeleton (on the same database) and bare to bare.",
	}
	for _, w := range b.Workloads {
		t.notes = append(t.notes, fmt.Sprintf("Workload %s (%s): %s, round robin on each connection.", w.Name, w.Servers, strings.Join(w.Requests, ", ")))
	}
	srv.notes = []string{"Peak RSS is the server process's VmHWM; installed is the size of what the install step added (node_modules, .venv)."}

	o := &table{title: "Skeleton vs bare framework on GET /livez", header: []string{"skeleton", "bare framework", "throughput ratio", "per round", "p99 ratio", "peak RSS ratio"}}
	for _, x := range b.Overhead {
		var rounds []string
		for _, r := range x.RoundRatios {
			rounds = append(rounds, fmt.Sprintf("%.2f", r))
		}
		o.add(x.Skeleton, x.Bare, fmt.Sprintf("%.2f", x.Ratio), strings.Join(rounds, " "), fmt.Sprintf("%.2f", x.P99Ratio), fmt.Sprintf("%.2f", x.RSSRatio))
	}
	o.notes = []string{"Throughput ratio: the skeleton's requests per second as a share of its bare framework's, the median of the rounds' ratios (goal: at least 0.85)."}
	return []*table{t, srv, o, databaseTable(b)}
}

// databaseTable puts each stack's CRUD mix side by side per database.
func databaseTable(b *Bench) *table {
	d := &table{title: "CRUD mix by database", header: []string{"stack", "template", "database", "req/s", "p99 ms", "errors"}}
	for _, x := range b.MixByDatabase {
		d.add(x.Stack, x.Template, x.Database, fmt.Sprintf("%.0f", x.RPS), fmt.Sprintf("%.2f", x.P99Ms), fmt.Sprint(x.Errors))
	}
	d.notes = []string{"On sqlite and postgres each boot gets a fresh database (a new SQLite file in a temporary folder; a new database on a throwaway PostgreSQL server on this machine), migrated at start (MIGRATE_ON_START=1)."}
	for _, s := range b.Skipped {
		d.notes = append(d.notes, fmt.Sprintf("Skipped %s: %s", s.Database, s.Reason))
	}
	return d
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

// WriteTextWidth writes the report as tables whose lines fit width columns (the
// terminal's width; DefaultWidth when 0 or less, never under 40): cells wrap inside
// their columns, and a table too wide for columns prints a block per row.
func WriteTextWidth(w io.Writer, r *Report, width int) error {
	writeWrapped(w, fmt.Sprintf("Comparing %s with the same answers.", strings.Join(templateIDs(r), ", ")), fitWidth(width), "", "")
	fmt.Fprintln(w)
	for _, t := range tables(r, false) {
		if err := t.text(w, width); err != nil {
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
