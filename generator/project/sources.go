package project

import (
	"fmt"
	"io"
	"os"

	"github.com/stackpick/stackpick/generator/answers"
)

// Sources are where a command's answers come from, highest precedence first: --set
// and the flags that answer one key (--stack, --template), an answers file, the
// environment, a prompt (Asker), the defaults (UseDefaults).
type Sources struct {
	// Sets are the --set values as typed ("key=value").
	Sets []string
	// Dedicated are flags that answer one key directly; they rank with --set.
	Dedicated []Dedicated
	// AnswersFile is the --answers path; "-" reads Stdin.
	AnswersFile string
	Stdin       io.Reader
	// Env looks up STACKPICK_<KEY>; nil reads nothing.
	Env func(string) (string, bool)
	// Asker asks on a terminal; nil never asks.
	Asker       answers.Asker
	UseDefaults bool
}

// Dedicated is a flag such as --stack that answers the key Key.
type Dedicated struct {
	Flag  string // as typed, e.g. "--stack"
	Key   string
	Value string
}

// InputError is a command line whose answers cannot be read as written (a --set
// without "=", a key given twice, two flags that disagree).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// RecordInfo is what a project record says beyond the answers: which binary wrote it
// and the digest of the template it rendered.
type RecordInfo struct {
	GeneratedBy    string `json:"generated_by"`
	TemplateDigest string `json:"template_digest"`
}

// resolver builds the precedence resolver of s from the sources, and what the answers
// file says of its origin when it is a project record. Every value given by a flag or
// the answers file is checked here, whether or not the command needs it, so every
// command accepts and refuses the same answers.
func (src Sources) resolver(s *answers.Schema) (*answers.Resolver, *RecordInfo, error) {
	var replayed *RecordInfo
	r := &answers.Resolver{Schema: s, Flags: map[string]string{}, FlagNames: map[string]string{}, Env: src.Env, UseDefaults: src.UseDefaults}
	for _, set := range src.Sets {
		k, v, ok := answers.ParseAssignment(set)
		if !ok {
			return nil, nil, &InputError{fmt.Sprintf("--set %q: want key=value, e.g. --set workload=api", set)}
		}
		if _, dup := r.Flags[k]; dup {
			return nil, nil, &InputError{fmt.Sprintf("--set %s is given twice; give each key once", k)}
		}
		r.Flags[k] = v
	}
	for _, d := range src.Dedicated {
		if old, dup := r.Flags[d.Key]; dup && old != d.Value {
			return nil, nil, &InputError{fmt.Sprintf("%s %s and --set %s=%s disagree; give one", d.Flag, d.Value, d.Key, old)}
		}
		r.Flags[d.Key] = d.Value
		r.FlagNames[d.Key] = d.Flag
	}
	if src.AnswersFile != "" {
		name, in := src.AnswersFile, src.Stdin
		if name == "-" {
			name = "stdin"
		} else {
			fh, err := os.Open(src.AnswersFile)
			if err != nil {
				return nil, nil, &answers.FileError{Path: src.AnswersFile, Err: err}
			}
			defer fh.Close()
			in = fh
		}
		values, err := answers.LoadFile(name, in, s)
		if err != nil {
			return nil, nil, err
		}
		r.File, r.FileName = values, name
		if by, ok := values[answers.KeyGeneratedBy]; ok {
			replayed = &RecordInfo{GeneratedBy: by, TemplateDigest: values[answers.KeyTemplateDigest]}
		}
		delete(values, answers.KeyGeneratedBy)
		delete(values, answers.KeyTemplateDigest)
	}
	if err := r.CheckGiven(); err != nil {
		return nil, nil, err
	}
	r.Asker = src.Asker
	return r, replayed, nil
}
