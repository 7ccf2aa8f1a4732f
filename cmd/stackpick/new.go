package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/recommend"
	"github.com/stackpick/stackpick/generator/steps"
	"github.com/stackpick/stackpick/generator/verify"
)

type newOptions struct {
	answerFlags
	dir      string
	stack    string
	template string
	// stackSet and templateSet record whether the flags were typed: only then do they
	// answer the key (with the rank of --set).
	stackSet, templateSet bool
	dryRun                bool
	install               bool
	verify                bool
	git                   bool
	conflict              string
	output                string
}

func newNewCmd(e *env) *cobra.Command {
	o := &newOptions{}
	c := &cobra.Command{
		Use:   "new [DIR]",
		Short: "Generate a starter project for the recommended (or chosen) stack",
		Long: `Generate a starter backend into DIR (by default a folder named after the project).

The answers are resolved (see 'stackpick --help' for the order), the stack is
recommended from the decision questions unless --stack or --template chooses it,
the template is rendered in memory, then written through a staging folder next to
DIR and moved into place, so a failure or Ctrl-C leaves DIR as it was. A folder
that has files is refused (exit 3) before any question, unless --conflict says
otherwise.

Every project gets .stackpick.yml, its answers: 'stackpick new --answers
DIR/.stackpick.yml OTHER' generates the same project again, byte for byte.

` + exitCodesHelp(exitOK, exitFailure, exitUsage, exitConflict, exitVerify, exitInterrupted),
		Example: `  stackpick new demo --yes
  stackpick new api --stack python --set name=orders-api --set features=docker,ci --yes
  stackpick new svc --answers answers.yml --dry-run
  STACKPICK_WORKLOAD=realtime stackpick new chat --yes --output json`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			o.stackSet, o.templateSet = c.Flags().Changed(flagStack), c.Flags().Changed(flagTemplate)
			return newRun(c.Context(), e, o)
		},
	}
	o.register(c, e)
	withSetKeys(c, e)
	c.Flags().StringVar(&o.stack, flagStack, answers.StackAuto, "the stack: auto (recommend one), or a stack of 'stackpick templates'")
	c.Flags().StringVar(&o.template, flagTemplate, "", "the template `ID` (default: the stack's template)")
	c.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the plan (every file with its size and action) and write nothing")
	c.Flags().BoolVar(&o.install, "install", false, "after writing, install the dependencies (npm ci; uv sync or a virtual environment for Python)")
	c.Flags().BoolVar(&o.verify, "verify", false, "after writing, run 'stackpick verify' on the project (installs, lints, tests, boots and probes it)")
	c.Flags().BoolVar(&o.git, "git", false, "after writing, run git init and make a first commit")
	c.Flags().StringVar(&o.conflict, "conflict", string(generator.PolicyError), "when DIR has files: "+strings.Join(generator.Policies, "|"))
	addOutputFlag(c, &o.output, "text", "json")
	_ = c.RegisterFlagCompletionFunc("conflict", fixedCompletions(generator.Policies...))
	_ = c.RegisterFlagCompletionFunc(flagStack, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cat, err := e.catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return append([]string{answers.StackAuto}, cat.Stacks()...), cobra.ShellCompDirectiveNoFileComp
	})
	_ = c.RegisterFlagCompletionFunc(flagTemplate, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cat, err := e.catalog()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return cat.IDs(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// newResult is what `new --output json` prints.
type newResult struct {
	SchemaVersion  int                       `json:"schema_version"`
	Target         string                    `json:"target"`
	Template       string                    `json:"template"`
	Stack          string                    `json:"stack"`
	DryRun         bool                      `json:"dry_run"`
	Files          []*generator.File         `json:"files"`
	Answers        map[string]any            `json:"answers"`
	Recommendation *recommend.Recommendation `json:"recommendation"`
	PostSteps      []string                  `json:"post_steps"`
	PostResults    []postStepResult          `json:"post_step_results,omitempty"`
}

func newRun(ctx context.Context, e *env, o *newOptions) error {
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	if !slices.Contains(generator.Policies, o.conflict) {
		return &usageError{fmt.Errorf("--conflict %q: allowed values: %s", o.conflict, strings.Join(generator.Policies, ", "))}
	}
	cat, err := e.catalog()
	if err != nil {
		return err
	}
	req := project.Request{Catalog: cat, Dir: o.dir, Policy: generator.Policy(o.conflict), Sources: o.sources(e)}
	if o.stackSet {
		req.Dedicated = append(req.Dedicated, project.Dedicated{Flag: "--" + flagStack, Key: answers.KeyStack, Value: o.stack})
	}
	if o.templateSet {
		req.Dedicated = append(req.Dedicated, project.Dedicated{Flag: "--" + flagTemplate, Key: answers.KeyTemplate, Value: o.template})
	}
	interactive := req.Asker != nil
	if interactive {
		req.PickStack = func(rec *recommend.Recommendation) (string, error) { return pickStack(e, cat, rec) }
	}
	steps := o.postSteps()
	p, err := project.Resolve(req)
	if err != nil {
		if interactive && p != nil {
			keepAnswers(e, p, steps)
		}
		return err
	}
	noteDerived(e, p, o.dir)
	warnReplay(e, p)
	plan, err := p.Plan(generatedBy())
	if err == nil {
		project.AddBase(plan) // what update merges against
		err = plan.Check(generator.Policy(o.conflict))
	}
	if err != nil {
		if interactive {
			keepAnswers(e, p, steps)
		}
		return err
	}
	t := p.Template
	result := func(results []postStepResult) newResult {
		return newResult{
			SchemaVersion: jsonSchemaVersion, Target: plan.Target, Template: t.ID, Stack: t.Stack, DryRun: o.dryRun, Files: plan.Files,
			Answers: p.Answers.Map(p.Schema), Recommendation: p.Recommendation, PostSteps: nonNil(steps), PostResults: results,
		}
	}
	text := o.output == "text"
	if o.dryRun {
		if !text {
			return writeJSON(e.io.Out, result(nil))
		}
		if p.Recommendation != nil {
			writeRecommendationSummary(e.io.Out, p.Recommendation, e.io.Width())
		}
		writePlan(e.io.Out, plan, t)
		fmt.Fprintf(e.io.Out, "Post-steps: %s.\n", describePostSteps(steps, p))
		return nil
	}
	if interactive {
		if err := confirmPlan(e, plan, t, describePostSteps(steps, p)); err != nil {
			return err
		}
	}
	if err := generator.Apply(ctx, plan); err != nil {
		if interactive && !errors.Is(err, context.Canceled) {
			keepAnswers(e, p, steps)
		}
		return err
	}
	if text {
		if p.Recommendation != nil && !interactive {
			writeRecommendationSummary(e.io.Out, p.Recommendation, e.io.Width())
		}
		writeCreated(e.io.Out, plan, t)
	}
	results, stepErr := runPostSteps(ctx, e, steps, p, text)
	if !text {
		if err := writeJSON(e.io.Out, result(results)); err != nil {
			return err
		}
		return stepErr
	}
	if stepErr != nil {
		return stepErr
	}
	if err := writeNextSteps(e.io.Out, p, steps); err != nil {
		return err
	}
	if interactive {
		fmt.Fprintln(e.io.Out, "The same project without prompts:")
		fmt.Fprintf(e.io.Out, "  %s\n", equivalentCommand(p.Schema, p.Answers, plan.Target, steps))
	}
	return nil
}

// keepAnswers prints what was answered so far as a command line, so a run that fails
// after the questions loses nothing typed.
func keepAnswers(e *env, p *project.Project, steps []string) {
	if p.Answers.Get(answers.KeyStack) == "" {
		return
	}
	fmt.Fprintln(e.io.ErrOut, "Your answers, as a command (change DIR or --conflict and run it):")
	fmt.Fprintf(e.io.ErrOut, "  %s\n", equivalentCommand(p.Schema, p.Answers, p.Target, steps))
}

// noteDerived says when the project name was made from a folder name that is not a
// valid name itself (new 123 --yes names it app-123).
func noteDerived(e *env, p *project.Project, dir string) {
	if dir == "" || p.Answers.Source(answers.KeyName) != answers.FromDefault {
		return
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return
	}
	if folder, name := filepath.Base(abs), p.Answers.Get(answers.KeyName); folder != name {
		fmt.Fprintf(e.io.ErrOut, "stackpick: the project is named %q, made from the folder name %q; pass --set name=NAME for another\n", name, folder)
	}
}

// warnReplay warns when an answers file is a record written by another version of
// stackpick or from another version of the template: the project will differ.
func warnReplay(e *env, p *project.Project) {
	r := p.Replayed
	if r == nil {
		return
	}
	digest, err := p.Template.Digest()
	if err != nil {
		return
	}
	if r.GeneratedBy != generatedBy() || r.TemplateDigest != digest {
		fmt.Fprintf(e.io.ErrOut, "stackpick: warning: the answers record was written by %s from template %s %s; this is %s with %s: the project will differ from the recorded one\n",
			r.GeneratedBy, p.Template.ID, shortDigest(r.TemplateDigest), generatedBy(), shortDigest(digest))
	}
}

func shortDigest(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}

// generatedBy names this binary in project records.
func generatedBy() string { return "stackpick " + version }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writePlan(w io.Writer, plan *generator.Plan, t *catalog.Template) {
	fmt.Fprintf(w, "Plan for %s (template %s), nothing written (--dry-run):\n", plan.Target, t.ID)
	for _, f := range plan.Files {
		fmt.Fprintf(w, "  %-9s %8d  %s\n", f.Action, f.Size, f.Path)
	}
	writeCounts(w, plan)
	var replaced []string
	for _, f := range plan.Files {
		if f.Action == generator.Overwrite {
			replaced = append(replaced, f.Path)
		}
	}
	if len(replaced) > 0 {
		fmt.Fprintf(w, "These files differ from the template's and would be replaced (any edits in them are lost): %s.\n", strings.Join(replaced, ", "))
	}
}

func writeCounts(w io.Writer, plan *generator.Plan) {
	counts := plan.Counts()
	var parts []string
	for _, a := range []generator.Action{generator.Create, generator.Overwrite, generator.Unchanged, generator.Skip} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", counts[a], a))
		}
	}
	fmt.Fprintf(w, "%d files: %s.\n", len(plan.Files), strings.Join(parts, ", "))
}

