package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/cmd/internal/iostreams"
	"github.com/stackpick/stackpick/cmd/internal/prompt"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/templates"
)

// version is the tool's version; release builds set it with -ldflags "-X main.version=...".
var version = "0.1.0"

// env is what commands get from the outside world; tests build their own.
type env struct {
	io        *iostreams.IOStreams
	lookupEnv func(string) (string, bool)
	prompter  func() prompt.Prompter
	catalog   func() (*catalog.Catalog, error)
}

func newSystemEnv() *env {
	ios := iostreams.System()
	return &env{
		io:        ios,
		lookupEnv: os.LookupEnv,
		prompter:  func() prompt.Prompter { return prompt.New(ios.ColorEnabled()) },
		catalog:   func() (*catalog.Catalog, error) { return templates.Catalog() },
	}
}

// run executes one command line and returns its exit code. Errors are printed and
// mapped to exit codes here and nowhere else.
func run(args []string, e *env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if strings.HasPrefix(err.Error(), "unknown command") {
		err = &usageError{err}
	}
	code := exitCode(err)
	if jsonOutput(root, args) {
		_ = writeJSON(e.io.ErrOut, errorResult{SchemaVersion: jsonSchemaVersion, Error: errorInfo{Code: code, Message: err.Error()}})
		return code
	}
	if code == exitInterrupted {
		switch {
		case errors.Is(err, errDeclined):
			fmt.Fprintln(e.io.ErrOut, "stackpick: cancelled; nothing was written")
		case err == context.Canceled || err == prompt.ErrInterrupted:
			fmt.Fprintln(e.io.ErrOut, "stackpick: interrupted; nothing was written")
		default:
			fmt.Fprintf(e.io.ErrOut, "stackpick: interrupted: %v\n", err)
		}
	} else {
		fmt.Fprintf(e.io.ErrOut, "stackpick: %v\n", err)
		if code == exitUsage {
			if c, _, ferr := root.Find(args); ferr == nil && c != nil {
				fmt.Fprintf(e.io.ErrOut, "Run '%s --help' for usage.\n", c.CommandPath())
			}
		}
	}
	return code
}

// errorResult is how a failure is reported on stderr under --output json.
type errorResult struct {
	SchemaVersion int       `json:"schema_version"`
	Error         errorInfo `json:"error"`
}

type errorInfo struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// jsonOutput reports whether the command line asked for JSON output.
func jsonOutput(root *cobra.Command, args []string) bool {
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return false
	}
	f := c.Flags().Lookup(flagOutput)
	return f != nil && f.Value.String() == "json"
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "stackpick",
		Short: "Pick Node.js or Python for a web backend, see why, and generate a starter project",
		Long: `stackpick asks a few questions about a planned web backend, recommends Node.js or
Python by the criteria of a published comparison of the two, explains why, and
generates a production-grade starter project: an Express app on Node's event loop,
or an asyncio FastAPI app. Both serve the same HTTP API.

Answers come from, in this order: --set key=value (and --stack/--template), an
answers file (--answers), STACKPICK_<KEY> environment variables, a prompt (only on
a terminal), the default (only with --yes). Without a terminal a missing answer is
an error, never a hanging prompt.

` + exitCodesHelp(exitOK, exitFailure, exitUsage, exitConflict, exitVerify, exitUpdateConflicts, exitInterrupted),
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetVersionTemplate("stackpick {{.Version}}\n")
	root.SetOut(e.io.Out)
	root.SetErr(e.io.ErrOut)
	root.SetIn(e.io.In)
	root.SetFlagErrorFunc(flagError(e))
	root.AddCommand(
		newNewCmd(e),
		newRecommendCmd(e),
		newCompareCmd(e),
		newVerifyCmd(e),
		newUpdateCmd(e),
		newDiffCmd(e),
		newCheckCmd(e),
		newTemplatesCmd(e),
		newSchemaCmd(e),
		newVersionCmd(e),
	)
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(flagError(e))
	}
	return root
}

// flagError makes a flag error a usage error. An answer key tried as a flag
// (--database postgres) gets the way to give it: --set database=VALUE.
func flagError(e *env) func(*cobra.Command, error) error {
	return func(c *cobra.Command, err error) error {
		name, unknown := strings.CutPrefix(err.Error(), "unknown flag: --")
		if unknown && c.Flags().Lookup("set") != nil {
			key := strings.ReplaceAll(name, "-", "_")
			if cat, cerr := e.catalog(); cerr == nil {
				if _, ok := project.SchemaFor(cat, "").Lookup(key); ok {
					err = fmt.Errorf("%w (an answer: give it as --set %s=VALUE)", err, key)
				}
			}
		}
		return &usageError{err}
	}
}

// argsUsage wraps a cobra argument validator so a wrong argument count is a usage error.
func argsUsage(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if err := v(c, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}
