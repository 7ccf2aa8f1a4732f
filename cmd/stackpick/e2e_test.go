package main

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/verify"
	"github.com/stackpick/stackpick/templates"
)

// TestGeneratedProjects generates every template with every feature on and PostgreSQL,
// and with no feature and SQLite, then runs `stackpick verify` on it: install from the
// real registries, the project's own lint and tests (with postgres against a database
// on the throwaway PostgreSQL server verify starts), the migrations up, down and up, an
// item across a restart, boot, the contract probe, logs and graceful shutdown. The
// memory store is covered by the compare tests. Slow: skipped by -short, run by CI.
func TestGeneratedProjects(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries; run without -short")
	}
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for i, tmpl := range cat.Public() {
		for _, c := range []struct{ features, database string }{
			{strings.Join(tmpl.Features, ","), "postgres"},
			{"", "sqlite"},
		} {
			features := c.features
			t.Run(tmpl.ID+"/features="+features+"/database="+c.database, func(t *testing.T) {
				if c.database == verify.EnginePostgres {
					needPostgres(t)
				}
				dir := t.TempDir() + "/e2e-app"
				code, _, stderr := runTest(t, "new", dir, "--yes", "--template", tmpl.ID, "--set", "features="+features, "--set", "database="+c.database,
					"--set", `description=End-to-end "test" project \ with {{ .Name }} and ${HOME}`)
				if code != 0 {
					t.Fatalf("new: exit %d: %s", code, stderr)
				}
				// The shipped lockfile must match the manifest it was made for.
				data := tmpl.Data("e2e-app", "e2e_app", "", strings.Split(features, ","), c.database)
				for _, argv := range tmpl.Steps.Locked {
					argv, err := catalog.Command(argv, data)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := exec.LookPath(argv[0]); err != nil {
						t.Fatalf("%s is not on PATH: `make test` installs it into bin/tools", argv[0])
					}
					if out, err := verify.RunCommand(context.Background(), dir, argv, nil); err != nil {
						t.Fatalf("the lockfile is out of sync: %v\n%s", err, out)
					}
				}
				// With postgres, every other template is given a database (--database-url,
				// on a server this test starts) and the rest let verify start its own.
				args := []string{"verify", dir}
				var given *verify.Database
				if c.database == verify.EnginePostgres && i%2 == 1 {
					dbs := &verify.Databases{}
					t.Cleanup(func() { dbs.Close() })
					if given, err = dbs.New(context.Background(), verify.EnginePostgres, "given"); err != nil {
						t.Fatal(err)
					}
					args = append(args, "--database-url", given.URL)
				}
				code, stdout, stderr := runTest(t, args...)
				t.Logf("verify:\n%s", stdout)
				if code != 0 {
					t.Fatalf("verify: exit %d: %s", code, stderr)
				}
				if given != nil {
					pw, _ := url.Parse(given.URL)
					secret, _ := pw.User.Password()
					if !strings.Contains(stdout.String(), "DATABASE_URL "+verify.Redact(given.URL)) || strings.Contains(stdout.String(), secret) {
						t.Errorf("verify did not name the given database, password hidden")
					}
				} else if c.database == verify.EnginePostgres && !strings.Contains(stdout.String(), "on a throwaway PostgreSQL server") {
					t.Errorf("verify did not start its own PostgreSQL server")
				}
				// The database steps ran, and the project's own data/ stayed untouched.
				for _, step := range []string{verify.StepDatabase, verify.StepMigrations, verify.StepPersistence} {
					if !strings.Contains(stdout.String(), step+" ") {
						t.Errorf("verify did not run its %s step", step)
					}
				}
				if _, err := os.Stat(filepath.Join(dir, "data", "app.db")); err == nil {
					t.Error("verify wrote the project's own data/app.db")
				}
				// Known vulnerabilities at the pinned versions, where the registry
				// answers audits (this workplace's mirror refuses them with 405).
				for _, argv := range tmpl.Steps.Audit {
					argv, _ := catalog.Command(argv, data)
					out, err := verify.RunCommand(context.Background(), dir, argv, nil)
					switch {
					case err == nil:
						t.Logf("%s: no known vulnerabilities", strings.Join(argv, " "))
					case strings.Contains(out, "405 Method Not Allowed") || strings.Contains(out, "audit endpoint returned an error"):
						t.Logf("%s could not run: the registry does not serve audits here", strings.Join(argv, " "))
					default:
						t.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
					}
				}
			})
		}
	}
}
