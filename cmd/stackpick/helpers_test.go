package main

import (
	"bytes"
	"testing"

	"github.com/stackpick/stackpick/cmd/internal/iostreams"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/templates"
)

// runTest runs a command line in-process with no terminal and an empty environment,
// and returns the exit code and outputs.
func runTest(t *testing.T, args ...string) (code int, stdout, stderr *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	e := &env{
		io:        ios,
		lookupEnv: func(string) (string, bool) { return "", false },
		prompter:  nil,
		catalog:   func() (*catalog.Catalog, error) { return templates.Catalog() },
	}
	return run(args, e), out, errOut
}
