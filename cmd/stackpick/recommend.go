package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

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
		Long: `Recommend a stack for a web backend from the decision questions (workload,
team_language, js_frontend, priority, scale, domain): the verdict first (stack,
confidence, totals, margin, and what decided it), then each criterion of the
comparison that scored, with the answer that caused the points. Answers taken
from defaults are marked (default), and a verdict that rests on defaults says so.
The criteria come from the comparison article "Node.js vs Python for backend
development"; docs/criteria.md summarises it and explains the weights.

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

// recommendOutput is `recommend --output json`.
type recommendOutput struct {
	SchemaVersion int `json:"schema_version"`
	recommend.Recommendation
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
		return writeJSON(e.io.Out, recommendOutput{SchemaVersion: jsonSchemaVersion, Recommendation: *rec})
	}
	writeRecommendation(e.io.Out, *rec, e.io.Width())
	return nil
}

// minWidth is the narrowest width the recommendation is laid out for; below it
// the lines would hold a word or two each.
const minWidth = 40

// writeRecommendation prints the verdict in three lines, then the answers, the
// criteria that scored with their reasons, one line for the rest, and the source,
// every line at most width columns (a word longer than the width is split).
func writeRecommendation(w io.Writer, rec recommend.Recommendation, width int) {
	width = max(width, minWidth)
	line := func(text, first, rest string) { fmt.Fprintln(w, wrap(text, width, first, rest)) }
	line(fmt.Sprintf("Recommended stack: %s (%s)", rec.Stack, callWords(rec)), "", "  ")
	line(totalsLine(rec), "", "  ")
	line(decidedBy(rec), "", "  ")
	if rec.Confidence == recommend.Close {
		line(fmt.Sprintf("A close call: %s fits these answers nearly as well, and every stack's project serves the same API; to take it, use --stack %s.", rec.RunnerUp(), rec.RunnerUp()), "", "")
	}
	if rec.WeightsChanged {
		var changes []string
		for _, c := range rec.ChangedWeights {
			changes = append(changes, c.String())
		}
		line("Weights changed: "+strings.Join(changes, ", ")+".", "", "  ")
	}

	fmt.Fprintln(w)
	var given []string
	for _, q := range rec.Questions {
		if v, ok := rec.Answers[q]; ok {
			given = append(given, answerWords(q, v, isDefaulted(rec, q)))
		}
	}
	line("Answers: "+strings.Join(given, ", ")+".", "", "  ")
	if rec.Basis == recommend.BasisDefaultsOnly {
		line("Give your own answers (--set, --answers, or the prompts without --yes) for a verdict on your project.", "", "")
	}

	fmt.Fprintln(w)
	var unscored []string
	scored := false
	for _, row := range rec.Criteria {
		if !row.Scored() {
			unscored = append(unscored, unscoredWords(row))
			continue
		}
		if !scored {
			fmt.Fprintln(w, "Criteria that scored:")
			scored = true
		}
		line(row.Title+": "+pointsWords(rec, row)+weightWords(row), "  ", "    ")
		for _, c := range row.Causes {
			line(answerWords(c.Question, c.Value, c.Default)+": "+c.Reason, "    ", "      ")
		}
		for _, c := range row.Caveats {
			line("Caveat: "+c, "    ", "      ")
		}
		if row.Note != "" {
			line("Note: "+row.Note, "    ", "      ")
		}
	}
	if len(unscored) > 0 {
		line("No points: "+strings.Join(unscored, ", ")+".", "", "  ")
	}

	fmt.Fprintln(w)
	src := rec.Source
	line(fmt.Sprintf("Source: %q, %s; its claims per criterion, these weights and the caveats are in %s.", src.Title, src.Kind, src.Summary), "", "")
}

// writeRecommendationSummary is the recommendation in one sentence, for `new`
// without prompts.
func writeRecommendationSummary(w io.Writer, rec *recommend.Recommendation, width int) {
	basis := ""
	switch rec.Basis {
	case recommend.BasisDefaultsOnly:
		basis = ", resting on defaults alone"
	case recommend.BasisDefaults:
		basis = ", tipped by defaults"
	}
	text := fmt.Sprintf("Recommended: %s (%s; %s)%s. 'stackpick recommend' with the same answers shows why.",
		rec.Stack, callWords(*rec), scoreWords(rec), basis)
	fmt.Fprintln(w, wrap(text, max(width, minWidth), "", "  "))
}

func callWords(rec recommend.Recommendation) string {
	if rec.Confidence == recommend.Close {
		return "a close call"
	}
	return "a clear call"
}

// scoreWords lists the totals, the chosen stack first: "python 3, node 1".
func scoreWords(rec *recommend.Recommendation) string {
	var parts []string
	for _, s := range rec.Ranking {
		parts = append(parts, s+nbsp+recommend.FormatPoints(rec.Scores[s]))
	}
	return strings.Join(parts, ", ")
}

func totalsLine(rec recommend.Recommendation) string {
	if rec.TieBroken {
		return fmt.Sprintf("Totals: %s; a tie.", scoreWords(&rec))
	}
	return fmt.Sprintf("Totals: %s; margin %s.", scoreWords(&rec), recommend.FormatPoints(rec.Margin))
}

// decidedBy is the verdict's third line: the tie rule on a tie, else the criteria
// that put the chosen stack furthest ahead, and whether that rests on defaults.
func decidedBy(rec recommend.Recommendation) string {
	if rec.TieBroken {
		prefix := "Decided by the tie rule: "
		if rec.Basis == recommend.BasisDefaultsOnly {
			prefix = "Decided by the tie rule, on defaults alone: "
		}
		return prefix + rec.TieBreakRule
	}
	var parts []string
	for _, row := range rec.Decisive(2) {
		var from []string
		for _, c := range row.Causes {
			if c.Stack == rec.Stack {
				from = append(from, answerWords(c.Question, c.Value, c.Default))
			}
		}
		parts = append(parts, fmt.Sprintf("%s, %s"+nbsp+"+%s from %s", strings.ToLower(row.Title), rec.Stack, recommend.FormatPoints(row.Lead(rec.Stack)), strings.Join(from, " and ")))
	}
	most := strings.Join(parts, "; ") + "."
	switch rec.Basis {
	case recommend.BasisDefaultsOnly:
		return "Decided by defaults alone (no answer you gave scored): " + most
	case recommend.BasisDefaults:
		var alone []string
		for _, s := range rec.Ranking {
			alone = append(alone, s+nbsp+recommend.FormatPoints(rec.GivenScores[s]))
		}
		return fmt.Sprintf("Decided by defaults (your answers alone give %s): %s", strings.Join(alone, ", "), most)
	}
	return "Decided by: " + most
}

// answerWords is question=value, marked when it is a default.
func answerWords(q, v string, defaulted bool) string {
	if defaulted {
		return q + "=" + v + nbsp + "(default)"
	}
	return q + "=" + v
}

func isDefaulted(rec recommend.Recommendation, q string) bool {
	for _, d := range rec.Defaulted {
		if d == q {
			return true
		}
	}
	return false
}

// pointsWords lists the stacks that got points on a row: "node 3".
func pointsWords(rec recommend.Recommendation, row recommend.Row) string {
	var parts []string
	for _, s := range rec.Ranking {
		if p := row.Points[s]; p > 0 {
			parts = append(parts, s+nbsp+recommend.FormatPoints(p))
		}
	}
	return strings.Join(parts, ", ")
}

// weightWords says a row's weight when it is not 1 or was changed.
func weightWords(row recommend.Row) string {
	switch {
	case row.Weight != row.BaseWeight:
		return fmt.Sprintf(" (weight %s, was %s)", recommend.FormatPoints(row.Weight), recommend.FormatPoints(row.BaseWeight))
	case row.Weight != 1:
		return fmt.Sprintf(" (weight %s)", recommend.FormatPoints(row.Weight))
	}
	return ""
}

// unscoredWords names a criterion that got no points, with its weight when a
// weight of 0 is the reason.
func unscoredWords(row recommend.Row) string {
	title := strings.ToLower(row.Title)
	if row.Weight == 0 && len(row.Causes) > 0 {
		return title + nbsp + "(weight" + nbsp + "0)"
	}
	return title
}

// nbsp joins words that wrap must keep on one line; it prints as a space.
const nbsp = "\u00a0"

// wrap folds text into lines of at most width columns: the first starts with
// first, the others with rest. Words are split on spaces only (nbsp holds two words
// together); a word longer than a line is cut.
func wrap(text string, width int, first, rest string) string {
	var b strings.Builder
	indent := first
	line := indent
	cols := func(s string) int { return utf8.RuneCountInString(s) }
	flush := func() {
		b.WriteString(strings.ReplaceAll(line, nbsp, " "))
		b.WriteByte('\n')
		indent = rest
		line = indent
	}
	for _, word := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) {
		if cols(line) > cols(indent) && cols(line)+1+cols(word) > width {
			flush()
		}
		if cols(line) > cols(indent) {
			line += " "
		}
		for cols(line)+cols(word) > width && cols(line) < width {
			room := width - cols(line)
			r := []rune(word)
			line += string(r[:room])
			word = string(r[room:])
			flush()
		}
		line += word
	}
	b.WriteString(strings.ReplaceAll(line, nbsp, " "))
	return b.String()
}
