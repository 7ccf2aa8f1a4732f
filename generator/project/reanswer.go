package project

import (
	"fmt"

	"github.com/stackpick/stackpick/generator/answers"
)

// Reanswer is old (a project loaded by FromRecord) with the answers src gives in
// place of the recorded ones, as `update --set/--answers` changes them: --set over the
// answers file over the record. Nothing is asked, the environment is not read, and no
// default is taken: a project's answers change only when the user says so. The stack
// and template stay: another stack is another project.
func Reanswer(old *Project, src Sources) (*Project, error) {
	src.Env, src.Asker, src.UseDefaults = nil, nil, false
	r, _, err := src.resolver(old.Schema)
	if err != nil {
		return nil, err
	}
	given := answers.New()
	if err := r.Given(given, old.Schema.IDs()...); err != nil {
		return nil, err
	}
	a := answers.New()
	for _, id := range old.Schema.IDs() {
		switch {
		case given.Has(id):
			a.Set(id, given.Get(id), given.Source(id))
		case old.Answers.Has(id):
			a.Set(id, old.Answers.Get(id), old.Answers.Source(id))
		}
	}
	for _, key := range []string{answers.KeyStack, answers.KeyTemplate} {
		if a.Get(key) != old.Answers.Get(key) {
			return nil, &answers.InvalidError{Key: key, Value: a.Get(key), Reason: fmt.Sprintf("update keeps the project's %s (%s); generate a new project for another one", key, old.Answers.Get(key))}
		}
	}
	if err := CheckFeatures(a, old.Template); err != nil {
		return nil, err
	}
	return &Project{Schema: old.Schema, Answers: a, Template: old.Template, Target: old.Target, Data: dataFor(old.Template, a), Replayed: old.Replayed}, nil
}
