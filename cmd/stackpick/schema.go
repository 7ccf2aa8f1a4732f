package main

import (
	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/project"
)

func newSchemaCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the answers file",
		Long: `Print the JSON Schema (draft 2020-12) of the answers file that --answers reads:
every key with its type, allowed values, default and description, so CI users can
validate their files.

` + exitCodesHelp(exitOK, exitFailure),
		Example: `  stackpick schema > stackpick.schema.json`,
		Args:    argsUsage(cobra.NoArgs),
		RunE: func(c *cobra.Command, _ []string) error {
			cat, err := e.catalog()
			if err != nil {
				return err
			}
			out, err := answers.JSONSchema(project.SchemaFor(cat, ""))
			if err != nil {
				return err
			}
			_, err = e.io.Out.Write(out)
			return err
		},
	}
}
