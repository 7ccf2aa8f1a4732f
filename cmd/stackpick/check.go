package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator/project"
	updater "github.com/stackpick/stackpick/generator/update"
)

// checkResult is what `check --output json` prints.
type checkResult struct {
	SchemaVersion   int      `json:"schema_version"`
	Target          string   `json:"target"`
	Template        string   `json:"template"`
	RecordedDigest  string   `json:"recorded_digest"`
	CurrentDigest   string   `json:"current_digest"`
	TemplateChanged bool     `json:"template_changed"`
	UpToDate        bool     `json:"up_to_date"`
	HasBase         bool     `json:"has_base"`
	WouldChange     []string `json:"would_change"`
	Conflicts       int      `json:"conflicts"`
}

func newCheckCmd(e *env) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "check [DIR]",
		Short: "Say whether this stackpick would change the project (for CI and bots)",
		Long: `Check whether 'stackpick update' with this binary would change the project in DIR
(by default the current folder): its template changed since the recorded version,
or its record would be written anew. Writes nothing. With --output json, a bot gets
the digests, the files an update would change and the conflicts it would leave.

Exit codes:
  0    up to date
  1    an update would change the project (or a failure)
  2    usage error, or DIR is not a generated project`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(c *cobra.Command, args []string) error {
			dir := dirArg(args)
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			cat, err := e.catalog()
			if err != nil {
				return err
			}
			plan, p, err := updater.Prepare(updater.Request{Catalog: cat, Dir: dir, GeneratedBy: generatedBy(), Sources: project.Sources{}})
			if err != nil {
				return notProjectUsage(err, "check")
			}
			r := checkResult{SchemaVersion: jsonSchemaVersion, Target: dir, Template: p.Template.ID, RecordedDigest: plan.FromDigest,
				CurrentDigest: plan.ToDigest, TemplateChanged: plan.TemplateChanged, HasBase: plan.TwoWay == nil, WouldChange: []string{}, Conflicts: plan.Conflicts()}
			for _, en := range plan.Entries {
				if en.Changes() || (plan.TwoWay != nil && en.Status != updater.Unchanged) {
					r.WouldChange = append(r.WouldChange, en.Path)
				}
			}
			r.UpToDate = !plan.TemplateChanged && (plan.TwoWay != nil || !plan.Changes())
			if output == "json" {
				if err := writeJSON(e.io.Out, r); err != nil {
					return err
				}
			} else if r.UpToDate {
				fmt.Fprintf(e.io.Out, "%s is up to date with template %s %s.\n", dir, r.Template, shortDigest(r.CurrentDigest))
			} else {
				fmt.Fprintf(e.io.Out, "%s: template %s %s -> %s; an update would change %d file(s)", dir, r.Template, shortDigest(r.RecordedDigest), shortDigest(r.CurrentDigest), len(r.WouldChange))
				if r.Conflicts > 0 {
					fmt.Fprintf(e.io.Out, " and leave %d conflict(s)", r.Conflicts)
				}
				fmt.Fprintln(e.io.Out, "; 'stackpick update --dry-run' shows them.")
			}
			if !r.UpToDate {
				return &differsError{"an update would change the project"}
			}
			return nil
		},
	}
	addOutputFlag(c, &output, "text", "json")
	return c
}
