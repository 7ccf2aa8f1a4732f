package main

import (
	"context"
	"errors"

	"github.com/stackpick/stackpick/cmd/internal/prompt"
	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/recommend"
)

// The exit codes, documented in the README and in --help.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitConflict    = 3
	exitVerify      = 4
	exitInterrupted = 130
)

const exitCodesHelp = `Exit codes:
  0    success
  1    failure
  2    usage error or invalid answers
  3    target conflict (the folder has files; see --conflict)
  4    verification failed
  130  interrupted`

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
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled), errors.Is(err, prompt.ErrInterrupted):
		return exitInterrupted
	case errors.As(err, &conflict):
		return exitConflict
	case errors.As(err, &verify):
		return exitVerify
	case errors.As(err, &postStep):
		return exitFailure
	case errors.As(err, &usage), errors.As(err, &missing), errors.As(err, &invalid),
		errors.As(err, &file), errors.As(err, &weight):
		return exitUsage
	default:
		return exitFailure
	}
}
