package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

func addOutputFlag(c *cobra.Command, target *string, formats ...string) {
	c.Flags().StringVarP(target, flagOutput, "o", formats[0], "output format: "+strings.Join(formats, "|"))
	_ = c.RegisterFlagCompletionFunc(flagOutput, fixedCompletions(formats...))
}

func checkOutput(value string, formats ...string) error {
	if !slices.Contains(formats, value) {
		return &usageError{fmt.Errorf("--%s %q: allowed values: %s", flagOutput, value, strings.Join(formats, ", "))}
	}
	return nil
}

func fixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// jsonSchemaVersion is the version of every JSON document stackpick prints; it
// changes when a field changes meaning or goes away.
const jsonSchemaVersion = 1

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
