package main

import (
	"fmt"
	"strings"

	"github.com/stackpick/stackpick/cmd/internal/prompt"
	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/recommend"
)

// errDeclined is the user saying no at the plan's confirmation.
var errDeclined = fmt.Errorf("declined at the confirmation: %w", prompt.ErrInterrupted)

// pickStack shows the whole recommendation, then lets the user take it or another stack.
func pickStack(e *env, cat *catalog.Catalog, rec *recommend.Recommendation) (string, error) {
	fmt.Fprintln(e.io.Out)
	writeRecommendation(e.io.Out, *rec, e.io.Width())
	fmt.Fprintln(e.io.Out)
	var opts []prompt.Option
	for _, s := range cat.Stacks() {
		help := cat.ForStack(s).Framework
		if s == rec.Stack {
			help += " (recommended)"
		}
		opts = append(opts, prompt.Option{Value: s, Help: help})
	}
	return e.prompter().Select("Which stack do you want?", "", opts, rec.Stack)
}

// confirmPlan shows where the project goes and what runs after, then asks.
func confirmPlan(e *env, plan *generator.Plan, t *catalog.Template, postSteps string) error {
	counts := plan.Counts()
	fmt.Fprintf(e.io.Out, "\nPlan: %s into %s (template %s).\n", fileCount(len(plan.Files)), plan.Target, t.ID)
	kept := counts[generator.Skip] + counts[generator.Unchanged]
	if counts[generator.Overwrite] > 0 || kept > 0 {
		fmt.Fprintf(e.io.Out, "  %d new, %d replaced, %d existing kept.\n", counts[generator.Create], counts[generator.Overwrite], kept)
	}
	fmt.Fprintf(e.io.Out, "Post-steps: %s.\n", postSteps)
	ok, err := e.prompter().Confirm(fmt.Sprintf("Write %s?", fileCount(len(plan.Files)-kept)), true)
	if err != nil {
		return err
	}
	if !ok {
		return errDeclined
	}
	return nil
}

func fileCount(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// equivalentCommand is the non-interactive command line that generates the same
// project: the stack and every recorded answer as flags.
func equivalentCommand(s *answers.Schema, a answers.Answers, target string, postSteps []string) string {
	parts := []string{"stackpick", "new", shellQuote(target), "--stack", a.Get(answers.KeyStack)}
	for _, kv := range a.SetArgs(s) {
		key, _, _ := strings.Cut(kv, "=")
		if key == answers.KeyStack || key == answers.KeyTemplate {
			continue
		}
		parts = append(parts, "--set", shellQuote(kv))
	}
	parts = append(parts, "--template", a.Get(answers.KeyTemplate))
	for _, step := range postSteps {
		parts = append(parts, "--"+step)
	}
	parts = append(parts, "--no-prompt")
	// One flag per line keeps the command readable at 80 columns and pasteable.
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i == 0:
		case strings.HasPrefix(p, "--"):
			b.WriteString(" \\\n    ")
		default:
			b.WriteString(" ")
		}
		b.WriteString(p)
	}
	return b.String()
}
