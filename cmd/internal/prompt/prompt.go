// Package prompt asks questions on a terminal. It is the only package that imports
// survey; commands use the Prompter interface, so the library can be swapped.
package prompt

import (
	"errors"
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
	return &surveyPrompter{opts: []survey.AskOpt{survey.WithStdio(os.Stdin, os.Stdout, os.Stderr)}}
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

func (p *surveyPrompter) Input(message, help, def string, validate func(string) error) (string, error) {
	q := &survey.Input{Message: message, Help: help, Default: def}
	var answer string
	opts := p.opts
	if validate != nil {
		opts = append(opts[:len(opts):len(opts)], survey.WithValidator(func(v any) error {
			s, _ := v.(string)
			return validate(s)
		}))
	}
	return answer, mapErr(survey.AskOne(q, &answer, opts...))
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
