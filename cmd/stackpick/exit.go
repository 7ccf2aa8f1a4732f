package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stackpick/stackpick/cmd/internal/prompt"
	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/recommend"
	updater "github.com/stackpick/stackpick/generator/update"
)

// The exit codes, documented in the README and in --help.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitConflict = 3
	exitVerify   = 4
	// exitUpdateConflicts is an update written with conflict markers left to resolve.
	exitUpdateConflicts = 5
	exitInterrupted     = 130
)

// exitMeanings says what each code means, for --help.
var exitMeanings = map[int]string{
	exitOK:              "success",
	exitFailure:         "failure",
	exitUsage:           "usage error or invalid answers",
	exitConflict:        "target conflict (the folder has files; see --conflict)",
	exitVerify:          "verification failed",
	exitUpdateConflicts: "update left conflicts to resolve (files with <<<<<<< markers)",
	exitInterrupted:     "interrupted (Ctrl-C, or EOF at a prompt)",
}

// exitCodesHelp lists the exit codes a command can return, for its --help.
func exitCodesHelp(codes ...int) string {
	var b strings.Builder
	b.WriteString("Exit codes:")
	for _, c := range codes {
		fmt.Fprintf(&b, "\n  %-4d %s", c, exitMeanings[c])
	}
	return b.String()
}

// usageError is a command line that cannot be run as written.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitCode maps an error to the documented exit code. It is the only place that does.
func exitCode(err error) int {
	var (
		usage    *usageError
		missing  *answers.MissingError
		invalid  *answers.InvalidError
		file     *answers.FileError
		weight   *recommend.WeightError
		conflict *generator.ConflictError
		verify   *verifyFailedError
		postStep *postStepsError
		input    *project.InputError
		notProj  *project.NotAProjectError
		updConf  *updateConflictsError
		linked   *updater.NotRegularError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled), errors.Is(err, prompt.ErrInterrupted):
		return exitInterrupted
	case errors.As(err, &conflict), errors.As(err, &linked):
		return exitConflict
	case errors.As(err, &updConf):
		return exitUpdateConflicts
	case errors.As(err, &verify):
		return exitVerify
	case errors.As(err, &postStep):
		return exitFailure
	case errors.As(err, &usage), errors.As(err, &missing), errors.As(err, &invalid),
		errors.As(err, &file), errors.As(err, &weight), errors.As(err, &input), errors.As(err, &notProj):
		return exitUsage
	default:
		return exitFailure
	}
}
