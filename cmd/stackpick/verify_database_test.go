package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyDatabaseURLUsage: --database-url is refused, before anything is installed,
// when empty, when it is not a PostgreSQL URL (and the password is not echoed), and on a
// project that has no PostgreSQL.
func TestVerifyDatabaseURLUsage(t *testing.T) {
	dir := t.TempDir()
	pg, lite := filepath.Join(dir, "pg-app"), filepath.Join(dir, "lite-app")
	for target, db := range map[string]string{pg: "postgres", lite: "sqlite"} {
		if code, _, stderr := runTest(t, "new", target, "--yes", "--stack", "node", "--set", "database="+db); code != 0 {
			t.Fatalf("new: exit %d: %s", code, stderr)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", pg, "--database-url", ""}, "--database-url is empty"},
		{[]string{"verify", pg, "--database-url", "mysql://u:hunter2@h/db"}, "is not a PostgreSQL one"},
		{[]string{"verify", lite, "--database-url", "postgresql://u:p@127.0.0.1:1/db"}, "lite-app has database=sqlite"},
	} {
		code, _, stderr := runTest(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr.String(), c.want) || strings.Contains(stderr.String(), "hunter2") {
			t.Errorf("%q: exit %d, %q; want exit %d saying %q", c.args, code, stderr, exitUsage, c.want)
		}
	}
}
