package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/compare"
	"github.com/stackpick/stackpick/generator/project"
)

type compareOptions struct {
	answerFlags
	stacks      []string
	bench       bool
	duration    time.Duration
	warmup      time.Duration
	connections int
	rounds      int
	output      string
	chart       string
	// benchFlags are the --bench settings typed, which mean nothing without it.
	benchFlags  []string
	conformance bool
	cases       string
	// conformanceFlags are the --conformance settings typed, which mean nothing without it.
	conformanceFlags []string
}

func newCompareCmd(e *env) *cobra.Command {
	o := &compareOptions{}
	c := &cobra.Command{
		Use:   "compare",
		Short: "Put the skeletons side by side: structure, parity, files by role; with --bench, speed",
		Long: `Render every chosen stack's template with the same answers (in memory) and compare
them: files, lines of code by kind, direct dependencies; a parity table of the
contract's endpoints and settings, tests, lint, Dockerfile, CI workflow and
WebSocket, derived from the manifests and the generated files; and the files paired
by role, with those that have no counterpart called out.

Answers resolve as for 'stackpick new' (--set, --answers, STACKPICK_<KEY>, a prompt on
a terminal, --yes for defaults); the decision questions are not needed.

--bench also installs each skeleton and its stack's bare framework (a minimal app with
the same /livez) into a temporary folder, then in each round boots each one on
loopback (cold start to ready), warms it up and loads it with vegeta for --duration:
GET /livez on every server, and a mix of GET /livez, GET /v1/items and POST
/v1/items on the skeletons. The skeleton is installed and loaded once per database,
whatever --set database says: memory, sqlite (a new file in a temporary folder for
every boot) and postgres (a new database on a throwaway PostgreSQL server it starts
when initdb and postgres are found, else postgres is skipped and the report says
why); every boot has MIGRATE_ON_START=1, so cold starts include the migrations, and
/livez is loaded on the first of them only. It reports requests per second,
p50/p90/p99 latency, errors, peak RSS, install time and size, each as a ratio to the
first stack's server of the same kind and database, each skeleton's /livez
throughput as a share of its bare framework's, and the mix per stack and database.
The load generator and the PostgreSQL server share the machine. Every process is
stopped at the end, and on Ctrl-C (exit 130).

--conformance also installs each skeleton into a temporary folder, boots each one on
loopback with the contract's default settings (with database sqlite or postgres, on a
fresh SQLite file or a new database on a throwaway PostgreSQL server, migrated at
start), and sends every one the conformance corpus: about 200 valid, boundary and
mutated requests generated from the contract's OpenAPI document (--cases REGEXP keeps
the cases whose name matches). Each answer is compared with the other skeleton's
(status, content type, problem type, title, status and instance, validation
pointers, contract headers, success bodies) and judged against the document and the
contract's readings. The report lists the disagreements and the violations per
skeleton; the exit code is 4 when there is any.

` + exitCodesHelp(exitOK, exitFailure, exitUsage, exitVerify, exitInterrupted),
		Example: `  stackpick compare --yes
  stackpick compare --yes --set features=docker,ci,websocket --output markdown
  stackpick compare --yes --bench --duration 10s --connections 50 --chart bench.svg
  stackpick compare --yes --bench --duration 2s --rounds 2 --output json > compare.json
  stackpick compare --yes --conformance
  stackpick compare --yes --conformance --cases 'createItem/.*quantity' --output json`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(c *cobra.Command, args []string) error {
			for _, f := range []string{"duration", "warmup", "connections", "rounds", "chart"} {
				if c.Flags().Changed(f) {
					o.benchFlags = append(o.benchFlags, f)
				}
			}
			for _, f := range []string{"cases"} {
				if c.Flags().Changed(f) {
					o.conformanceFlags = append(o.conformanceFlags, f)
				}
			}
			return compareRun(c.Context(), e, o)
		},
	}
	o.register(c, e)
	c.Flags().StringSliceVar(&o.stacks, "stacks", nil, "the stacks to compare, in order; the first is the one ratios are taken against (default: every stack)")
	c.Flags().BoolVar(&o.bench, "bench", false, "also install, boot and load each skeleton and its bare framework")
	c.Flags().DurationVar(&o.duration, "duration", 10*time.Second, "with --bench: how long each workload loads each server, per round")
	c.Flags().DurationVar(&o.warmup, "warmup", 0, "with --bench: /livez load after each boot before measuring (default: a fifth of --duration, at most 2s)")
	c.Flags().IntVar(&o.connections, "connections", 50, "with --bench: concurrent connections, each sending its next request when answered")
	c.Flags().IntVar(&o.rounds, "rounds", 3, "with --bench: rounds; each boots and loads every server in turn")
	c.Flags().StringVar(&o.chart, "chart", "", "with --bench: also draw throughput and p99 latency as an SVG bar chart into `FILE.svg`")
	c.Flags().BoolVar(&o.conformance, "conformance", false, "also install and boot each skeleton and send each the conformance corpus; disagreements or violations exit 4")
	c.Flags().StringVar(&o.cases, "cases", "", "with --conformance: only the corpus cases whose name matches this `REGEXP` (e.g. 'createItem/')")
	addOutputFlag(c, &o.output, "text", "markdown", "json")
	_ = c.RegisterFlagCompletionFunc("stacks", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cat, err := e.catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return cat.Stacks(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func compareRun(ctx context.Context, e *env, o *compareOptions) error {
	if err := checkOutput(o.output, "text", "markdown", "json"); err != nil {
		return err
	}
	if !o.bench && len(o.benchFlags) > 0 {
		return &usageError{fmt.Errorf("--%s sets up the benchmark; add --bench", o.benchFlags[0])}
	}
	if !o.conformance && len(o.conformanceFlags) > 0 {
		return &usageError{fmt.Errorf("--%s chooses conformance cases; add --conformance", o.conformanceFlags[0])}
	}
	var cases *regexp.Regexp
	if o.cases != "" {
		var err error
		if cases, err = regexp.Compile(o.cases); err != nil {
			return &usageError{fmt.Errorf("--cases %q is not a regular expression: %v", o.cases, err)}
		}
	}
	if o.bench && (o.duration <= 0 || o.connections < 1 || o.rounds < 1 || o.warmup < 0) {
		return &usageError{fmt.Errorf("--duration, --connections and --rounds must be positive, --warmup not negative")}
	}
	cat, err := e.catalog()
	if err != nil {
		return err
	}
	stacks := o.stacks
	if len(stacks) == 0 {
		stacks = cat.Stacks()
	}
	var templates []*catalog.Template
	for _, s := range stacks {
		t := cat.ForStack(s)
		if t == nil {
			return &answers.InvalidError{Key: "stacks", Value: s, Allowed: cat.Stacks(), Where: "--stacks"}
		}
		if slices.Contains(templates, t) {
			return &usageError{fmt.Errorf("--stacks names %s twice", s)}
		}
		templates = append(templates, t)
	}
	projects, err := project.Several(cat, o.sources(e), templates)
	if err != nil {
		return err
	}
	var subjects []compare.Subject
	for _, p := range projects {
		plan, err := p.Plan(generatedBy())
		if err != nil {
			return err
		}
		subjects = append(subjects, compare.Subject{Template: p.Template, Data: p.Data, Files: plan.Rendered()})
	}
	a := projects[0].Answers
	rep, err := compare.Structure(compare.Answers{Name: a.Get(answers.KeyName), Description: a.Get(answers.KeyDescription), Features: a.List(answers.KeyFeatures)}, subjects)
	if err != nil {
		return err
	}
	if o.bench {
		if rep.Bench, err = runBench(ctx, e, o, cat, projects); err != nil {
			return err
		}
		if o.chart != "" {
			if err := writeChart(o.chart, rep.Bench); err != nil {
				return err
			}
		}
	}
	if o.conformance {
		if rep.Conformance, err = runConformance(ctx, e, cases, projects); err != nil {
			return err
		}
	}
	switch o.output {
	case "json":
		err = compare.WriteJSON(e.io.Out, rep)
	case "markdown":
		err = compare.WriteMarkdown(e.io.Out, rep)
	default:
		err = compare.WriteTextWidth(e.io.Out, rep, e.io.Width())
	}
	if err != nil {
		return err
	}
	if c := rep.Conformance; c != nil && !c.OK() {
		return &verifyFailedError{failed: []string{fmt.Sprintf("conformance (%d disagreements, %d violations)", c.Disagreements, c.Violations)}}
	}
	return nil
}

// runConformance sends the conformance corpus to every skeleton, installed and booted in
// a temporary folder it removes afterwards; progress goes to stderr.
func runConformance(ctx context.Context, e *env, cases *regexp.Regexp, projects []*project.Project) (*compare.Conformance, error) {
	var targets []compare.BenchTarget
	for _, p := range projects {
		targets = append(targets, compare.BenchTarget{Template: p.Template, Data: p.Data, Kind: compare.KindSkeleton})
	}
	dir, err := os.MkdirTemp("", "stackpick-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	c, err := compare.RunConformance(ctx, compare.ConformanceOptions{
		Dir: dir, Cases: cases, WebSocket: projects[0].Data.Features["websocket"],
		Progress: func(s string) { fmt.Fprintf(e.io.ErrOut, "compare: %s\n", s) },
	}, targets)
	if errors.Is(err, compare.ErrConformanceTargets) || errors.Is(err, compare.ErrNoCases) {
		return nil, &usageError{err}
	}
	return c, err
}

// runBench benchmarks each skeleton and its bare framework, in a temporary folder it
// removes afterwards; progress goes to stderr.
func runBench(ctx context.Context, e *env, o *compareOptions, cat *catalog.Catalog, projects []*project.Project) (*compare.Bench, error) {
	var targets []compare.BenchTarget
	for _, p := range projects {
		// The skeleton once per database it supports; /livez on the first only.
		first := true
		for _, db := range compare.BenchDatabases {
			if !slices.Contains(p.Template.Databases, db) {
				continue
			}
			data := p.Data
			data.Database = db
			targets = append(targets, compare.BenchTarget{Template: p.Template, Data: data, Kind: compare.KindSkeleton, MixOnly: !first})
			first = false
		}
		if first {
			targets = append(targets, compare.BenchTarget{Template: p.Template, Data: p.Data, Kind: compare.KindSkeleton})
		}
		bare := compare.BareFor(cat, p.Template.Stack)
		if bare == nil {
			return nil, fmt.Errorf("compare: no bare framework template for stack %s (an internal template with stack: %s)", p.Template.Stack, p.Template.Stack)
		}
		bp := project.ForTemplate(p.Schema, p.Answers, bare)
		targets = append(targets, compare.BenchTarget{Template: bare, Data: bp.Data, Kind: compare.KindBare})
	}
	dir, err := os.MkdirTemp("", "stackpick-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	warmup := o.warmup
	if warmup == 0 {
		warmup = min(o.duration/5, 2*time.Second)
	}
	return compare.Run(ctx, compare.BenchOptions{
		Dir: dir, Duration: o.duration, Warmup: warmup, Connections: o.connections, Rounds: o.rounds,
		Progress: func(s string) { fmt.Fprintf(e.io.ErrOut, "compare: %s\n", s) },
	}, targets)
}

func writeChart(path string, b *compare.Bench) error {
	if !strings.HasSuffix(path, ".svg") {
		return &usageError{fmt.Errorf("--chart %s: the chart is SVG; name the file .svg", path)}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := compare.WriteChart(f, b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
