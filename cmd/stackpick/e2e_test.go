package main

import (
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/templates"
)

// TestGeneratedProjects generates every template with every feature on and with none,
// then runs `stackpick verify` on it: install from the real registries, the project's
// own lint and tests, boot, the contract probe, logs and graceful shutdown. Slow:
// skipped by -short, run by CI.
func TestGeneratedProjects(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries; run without -short")
	}
	cat, err := catalog.Load(templates.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range cat.Templates {
		for _, features := range []string{strings.Join(tmpl.Features, ","), ""} {
			t.Run(tmpl.ID+"/features="+features, func(t *testing.T) {
				dir := t.TempDir() + "/e2e-app"
				code, _, stderr := runTest(t, "new", dir, "--yes", "--template", tmpl.ID, "--set", "features="+features,
					"--set", `description=End-to-end "test" project \ with {{ .Name }} and ${HOME}`)
				if code != 0 {
					t.Fatalf("new: exit %d: %s", code, stderr)
				}
				code, stdout, stderr := runTest(t, "verify", dir)
				t.Logf("verify:\n%s", stdout)
				if code != 0 {
					t.Fatalf("verify: exit %d: %s", code, stderr)
				}
			})
		}
	}
}
