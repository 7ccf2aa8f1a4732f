package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/steps"
	"github.com/stackpick/stackpick/generator/verify"
	"github.com/stackpick/stackpick/templates"
)

// schemathesisArgs are the property-based run of issue 12: every check, 30 examples per
// operation, one seed and one worker so that a run is repeatable, and the WebSocket
// endpoint left out (OpenAPI describes only its handshake).
var schemathesisArgs = []string{"--checks", "all", "--max-examples", "30", "--seed", "1", "--workers", "1",
	"--exclude-path", "/v1/ws/echo", "--request-timeout", "10"}

// schemathesisCases reads "N generated" from the summary's "Test cases:" section.
var schemathesisCases = regexp.MustCompile(`(?m)^\s*(\d+) generated`)

// TestSchemathesis generates each template, installs and boots it, and runs Schemathesis
// (a property-based tester, pinned in the Makefile and installed by `make test` into
// bin/tools/venv) against it with the document the project serves at /openapi.json: any failure fails.
// Slow: skipped by -short, and when schemathesis is not on PATH.
func TestSchemathesis(t *testing.T) {
	if testing.Short() {
		t.Skip("installs and boots every skeleton; run without -short")
	}
	st, err := exec.LookPath("schemathesis")
	if err != nil {
		t.Skip("schemathesis is not on PATH: `make test` installs it into bin/tools/venv (see SCHEMATHESIS_VERSION in the Makefile)")
	}
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range cat.Public() {
		t.Run(tmpl.ID, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			dir := filepath.Join(t.TempDir(), "st-app")
			if code, _, stderr := runTest(t, "new", dir, "--yes", "--template", tmpl.ID); code != 0 {
				t.Fatalf("new: exit %d: %s", code, stderr)
			}
			p, err := project.FromRecord(cat, dir)
			if err != nil {
				t.Fatal(err)
			}
			if res := (&steps.Runner{Dir: dir, Template: p.Template, Data: p.Data}).Run(ctx, steps.Install); res.Err != nil {
				t.Fatalf("install: %v\n%s", res.Err, res.Output)
			}
			argv, err := catalog.Command(p.Template.Steps.Start, p.Data)
			if err != nil {
				t.Fatal(err)
			}
			// On a fresh database of the project's kind (sqlite by default), never its
			// own data/app.db.
			dbs := &verify.Databases{}
			defer dbs.Close()
			db, err := dbs.New(ctx, p.Data.Database, "schemathesis")
			if err != nil {
				t.Fatal(err)
			}
			srv, _, err := verify.Boot(ctx, dir, argv, db.Env(true))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Kill()
			// The tester reads the document the project serves, which must be the
			// contract's, byte for byte.
			document := srv.URL + "/openapi.json"
			resp, err := http.Get(document)
			if err != nil {
				t.Fatal(err)
			}
			served, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Equal(served, docs.OpenAPI) {
				t.Fatalf("%s serves a document other than docs/openapi.json at /openapi.json (%v)", tmpl.ID, err)
			}
			args := append([]string{"--no-color", "run", document, "--url", srv.URL}, schemathesisArgs...)
			start := time.Now()
			cmd := exec.CommandContext(ctx, st, args...)
			cmd.Dir = t.TempDir() // its example database and caches stay out of the project
			out, err := cmd.CombinedOutput()
			took := time.Since(start)
			cases := "an unknown number of"
			if m := schemathesisCases.FindSubmatch(out); m != nil {
				cases = string(m[1])
			}
			t.Logf("schemathesis %s: %s cases in %.1f s against %s", strings.Join(args[1:], " "), cases, took.Seconds(), tmpl.ID)
			if err != nil {
				t.Errorf("schemathesis found failures in %s (%v); its report:\n%s", tmpl.ID, err, out)
			} else if n, _ := strconv.Atoi(cases); n == 0 {
				t.Errorf("schemathesis generated no case: the run proved nothing:\n%s", out)
			}
		})
	}
}
