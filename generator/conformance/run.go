package conformance

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/stackpick/stackpick/generator/openapi"
)

// Result is what became of one case.
type Result struct {
	Case   string `json:"case"`
	Group  Group  `json:"group"`
	Note   string `json:"note,omitempty"`
	Method string `json:"method"`
	Target string `json:"target"`
	// Body shows the request body: the text when it is short UTF-8, else its size.
	Body   string `json:"body,omitempty"`
	Expect Expect `json:"expect"`
	// Summaries has one entry per target, in target order; a target whose request failed
	// has a zero Summary and a setup or transport finding.
	Summaries   []Summary    `json:"summaries"`
	Differences []Difference `json:"differences,omitempty"`
	Findings    []Finding    `json:"findings,omitempty"`
}

// Failed reports whether the case found a disagreement or a violation.
func (r Result) Failed() bool { return len(r.Differences) > 0 || len(r.Findings) > 0 }

// Report is a whole run, as data for the text and JSON renderers.
type Report struct {
	DocumentVersion string   `json:"document_version"`
	Targets         []string `json:"targets"`
	Cases           int      `json:"cases"`
	// Disagreements counts the cases the two targets answered differently (0 with one target).
	Disagreements int `json:"disagreements"`
	// Violations counts the findings against the document or the contract, over all targets.
	Violations int      `json:"violations"`
	Results    []Result `json:"results"`
}

// OK reports whether the run found nothing.
func (r *Report) OK() bool { return r.Disagreements == 0 && r.Violations == 0 }

// Failures lists the results that found something, in corpus order.
func (r *Report) Failures() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Failed() {
			out = append(out, res)
		}
	}
	return out
}

// ErrTargets says Run was given neither one nor two targets.
var ErrTargets = errors.New("conformance: give one target (checked against the document) or two (also compared)")

// Run sends every case to each target in turn and judges the answers: against the
// document and the contract (each target), and against each other (two targets). It stops
// early only when ctx ends, returning the report so far and ctx's error.
func Run(ctx context.Context, doc *openapi.Document, cases []Case, targets ...Target) (*Report, error) {
	if len(targets) < 1 || len(targets) > 2 {
		return nil, ErrTargets
	}
	r := &Report{DocumentVersion: doc.Version(), Cases: len(cases)}
	for _, t := range targets {
		r.Targets = append(r.Targets, t.Name)
	}
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		res := Result{Case: c.Name, Group: c.Group, Note: c.Note, Method: c.Method, Target: c.Target, Body: preview(c.Body), Expect: c.Expect}
		answered := 0
		for _, t := range targets {
			a, err := Send(ctx, t, c)
			if err != nil {
				rule := "transport"
				var setup *SetupError
				if errors.As(err, &setup) {
					rule = "setup"
				}
				res.Findings = append(res.Findings, Finding{Target: t.Name, Rule: rule, Detail: err.Error()})
				res.Summaries = append(res.Summaries, Summary{})
				continue
			}
			answered++
			res.Summaries = append(res.Summaries, Summarize(c, a))
			res.Findings = append(res.Findings, Judge(doc, c, t.Name, a)...)
		}
		if len(targets) == 2 && answered == 2 {
			res.Differences = Compare(res.Summaries[0], res.Summaries[1])
		}
		if len(res.Differences) > 0 {
			r.Disagreements++
		}
		r.Violations += len(res.Findings)
		r.Results = append(r.Results, res)
	}
	return r, nil
}

func preview(b []byte) string {
	if len(b) <= 512 && utf8.Valid(b) {
		return string(b)
	}
	return fmt.Sprintf("(%d bytes)", len(b))
}

// String is a one-line summary, for logs and test failures.
func (r *Report) String() string {
	return fmt.Sprintf("%d cases against %v: %d disagreements, %d violations", r.Cases, r.Targets, r.Disagreements, r.Violations)
}
