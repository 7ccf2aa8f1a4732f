package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/cmd/internal/prompt"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
)

// Flag names, reused in messages.
const (
	flagSet      = "set"
	flagAnswers  = "answers"
	flagYes      = "yes"
	flagNoPrompt = "no-prompt"
	flagOutput   = "output"
	flagStack    = "stack"
	flagTemplate = "template"
)

// answerFlags are the flags every command that resolves answers shares.
type answerFlags struct {
	sets        []string
	answersFile string
	yes         bool
	noPrompt    bool
}

func (f *answerFlags) register(c *cobra.Command) {
	c.Flags().StringArrayVar(&f.sets, flagSet, nil, "answer a question: `key=value` (repeatable; lists comma-separated, e.g. features=docker,ci)")
	c.Flags().StringVar(&f.answersFile, flagAnswers, "", "read answers from a YAML or JSON `FILE` (- for stdin)")
	c.Flags().BoolVarP(&f.yes, flagYes, "y", false, "take the default for every question left unanswered")
	c.Flags().BoolVar(&f.noPrompt, flagNoPrompt, false, "never prompt, even on a terminal (also STACKPICK_NO_PROMPT=1)")
	_ = c.RegisterFlagCompletionFunc(flagSet, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return answers.NewSchema(answers.Options{}).IDs(), cobra.ShellCompDirectiveNoSpace
	})
}

// schemaFor builds the question schema from the catalog.
func schemaFor(cat *catalog.Catalog, defaultName string) *answers.Schema {
	o := answers.Options{DefaultName: defaultName, ReservedNames: cat.ReservedNames()}
	for _, t := range cat.Public() {
		o.Templates = append(o.Templates, answers.Value{ID: t.ID, Help: t.Description})
	}
	for _, s := range cat.Stacks() {
		t := cat.ForStack(s)
		o.Stacks = append(o.Stacks, answers.Value{ID: s, Help: t.Language})
	}
	for _, f := range cat.Features() {
		o.Features = append(o.Features, answers.Value{ID: f, Help: featureHelp[f]})
	}
	return answers.NewSchema(o)
}

// featureHelp describes the features for prompts and the schema.
var featureHelp = map[string]string{
	"docker":    "a multi-stage Dockerfile that runs as a non-root user",
	"ci":        "a GitHub Actions workflow that lints and tests",
	"websocket": "a WebSocket echo endpoint at /v1/ws/echo",
}

// resolver builds the answers resolver from the flags, the answers file, the
// environment and (on a terminal) the prompter. dedicated holds values of flags like
// --stack that answer a key directly; they rank with --set.
func (f *answerFlags) resolver(e *env, s *answers.Schema, dedicated map[string]string) (*answers.Resolver, error) {
	r := &answers.Resolver{Schema: s, Flags: map[string]string{}, Env: e.lookupEnv, UseDefaults: f.yes}
	for _, set := range f.sets {
		k, v, ok := answers.ParseAssignment(set)
		if !ok {
			return nil, &usageError{fmt.Errorf("--%s %q: want key=value, e.g. --set workload=api", flagSet, set)}
		}
		if _, dup := r.Flags[k]; dup {
			return nil, &usageError{fmt.Errorf("--%s %s is given twice; give each key once", flagSet, k)}
		}
		r.Flags[k] = v
	}
	for k, v := range dedicated {
		if old, dup := r.Flags[k]; dup && old != v {
			return nil, &usageError{fmt.Errorf("--%s %s and --set %s=%s disagree; give one", k, v, k, old)}
		}
		r.Flags[k] = v
	}
	if err := r.CheckFlags(); err != nil {
		return nil, err
	}
	if f.answersFile != "" {
		name, in := f.answersFile, e.io.In
		if name == "-" {
			name = "stdin"
		} else {
			fh, err := os.Open(f.answersFile)
			if err != nil {
				return nil, &answers.FileError{Path: f.answersFile, Err: err}
			}
			defer fh.Close()
			in = fh
		}
		values, err := answers.LoadFile(name, in, s)
		if err != nil {
			return nil, err
		}
		delete(values, answers.KeyGeneratedBy)
		delete(values, answers.KeyTemplateDigest)
		r.File, r.FileName = values, name
	}
	if f.noPrompt {
		e.io.SetNoPrompt()
	}
	if e.io.CanPrompt() {
		r.Asker = &asker{p: e.prompter()}
	}
	return r, nil
}

// asker asks answers questions with a Prompter.
type asker struct{ p prompt.Prompter }

func (a *asker) Ask(q *answers.Question, def string) (string, error) {
	opts := make([]prompt.Option, len(q.Values))
	for i, v := range q.Values {
		opts[i] = prompt.Option{Value: v.ID, Help: v.Help}
	}
	switch q.Kind {
	case answers.Choice:
		return a.p.Select(q.Prompt, q.Help, opts, def)
	case answers.List:
		defs := answers.New()
		defs.Set(q.ID, def, answers.FromDefault)
		items, err := a.p.MultiSelect(q.Prompt, q.Help, opts, defs.List(q.ID))
		if err != nil {
			return "", err
		}
		return strings.Join(items, ","), nil
	default:
		return a.p.Input(q.Prompt, q.Help, def, func(v string) error {
			_, err := q.Validate(v)
			return err
		})
	}
}

// checkFeatures refuses a chosen feature that one of the templates does not support.
func checkFeatures(a answers.Answers, templates ...*catalog.Template) error {
	for _, f := range a.List(answers.KeyFeatures) {
		for _, t := range templates {
			if !slices.Contains(t.Features, f) {
				return &answers.InvalidError{Key: answers.KeyFeatures, Value: f, Allowed: t.Features, Reason: "template " + t.ID + " does not support it"}
			}
		}
	}
	return nil
}