func writeCreated(w io.Writer, plan *generator.Plan, t *catalog.Template) {
	counts := plan.Counts()
	fmt.Fprintf(w, "Created %s from %s (%d files written", plan.Target, t.ID, counts[generator.Create]+counts[generator.Overwrite])
	if kept := counts[generator.Skip] + counts[generator.Unchanged]; kept > 0 {
		fmt.Fprintf(w, ", %d existing kept", kept)
	}
	fmt.Fprintln(w, ").")
}

// writeNextSteps tells the user how to run the project: the commands left to do after
// the post-steps that ran (the install that uses the lockfile when its tool is here).
func writeNextSteps(w io.Writer, p *project.Project, done []string) error {
	installed := slices.Contains(done, postInstall) || slices.Contains(done, postVerify)
	fmt.Fprintln(w, "Next steps:")
	fmt.Fprintf(w, "  cd %s\n", shellQuote(p.Target))
	runner := p.Steps()
	var argvs [][]string
	todo := []string{steps.Install, steps.Test}
	if verify.HasDatabase(p.Data.Database) {
		// The app never changes the schema by itself: the table comes before the start.
		todo = append(todo, steps.Migrate)
	}
	for _, step := range todo {
		if step == steps.Install && installed {
			continue
		}
		plan, err := runner.Plan(step)
		if err != nil {
			return err
		}
		argvs = append(argvs, plan.Commands...)
	}
	start, err := runner.StartCommand()
	if err != nil {
		return err
	}
	for _, argv := range append(argvs, start) {
		quoted := make([]string, len(argv))
		for i, a := range argv {
			quoted[i] = shellQuote(a)
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(quoted, " "))
	}
	fmt.Fprintf(w, "The answers are in %s.\n", filepath.Join(p.Target, answers.RecordName))
	return nil
}

// shellQuote quotes an argument for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
