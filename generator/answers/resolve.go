package answers

import (
	"fmt"
)

// Asker asks one question on a terminal and returns the raw answer; it should keep
// asking until Question.Validate accepts the answer. def is the suggested value.
type Asker interface {
	Ask(q *Question, def string) (string, error)
}

// Resolver applies the one precedence rule to every key: flag, answers file,
// environment, prompt (only with an Asker, and never with UseDefaults), default (only
// with UseDefaults), else the key is reported missing.
type Resolver struct {
	Schema *Schema
	Flags  map[string]string // --set and dedicated flags, by id
	// FlagNames names the flag that gave a key when it is not --set (e.g. "--stack"),
	// so a message names the flag the user typed.
	FlagNames map[string]string
	File      map[string]string // the answers file, by id (see LoadFile)
	FileName  string
	Env       func(string) (string, bool) // os.LookupEnv, or a stand-in in tests
	// Asker is nil when stdin and stdout are not both terminals or prompting is off.
	Asker       Asker
	UseDefaults bool
}

// CheckFlags rejects --set keys that are not in the schema, naming the nearest key.
func (r *Resolver) CheckFlags() error {
	for k := range r.Flags {
		if _, ok := r.Schema.Lookup(k); !ok {
			return &InvalidError{UnknownKey: true, Value: k, Allowed: r.Schema.IDs(), Nearest: Nearest(k, r.Schema.IDs()), Where: "--set"}
		}
	}
	return nil
}

// CheckGiven checks every value a flag or the answers file gives, needed or not, so
// a command that does not use a key still refuses a bad value for it.
func (r *Resolver) CheckGiven() error {
	if err := r.CheckFlags(); err != nil {
		return err
	}
	for _, q := range r.Schema.Questions {
		if _, _, _, err := r.given(q); err != nil {
			return err
		}
	}
	return nil
}

// given returns the value of id from the flag, the file or the environment, in that
// order, validated.
func (r *Resolver) given(q *Question) (string, Source, bool, error) {
	try := func(raw string, src Source, where string) (string, Source, bool, error) {
		v, err := q.Validate(raw)
		if err != nil {
			if ie, ok := err.(*InvalidError); ok {
				ie.Where = where
			}
			return "", "", false, err
		}
		return v, src, true, nil
	}
	if raw, ok := r.Flags[q.ID]; ok {
		where := "--set " + q.ID
		if name := r.FlagNames[q.ID]; name != "" {
			where = name
		}
		return try(raw, FromFlag, where)
	}
	if raw, ok := r.File[q.ID]; ok {
		return try(raw, FromFile, r.FileName)
	}
	if r.Env != nil {
		// An empty variable counts as unset, as most tools treat it.
		if raw, ok := r.Env(q.EnvName()); ok && raw != "" {
			return try(raw, FromEnv, q.EnvName())
		}
	}
	return "", "", false, nil
}

// Given records into a the keys of ids that a flag, the file or the environment
// answers, and asks nothing: for keys that are recorded but not needed.
func (r *Resolver) Given(a Answers, ids ...string) error {
	for _, id := range ids {
		q := r.mustLookup(id)
		v, src, ok, err := r.given(q)
		if err != nil {
			return err
		}
		if ok {
			a.Set(id, v, src)
		}
	}
	return nil
}

// Merge combines the missing keys of two resolution steps into one error, so the user
// sees every missing key at once. Any other error wins over missing keys.
func Merge(first, second error) error {
	m1, ok1 := first.(*MissingError)
	m2, ok2 := second.(*MissingError)
	switch {
	case first == nil:
		return second
	case second == nil:
		return first
	case ok1 && ok2:
		return &MissingError{Questions: append(append([]*Question{}, m1.Questions...), m2.Questions...)}
	case ok1:
		return second
	default:
		return first
	}
}

// Resolve answers every key of ids into a, in order (a default may depend on an
// earlier answer). All missing keys are reported together in one *MissingError.
func (r *Resolver) Resolve(a Answers, ids ...string) error {
	var missing []*Question
	for _, id := range ids {
		if a.Has(id) {
			continue
		}
		q := r.mustLookup(id)
		v, src, ok, err := r.given(q)
		if err != nil {
			return err
		}
		switch {
		case ok:
		case r.Asker != nil && !r.UseDefaults:
			// --yes means "take the defaults": it asks nothing, even on a terminal.
			raw, err := r.Asker.Ask(q, q.DefaultValue(a))
			if err != nil {
				return err
			}
			if v, err = q.Validate(raw); err != nil {
				return err
			}
			src = FromPrompt
		case r.UseDefaults:
			// A default that fails its own check (a folder named "json") is reported
			// like any invalid answer, so the user sees the rule and a suggestion.
			if v, err = q.Validate(q.DefaultValue(a)); err != nil {
				if ie, ok := err.(*InvalidError); ok {
					ie.Where = "default"
				}
				return err
			}
			src = FromDefault
		default:
			missing = append(missing, q)
			continue
		}
		a.Set(id, v, src)
	}
	if len(missing) > 0 {
		return &MissingError{Questions: missing}
	}
	return nil
}

func (r *Resolver) mustLookup(id string) *Question {
	q, ok := r.Schema.Lookup(id)
	if !ok {
		panic(fmt.Sprintf("answers: no question %q in the schema", id))
	}
	return q
}
