package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator/project"
	updater "github.com/stackpick/stackpick/generator/update"
	"github.com/stackpick/stackpick/generator/verify"
)

type updateOptions struct {
	sets        []string
	answersFile string
	dir         string
	dryRun      bool
	install     bool
	verify      bool
	output      string
}

func newUpdateCmd(e *env) *cobra.Command {
	o := &updateOptions{dir: "."}
	c := &cobra.Command{
		Use:   "update [DIR]",
		Short: "Bring template changes and changed answers into a generated project",
		Long: `Update the project in DIR (by default the current folder) to this version of its
template and to changed answers, merging three ways per file: the base is what the
recorded template version made of the recorded answers (kept in the project as
.stackpick/base.txt), yours is what is on disk, the template's is what this version
makes of the (possibly changed) answers. No git, network or old template is needed.

Every file is classified: unchanged; template (only the template changed it: taken);
yours (only you changed it: kept); merged (both changed it, merged cleanly); conflict
(both changed the same lines: written with <<<<<<< yours / ======= / >>>>>>> template
markers); added (new in the template); removed (the template dropped it and you had
not changed it); removed-kept (the template dropped it, you changed it: kept);
deleted (you deleted it: it stays deleted); regenerate (a lockfile that must be
rewritten from the merged manifest). package.json and pyproject.toml are merged by
dependency: the template's versions win, dependencies you added stay.

The files are staged and moved into place: a failure or Ctrl-C leaves the project as
it was. .stackpick.yml and the base change only when the update is written.

` + exitCodesHelp(exitOK, exitFailure, exitUsage, exitConflict, exitVerify, exitUpdateConflicts, exitInterrupted),
		Example: `  stackpick update --dry-run
  stackpick update api --set features=docker,ci,websocket
  stackpick update --install --output json`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			return updateRun(c.Context(), e, o)
		},
	}
	c.Flags().StringArrayVar(&o.sets, flagSet, nil, "change an answer: `key=value` (repeatable), as in new")
	c.Flags().StringVar(&o.answersFile, flagAnswers, "", "change answers from a YAML or JSON `FILE` (- for stdin)")
	c.Flags().BoolVar(&o.dryRun, "dry-run", false, "print every file's classification and write nothing")
	c.Flags().BoolVar(&o.install, "install", false, "after updating, regenerate lockfiles that need it and install the dependencies")
	c.Flags().BoolVar(&o.verify, "verify", false, "after updating, run 'stackpick verify' on the project")
	addOutputFlag(c, &o.output, "text", "json")
	_ = c.RegisterFlagCompletionFunc(flagSet, e.completeSet)
	return c
}

// updateResult is what `update --output json` prints.
type updateResult struct {
	SchemaVersion   int                `json:"schema_version"`
	Target          string             `json:"target"`
	Template        string             `json:"template"`
	FromDigest      string             `json:"from_digest"`
	ToDigest        string             `json:"to_digest"`
	TemplateChanged bool               `json:"template_changed"`
	AnswersChanged  []string           `json:"answers_changed"`
	DryRun          bool               `json:"dry_run"`
	TwoWay          bool               `json:"two_way"`
	Changes         bool               `json:"changes"`
	Conflicts       int                `json:"conflicts"`
	Counts          map[string]int     `json:"counts"`
	Files           []*updater.Entry   `json:"files"`
	Lockfiles       []updater.Lockfile `json:"lockfiles"`
	PostResults     []postStepResult   `json:"post_step_results,omitempty"`
}

// updateConflictsError is an update written with conflicts left to resolve.
type updateConflictsError struct {
	n     int
	files []string
}

func (e *updateConflictsError) Error() string {
	return fmt.Sprintf("the update left %s to resolve in %s: edit the parts between <<<<<<< yours and >>>>>>> template, then remove the markers", plural(e.n, "conflict"), strings.Join(e.files, ", "))
}

