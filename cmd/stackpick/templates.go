package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

type templateInfo struct {
	ID          string   `json:"id"`
	Stack       string   `json:"stack"`
	Framework   string   `json:"framework"`
	Language    string   `json:"language"`
	Description string   `json:"description"`
	Port        int      `json:"port"`
	Options     []string `json:"options"`
	Features    []string `json:"features"`
	Digest      string   `json:"digest"`
}

func newTemplatesCmd(e *env) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "templates",
		Short: "List the templates",
		Long: `List the templates built into stackpick: id, stack, framework, description and
the options (answers) each one reads.

` + exitCodesHelp(exitOK, exitFailure, exitUsage),
		Example: `  stackpick templates
  stackpick templates --output json`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkOutput(output, "text", "json"); err != nil {
				return err
			}
			cat, err := e.catalog()
			if err != nil {
				return err
			}
			infos := []templateInfo{}
			for _, t := range cat.Public() {
				digest, err := t.Digest()
				if err != nil {
					return err
				}
				infos = append(infos, templateInfo{
					ID: t.ID, Stack: t.Stack, Framework: t.Framework, Language: t.Language,
					Description: t.Description, Port: t.Port, Options: t.Options, Features: t.Features, Digest: digest,
				})
			}
			if output == "json" {
				return writeJSON(e.io.Out, struct {
					SchemaVersion int            `json:"schema_version"`
					Templates     []templateInfo `json:"templates"`
				}{jsonSchemaVersion, infos})
			}
			tw := tabwriter.NewWriter(e.io.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTACK\tFRAMEWORK\tOPTIONS\tFEATURES")
			for _, t := range infos {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Stack, t.Framework, strings.Join(t.Options, ","), strings.Join(t.Features, ","))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, t := range infos {
				fmt.Fprintf(e.io.Out, "\n%s: %s\n", t.ID, t.Description)
			}
			return nil
		},
	}
	addOutputFlag(c, &output, "text", "json")
	return c
}
