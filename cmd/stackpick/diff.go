package main

import (
	"errors"
	"fmt"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/generator/project"
	updater "github.com/stackpick/stackpick/generator/update"
)

// errDiffers is diff and check's "yes, it differs": exit 1 with no message of its own.
type differsError struct{ msg string }

func (e *differsError) Error() string { return e.msg }

func newDiffCmd(e *env) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "diff [DIR]",
		Short: "Show how a generated project differs from what its record produced (your changes)",
		Long: `Show the changes made to the template's files in the project in DIR (by default the
current folder) since it was generated or last updated: a unified diff of each file
against the base, what the recorded template version made of the recorded answers.
Lockfiles are named when they changed, not shown. Files the template never had are
not listed.

Exit codes:
  0    the template's files are as generated
  1    they differ (or a failure)
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
			changes, err := updater.UserChanges(cat, dir)
			if err != nil {
				return notProjectUsage(err, "diff")
			}
			if output == "json" {
				type file struct {
					updater.Change
					Diff string `json:"diff,omitempty"`
				}
				files := []file{}
				for _, ch := range changes {
					files = append(files, file{ch, string(unified(ch))})
				}
				if err := writeJSON(e.io.Out, map[string]any{"schema_version": jsonSchemaVersion, "target": dir, "differs": len(changes) > 0, "files": files}); err != nil {
					return err
				}
			} else {
				for _, ch := range changes {
					switch {
					case ch.Status == "mode":
						fmt.Fprintf(e.io.Out, "%s: mode changed\n", ch.Path)
					case ch.Base == nil && ch.Status == "changed":
						fmt.Fprintf(e.io.Out, "%s: changed (a lockfile; not shown)\n", ch.Path)
					default:
						e.io.Out.Write(unified(ch))
					}
				}
			}
			if len(changes) > 0 {
				return &differsError{fmt.Sprintf("%d of the template's files differ from what the record produced", len(changes))}
			}
			return nil
		},
	}
	addOutputFlag(c, &output, "text", "json")
	return c
}

func unified(ch updater.Change) []byte {
	if ch.Status == "mode" || (ch.Base == nil && ch.Ours == nil) {
		return nil
	}
	newName := "b/" + ch.Path
	if ch.Status == "deleted" {
		newName = "/dev/null"
	}
	return diff.Diff("a/"+ch.Path, ch.Base, newName, ch.Ours)
}

// dirArg is a command's optional DIR argument; the current folder by default.
func dirArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// notProjectUsage makes "not a project" a usage error naming the command's form.
func notProjectUsage(err error, cmd string) error {
	var notProject *project.NotAProjectError
	if errors.As(err, &notProject) {
		return &usageError{fmt.Errorf("%w: stackpick %s DIR", err, cmd)}
	}
	return err
}
