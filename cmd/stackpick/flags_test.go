package main

import (
	"strings"
	"testing"
)

// TestAnswerTriedAsAFlag: --database postgres is a usage error that says how to give
// the answer; an unknown flag that is no answer stays cobra's plain error.
func TestAnswerTriedAsAFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "x", "--database", "postgres"}, "unknown flag: --database (an answer: give it as --set database=VALUE)"},
		{[]string{"recommend", "--team-language=python"}, "unknown flag: --team-language (an answer: give it as --set team_language=VALUE)"},
		{[]string{"new", "x", "--bogus"}, "unknown flag: --bogus\n"},
		{[]string{"templates", "--database", "x"}, "unknown flag: --database\n"},
	} {
		code, _, errOut := runTest(t, c.args...)
		if code != exitUsage || !strings.Contains(errOut.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, exitUsage, c.want)
		}
	}
}
