// Package prompt asks questions on a terminal. It is the only package that imports
// survey; commands use the Prompter interface, so the library can be swapped.
package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/core"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// ErrInterrupted is returned when the user presses Ctrl-C or closes the input.
var ErrInterrupted = errors.New("interrupted")

// Option is one choice of a select list.
type Option struct {
	Value string
	Help  string
}

// Prompter asks questions.
type Prompter interface {
	Select(message, help string, options []Option, def string) (string, error)
	MultiSelect(message, help string, options []Option, defaults []string) ([]string, error)
	Input(message, help, def string, validate func(string) error) (string, error)
	Confirm(message string, def bool) (bool, error)
}

// New returns a survey-backed Prompter on the process's terminal; color false turns
// survey's colours off (NO_COLOR).
func New(color bool) Prompter {
	core.DisableColor = !color
	return &surveyPrompter{opts: []survey.AskOpt{survey.WithStdio(eofAsInterrupt{os.Stdin}, os.Stdout, os.Stderr)}}
}

// eofAsInterrupt reads the terminal and turns Ctrl-D (EOT) into Ctrl-C: survey takes
// EOT as Enter, which would accept a default, or the whole plan, that the user never
// chose. Closing the input means stop, as at a shell prompt.
type eofAsInterrupt struct{ *os.File }

func (r eofAsInterrupt) Read(p []byte) (int, error) {
	n, err := r.File.Read(p)
	for i := range p[:n] {
		if p[i] == 0x04 {
			p[i] = 0x03
		}
	}
	return n, err
}

type surveyPrompter struct {
	opts []survey.AskOpt
}

func helpOf(options []Option) func(string, int) string {
	return func(_ string, i int) string { return options[i].Help }
}

func values(options []Option) []string {
	out := make([]string, len(options))
	for i, o := range options {
		out[i] = o.Value
	}
	return out
}

func (p *surveyPrompter) Select(message, help string, options []Option, def string) (string, error) {
	q := &survey.Select{Message: message, Help: help, Options: values(options), Description: helpOf(options), PageSize: 10}
	if def != "" {
		q.Default = def
	}
	var answer string
	return answer, mapErr(survey.AskOne(q, &answer, p.opts...))
}

func (p *surveyPrompter) MultiSelect(message, help string, options []Option, defaults []string) ([]string, error) {
	q := &survey.MultiSelect{Message: message, Help: help, Options: values(options), Description: helpOf(options), Default: defaults}
	var answer []string
	return answer, mapErr(survey.AskOne(q, &answer, p.opts...))
}

// Suggester is an error that knows a valid answer near the invalid one.
type Suggester interface{ Suggestion() string }

// Input asks for a line of text, checked on Enter. An invalid answer is explained and
// asked again, with the suggestion of the error (if it has one) as the new default,
// so Enter takes it.
func (p *surveyPrompter) Input(message, help, def string, validate func(string) error) (string, error) {
	for {
		q := &survey.Input{Message: message, Help: help, Default: def}
		var answer string
		if err := survey.AskOne(q, &answer, p.opts...); err != nil {
			return "", mapErr(err)
		}
		if validate == nil {
			return answer, nil
		}
		err := validate(answer)
		if err == nil {
			return answer, nil
		}
		fmt.Fprintf(os.Stderr, "  %s\n", err)
		var s Suggester
		if errors.As(err, &s) && s.Suggestion() != "" {
			def = s.Suggestion()
		}
	}
}

func (p *surveyPrompter) Confirm(message string, def bool) (bool, error) {
	var answer bool
	return answer, mapErr(survey.AskOne(&survey.Confirm{Message: message, Default: def}, &answer, p.opts...))
}

func mapErr(err error) error {
	if errors.Is(err, terminal.InterruptErr) || errors.Is(err, io.EOF) {
		return ErrInterrupted
	}
	return err
}
