package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/recommend"
)

type recommendOptions struct {
	answerFlags
	weights []string
	output  string
}

func newRecommendCmd(e *env) *cobra.Command {
	o := &recommendOptions{}
	c := &cobra.Command{
		Use:   "recommend",
		Short: "Recommend Node.js or Python and show the reasons",
		Long: `Recommend Node.js or Python for a web backend from the decision questions
(workload, team_language, js_frontend, priority, scale, domain), with each
stack's total, the margin, whether it is a close call, and a row per criterion of
the comparison with the points each stack got and the answer that caused them.

` + exitCodesHelp(exitOK, exitFailure, exitUsage),
		Example: `  stackpick recommend --yes --set workload=realtime --set team_language=javascript
  stackpick recommend --answers answers.yml --output json
  stackpick recommend --yes --weight speed=3 --weight community=0`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error { return recommendRun(e, o) },
	}
	o.register(c, e)
	c.Flags().StringArrayVar(&o.weights, "weight", nil, "override a criterion's weight: `criterion=N` (repeatable, N from 0 to 100)")
	addOutputFlag(c, &o.output, "text", "json")
	return c
}

func recommendRun(e *env, o *recommendOptions) error {
	if err := checkOutput(o.output, "text", "json"); err != nil {
		return err
	}
	model, err := recommend.Default()
	if err != nil {
		return err
	}
	overrides, err := model.ParseWeights(o.weights)
	if err != nil {
		return err
	}
	cat, err := e.catalog()
	if err != nil {
		return err
	}
	rec, err := project.Decide(cat, o.sources(e), overrides)
	if err != nil {
		return err
	}
	if o.output == "json" {
		return writeJSON(e.io.Out, rec)
	}
	writeRecommendation(e.io.Out, *rec)
	return nil
}

// writeRecommendation prints the verdict and a block per criterion, wrapped to fit 80
// columns.
func writeRecommendation(w io.Writer, rec recommend.Recommendation) {
	call := "a clear call"
	if rec.Confidence == recommend.Close {
		call = "a close call"
	}
	fmt.Fprintf(w, "Recommended stack: %s (%s)\n", rec.Stack, call)
	fmt.Fprintf(w, "Totals: node %s, python %s; margin %s.\n", num(rec.Scores["node"]), num(rec.Scores["python"]), num(rec.Margin))
	if rec.TieBroken {
		fmt.Fprintln(w, wrap("The totals are equal. "+rec.TieBreakRule, 80, ""))
	}
	if rec.Confidence == recommend.Close {
		fmt.Fprintln(w, wrap("Either stack fits these answers; the generated projects serve the same API, so you can switch with --stack.", 80, ""))
	}
	if rec.WeightsChanged {
		fmt.Fprintf(w, "Weights changed: %s.\n", strings.Join(rec.ChangedWeights, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Criteria (points to node / python, and why):")
	for _, row := range rec.Criteria {
		fmt.Fprintf(w, "  %-16s node %-4s python %s\n", row.Title, num(row.Node), num(row.Python))
		fmt.Fprintln(w, wrap(row.Reason, 80, "    "))
		for _, c := range row.Caveats {
			fmt.Fprintln(w, wrap("Caveat: "+c, 80, "    "))
		}
		if row.Note != "" {
			fmt.Fprintln(w, wrap("Note: "+row.Note, 80, "    "))
		}
	}
	if !rec.TieBroken {
		fmt.Fprintln(w)
		fmt.Fprintln(w, wrap("On equal totals: "+rec.TieBreakRule, 80, ""))
	}
}

func num(x float64) string { return fmt.Sprintf("%g", x) }

// wrap folds text into lines of at most width columns, each starting with indent.
func wrap(text string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len([]rune(word)) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line)
	return b.String()
}