func updateRun(ctx context.Context, e *env, o *updateOptions) error {
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	cat, err := e.catalog()
	if err != nil {
		return err
	}
	plan, p, err := updater.Prepare(updater.Request{Catalog: cat, Dir: o.dir, GeneratedBy: generatedBy(),
		Sources: project.Sources{Sets: o.sets, AnswersFile: o.answersFile, Stdin: e.io.In}})
	if err != nil {
		return notProjectUsage(err, "update")
	}
	text := o.output == "text"
	result := func(results []postStepResult) updateResult {
		counts := map[string]int{}
		for s, n := range plan.Counts() {
			counts[string(s)] = n
		}
		return updateResult{SchemaVersion: jsonSchemaVersion, Target: plan.Target, Template: p.Template.ID,
			FromDigest: plan.FromDigest, ToDigest: plan.ToDigest, TemplateChanged: plan.TemplateChanged,
			AnswersChanged: nonNil(plan.AnswersChanged), DryRun: o.dryRun, TwoWay: plan.TwoWay != nil,
			Changes: plan.Changes(), Conflicts: plan.Conflicts(), Counts: counts, Files: plan.Entries,
			Lockfiles: nonNilLocks(plan.Lockfiles), PostResults: results}
	}
	if plan.TwoWay != nil {
		if o.dryRun {
			if text {
				writeUpdateReport(e.io.Out, plan, p.Template.ID, true)
			} else if err := writeJSON(e.io.Out, result(nil)); err != nil {
				return err
			}
		}
		return plan.TwoWay
	}
	if o.dryRun {
		if !text {
			return writeJSON(e.io.Out, result(nil))
		}
		writeUpdateReport(e.io.Out, plan, p.Template.ID, true)
		return nil
	}
	if err := updater.Apply(ctx, plan); err != nil {
		return err
	}
	if text {
		writeUpdateReport(e.io.Out, plan, p.Template.ID, false)
	}
	var results []postStepResult
	var stepErr error
	steps := o.postSteps()
	conflicts := plan.Conflicts()
	switch {
	case conflicts > 0 && len(steps) > 0:
		if text {
			fmt.Fprintln(e.io.Out, "Post-steps not run: resolve the conflicts first.")
		}
	case len(steps) > 0:
		if stepErr = regenerateLockfiles(ctx, plan); stepErr == nil {
			results, stepErr = runPostSteps(ctx, e, steps, p, text)
		}
	}
	if !text {
		if err := writeJSON(e.io.Out, result(results)); err != nil {
			return err
		}
	}
	if stepErr != nil {
		return stepErr
	}
	if conflicts > 0 {
		var files []string
		for _, en := range plan.Entries {
			if en.Conflicts > 0 {
				files = append(files, en.Path)
			}
		}
		return &updateConflictsError{n: conflicts, files: files}
	}
	return nil
}

func (o *updateOptions) postSteps() []string {
	switch {
	case o.verify:
		return []string{postVerify}
	case o.install:
		return []string{postInstall}
	}
	return nil
}

// regenerateLockfiles rewrites the lockfiles the merged manifests need, with the
// ecosystem's tool, before the install that reads them.
func regenerateLockfiles(ctx context.Context, plan *updater.Plan) error {
	for _, l := range plan.Lockfiles {
		if out, err := verify.RunCommand(ctx, plan.Target, l.Command, nil); err != nil {
			return &postStepsError{step: "regenerate " + l.Path, target: plan.Target, err: fmt.Errorf("%s: %w\n%s", strings.Join(l.Command, " "), err, indent(tailString(out, 2000), "    "))}
		}
	}
	return nil
}

func nonNilLocks(l []updater.Lockfile) []updater.Lockfile {
	if l == nil {
		return []updater.Lockfile{}
	}
	return l
}

// writeUpdateReport prints the classification: every file that is not unchanged,
// then the counts and what is left to do.
func writeUpdateReport(w io.Writer, plan *updater.Plan, templateID string, dryRun bool) {
	from, to := shortDigest(plan.FromDigest), shortDigest(plan.ToDigest)
	switch {
	case plan.TwoWay != nil:
		fmt.Fprintf(w, "Two-way preview of %s (no base: who changed what cannot be told): where it differs from template %s %s\n", plan.Target, templateID, to)
	case plan.TemplateChanged:
		fmt.Fprintf(w, "Update %s: template %s %s -> %s\n", plan.Target, templateID, from, to)
	default:
		fmt.Fprintf(w, "Update %s: template %s %s (unchanged)\n", plan.Target, templateID, to)
	}
	for _, a := range plan.AnswersChanged {
		fmt.Fprintf(w, "Answer %s\n", a)
	}
	for _, s := range updater.StatusOrder {
		if s == updater.Unchanged {
			continue
		}
		for _, en := range plan.Entries {
			if en.Status != s {
				continue
			}
			line := fmt.Sprintf("  %-12s %s", en.Status, en.Path)
			if en.Conflicts > 0 {
				line += " (" + plural(en.Conflicts, "conflict") + ")"
			}
			fmt.Fprintln(w, line)
			for _, n := range en.Notes {
				fmt.Fprintf(w, "      %s\n", n)
			}
		}
	}
	counts := plan.Counts()
	var parts []string
	for _, s := range updater.StatusOrder {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	fmt.Fprintf(w, "%d files: %s.\n", len(plan.Entries), strings.Join(parts, ", "))
	switch {
	case plan.TwoWay != nil:
		fmt.Fprintln(w, "Nothing written.")
	case !plan.Changes():
		fmt.Fprintln(w, "Already up to date; nothing to write.")
	case dryRun:
		fmt.Fprintln(w, "Nothing written (--dry-run).")
		if n := plan.Conflicts(); n > 0 {
			fmt.Fprintf(w, "The update would leave %s to resolve (exit 5).\n", plural(n, "conflict"))
		}
	default:
		fmt.Fprintf(w, "Updated %s.\n", plan.Target)
	}
	for _, l := range plan.Lockfiles {
		fmt.Fprintf(w, "Lockfile %s needs regenerating from the merged manifest: run '%s' in %s, or update with --install.\n", l.Path, strings.Join(l.Command, " "), plan.Target)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
