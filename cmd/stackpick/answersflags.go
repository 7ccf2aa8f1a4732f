package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stackpick/stackpick/cmd/internal/prompt"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
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

func (f *answerFlags) register(c *cobra.Command, e *env) {
	c.Flags().StringArrayVar(&f.sets, flagSet, nil, "answer a question: `key=value` (repeatable; lists comma-separated, e.g. features=docker,ci)")
	c.Flags().StringVar(&f.answersFile, flagAnswers, "", "read answers from a YAML or JSON `FILE` (- for stdin)")
	c.Flags().BoolVarP(&f.yes, flagYes, "y", false, "take the default for every question left unanswered")
	c.Flags().BoolVar(&f.noPrompt, flagNoPrompt, false, "never prompt, even on a terminal (also STACKPICK_NO_PROMPT=1)")
	_ = c.RegisterFlagCompletionFunc(flagSet, e.completeSet)
}

// sources maps the answer flags, the environment and (on a terminal, without --yes)
// the prompter to the engine's answer sources.
func (f *answerFlags) sources(e *env) project.Sources {
	src := project.Sources{Sets: f.sets, AnswersFile: f.answersFile, Stdin: e.io.In, Env: e.lookupEnv, UseDefaults: f.yes}
	if f.noPrompt {
		e.io.SetNoPrompt()
	}
	if e.io.CanPrompt() && !f.yes {
		src.Asker = &asker{p: e.prompter()}
	}
	return src
}

// setKeysHelp lists the --set keys and their values, for --help.
func setKeysHelp(cat *catalog.Catalog) string {
	var b strings.Builder
	b.WriteString("Keys for --set key=value (also answers-file keys and STACKPICK_<KEY>):")
	for _, q := range project.SchemaFor(cat, "").Questions {
		values := strings.Join(q.Allowed(), "|")
		switch {
		case q.Kind == answers.List:
			values = "list of " + strings.Join(q.Allowed(), ",")
		case q.Kind == answers.Text:
			values = "text"
		}
		fmt.Fprintf(&b, "\n  %-14s %s", q.ID, values)
	}
	return b.String()
}

// withSetKeys appends the --set keys to a command's help when it is shown: the keys
// come from the catalog, which other runs need not load.
func withSetKeys(c *cobra.Command, e *env) {
	long := c.Long
	c.SetHelpFunc(func(c *cobra.Command, args []string) {
		if cat, err := e.catalog(); err == nil {
			c.Long = strings.Replace(long, "\n\nExit codes:", "\n\n"+setKeysHelp(cat)+"\n\nExit codes:", 1)
		}
		c.Root().HelpFunc()(c, args)
	})
}

// completeSet completes --set: the keys, then after "key=" that key's values.
func (e *env) completeSet(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	cat, err := e.catalog()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	s := project.SchemaFor(cat, "")
	key, _, typedKey := strings.Cut(toComplete, "=")
	if !typedKey {
		var keys []string
		for _, id := range s.IDs() {
			keys = append(keys, id+"=")
		}
		return keys, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
	q, ok := s.Lookup(key)
	if !ok {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, v := range q.Allowed() {
		out = append(out, key+"="+v)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
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
