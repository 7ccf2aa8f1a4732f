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
	"github.com/stackpick/stackpick/generator/recommend"
	"github.com/stackpick/stackpick/generator/render"
)

type newOptions struct {
	answerFlags
	dir      string
	stack    string
	template string
	dryRun   bool
	install  bool
	verify   bool
	git      bool
	conflict string
	output   string
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
that has files is refused (exit 3) unless --conflict says otherwise.

Every project gets .stackpick.yml, its answers: 'stackpick new --answers
DIR/.stackpick.yml OTHER' generates the same project again, byte for byte.

` + exitCodesHelp,
		Example: `  stackpick new demo --yes
  stackpick new api --stack python --set name=orders-api --set features=docker,ci --yes
  stackpick new svc --answers answers.yml --dry-run
  STACKPICK_WORKLOAD=realtime stackpick new chat --yes --output json`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			return newRun(c.Context(), e, o, c)
		},
	}
	o.register(c)
	c.Flags().StringVar(&o.stack, flagStack, answers.StackAuto, "the stack: auto (recommend one), or a stack of 'stackpick templates'")
	c.Flags().StringVar(&o.template, flagTemplate, "", "the template `ID` (default: the stack's template)")
	c.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the plan (every file with its size and action) and write nothing")
	c.Flags().BoolVar(&o.install, "install", false, "after writing, install the dependencies (npm ci; a virtual environment for Python)")
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

// project is a resolved `new`: the answers, the chosen template and, when the stack
// was recommended, the recommendation.
type project struct {
	schema      *answers.Schema
	answers     answers.Answers
	template    *catalog.Template
	rec         *recommend.Recommendation
	interactive bool
}

func newRun(ctx context.Context, e *env, o *newOptions, c *cobra.Command) error {
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	if !slices.Contains(generator.Policies, o.conflict) {
		return &usageError{fmt.Errorf("--conflict %q: allowed values: %s", o.conflict, strings.Join(generator.Policies, ", "))}
	}
	pr, err := resolveProject(e, o, c)
	if err != nil {
		return err
	}
	t, a := pr.template, pr.answers
	target := o.dir
	if target == "" {
		target = a.Get(answers.KeyName)
	}
	plan, data, err := buildPlan(t, pr.schema, a, target)
	if err != nil {
		return err
	}
	if err := plan.Check(generator.Policy(o.conflict)); err != nil {
		return err
	}
	steps := o.postSteps()
	result := func(results []postStepResult) newResult {
		return newResult{
			Target: plan.Target, Template: t.ID, Stack: t.Stack, DryRun: o.dryRun, Files: plan.Files,
			Answers: a.Map(pr.schema), Recommendation: pr.rec, PostSteps: nonNil(steps), PostResults: results,
		}
	}
	text := o.output == "text"
	if o.dryRun {
		if !text {
			return writeJSON(e.io.Out, result(nil))
		}
		if pr.rec != nil {
			writeRecommendationSummary(e.io.Out, pr.rec, e.io.Width())
		}
		writePlan(e.io.Out, plan, t)
		fmt.Fprintf(e.io.Out, "Post-steps: %s.\n", describePostSteps(steps, t, data))
		return nil
	}
	if pr.interactive {
		if err := confirmPlan(e, plan, t, describePostSteps(steps, t, data)); err != nil {
			return err
		}
	}
	if err := generator.Apply(ctx, plan); err != nil {
		return err
	}
	if text {
		if pr.rec != nil && !pr.interactive {
			writeRecommendationSummary(e.io.Out, pr.rec, e.io.Width())
		}
		writeCreated(e.io.Out, plan, t)
	}
	results, stepErr := runPostSteps(ctx, e, steps, plan.Target, t, data, text)
	if !text {
		if err := writeJSON(e.io.Out, result(results)); err != nil {
			return err
		}
		return stepErr
	}
	if stepErr != nil {
		return stepErr
	}
	if err := writeNextSteps(e.io.Out, plan, t, data, steps); err != nil {
		return err
	}
	if pr.interactive {
		fmt.Fprintln(e.io.Out, "The same project without prompts:")
		fmt.Fprintf(e.io.Out, "  %s\n", equivalentCommand(pr.schema, a, plan.Target, steps))
	}
	return nil
}

// resolveProject resolves every answer `new` needs and chooses the template.
func resolveProject(e *env, o *newOptions, c *cobra.Command) (*project, error) {
	cat, err := e.catalog()
	if err != nil {
		return nil, err
	}
	folderName := ""
	if o.dir != "" {
		abs, err := filepath.Abs(o.dir)
		if err != nil {
			return nil, err
		}
		folderName = filepath.Base(abs)
	}
	pr := &project{schema: schemaFor(cat, folderName), answers: answers.New()}
	dedicated := map[string]string{}
	if c.Flags().Changed(flagStack) {
		dedicated[answers.KeyStack] = o.stack
	}
	if c.Flags().Changed(flagTemplate) {
		dedicated[answers.KeyTemplate] = o.template
	}
	r, err := o.resolver(e, pr.schema, dedicated)
	if err != nil {
		return nil, err
	}
	pr.interactive = r.Asker != nil && !o.yes
	var pick stackPicker
	if pr.interactive {
		pick = func(rec *recommend.Recommendation) (string, error) { return pickStack(e, cat, rec) }
	}
	pr.template, pr.rec, err = chooseTemplate(r, pr.schema, pr.answers, cat, pick)
	var missing *answers.MissingError
	if err != nil && !errors.As(err, &missing) {
		return nil, err
	}
	// Resolve the template's options even when the decision answers are missing, so
	// one error lists every missing key.
	if err = answers.Merge(err, r.Resolve(pr.answers, answers.KeyName, answers.KeyDescription, answers.KeyFeatures)); err != nil {
		return nil, err
	}
	if err := checkFeatures(pr.answers, pr.template); err != nil {
		return nil, err
	}
	return pr, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// stackPicker lets the user take the recommended stack or another one.
type stackPicker func(rec *recommend.Recommendation) (string, error)

// chooseTemplate resolves stack and template, recommending a stack when neither
// chooses one. The decision answers are asked only when a recommendation is needed;
// given ones are recorded either way.
func chooseTemplate(r *answers.Resolver, s *answers.Schema, a answers.Answers, cat *catalog.Catalog, pick stackPicker) (*catalog.Template, *recommend.Recommendation, error) {
	if err := r.Given(a, answers.KeyStack, answers.KeyTemplate); err != nil {
		return nil, nil, err
	}
	stack := a.Get(answers.KeyStack)
	if stack == "" {
		stack = answers.StackAuto
	}
	var t *catalog.Template
	if id := a.Get(answers.KeyTemplate); id != "" {
		t = cat.ByID(id)
		if stack != answers.StackAuto && t.Stack != stack {
			return nil, nil, &answers.InvalidError{Key: answers.KeyTemplate, Value: id, Reason: fmt.Sprintf("it is a %s template, but the stack is %s; drop one of --stack and --template", t.Stack, stack)}
		}
		stack = t.Stack
	}
	var rec *recommend.Recommendation
	if stack == answers.StackAuto {
		if err := r.Resolve(a, decisionIDs(s)...); err != nil {
			return nil, nil, err
		}
		model, err := recommend.Default()
		if err != nil {
			return nil, nil, err
		}
		result := recommendFor(model, s, a, nil)
		rec, stack = &result, result.Stack
		if pick != nil {
			if stack, err = pick(rec); err != nil {
				return nil, nil, err
			}
		}
	} else if err := r.Given(a, decisionIDs(s)...); err != nil {
		return nil, nil, err
	}
	if t == nil {
		if t = cat.ForStack(stack); t == nil {
			return nil, nil, fmt.Errorf("no template for stack %q; see 'stackpick templates'", stack)
		}
	}
	// Record the outcome, so the project record replays without a recommendation.
	src := a.Source(answers.KeyStack)
	if rec != nil {
		src = answers.FromDefault
	}
	a.Set(answers.KeyStack, t.Stack, src)
	a.Set(answers.KeyTemplate, t.ID, answers.FromDefault)
	return t, rec, nil
}

// buildPlan renders the template and adds the project record.
func buildPlan(t *catalog.Template, s *answers.Schema, a answers.Answers, target string) (*generator.Plan, render.Data, error) {
	name := a.Get(answers.KeyName)
	data := t.Data(name, answers.PackageName(name), a.Get(answers.KeyDescription), a.List(answers.KeyFeatures))
	files, err := t.Render(data)
	if err != nil {
		return nil, data, err
	}
	digest, err := t.Digest()
	if err != nil {
		return nil, data, err
	}
	record, err := answers.Record(s, a, "stackpick "+version, digest)
	if err != nil {
		return nil, data, err
	}
	plan := generator.NewPlan(target, files)
	plan.Add(answers.RecordName, record)
	return plan, data, nil
}

func writePlan(w io.Writer, plan *generator.Plan, t *catalog.Template) {
	fmt.Fprintf(w, "Plan for %s (template %s), nothing written (--dry-run):\n", plan.Target, t.ID)
	for _, f := range plan.Files {
		fmt.Fprintf(w, "  %-9s %8d  %s\n", f.Action, f.Size, f.Path)
	}
	writeCounts(w, plan)
}

func writeCounts(w io.Writer, plan *generator.Plan) {
	counts := plan.Counts()
	var parts []string
	for _, a := range []generator.Action{generator.Create, generator.Overwrite, generator.Skip} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", counts[a], a))
		}
	}
	fmt.Fprintf(w, "%d files: %s.\n", len(plan.Files), strings.Join(parts, ", "))
}

func writeCreated(w io.Writer, plan *generator.Plan, t *catalog.Template) {
	counts := plan.Counts()
	fmt.Fprintf(w, "Created %s from %s (%d files written", plan.Target, t.ID, counts[generator.Create]+counts[generator.Overwrite])
	if counts[generator.Skip] > 0 {
		fmt.Fprintf(w, ", %d existing kept", counts[generator.Skip])
	}
	fmt.Fprintln(w, ").")
}

// writeNextSteps tells the user how to run the project: the commands left to do after
// the post-steps that ran.
func writeNextSteps(w io.Writer, plan *generator.Plan, t *catalog.Template, data render.Data, done []string) error {
	installed := slices.Contains(done, postInstall) || slices.Contains(done, postVerify)
	fmt.Fprintln(w, "Next steps:")
	fmt.Fprintf(w, "  cd %s\n", shellQuote(plan.Target))
	var steps [][]string
	if !installed {
		steps = append(steps, t.Steps.Install...)
	}
	steps = append(append(steps, t.Steps.Test...), t.Steps.Start)
	for _, step := range steps {
		argv, err := catalog.Command(step, data)
		if err != nil {
			return err
		}
		quoted := make([]string, len(argv))
		for i, a := range argv {
			quoted[i] = shellQuote(a)
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(quoted, " "))
	}
	fmt.Fprintf(w, "The answers are in %s.\n", filepath.Join(plan.Target, answers.RecordName))
	return nil
}

// shellQuote quotes an argument for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
