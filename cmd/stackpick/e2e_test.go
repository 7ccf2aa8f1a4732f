package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/templates"
)

// TestGeneratedProjects installs every template's project from the real registries
// and runs its own lint and tests, with every feature on and with none. Slow: skipped
// by -short, run by CI.
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
			name := tmpl.ID + "/features=" + features
			t.Run(name, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "e2e-app")
				code, _, stderr := runTest(t, "new", dir, "--yes", "--template", tmpl.ID, "--set", "features="+features,
					"--set", `description=End-to-end "test" project \ with {{ .Name }}`)
				if code != 0 {
					t.Fatalf("new: exit %d: %s", code, stderr)
				}
				data := tmpl.Data("e2e-app", answers.PackageName("e2e-app"), "", strings.Split(features, ","))
				steps := append(append(append([][]string{}, tmpl.Steps.Install...), tmpl.Steps.Lint...), tmpl.Steps.Test...)
				for _, step := range steps {
					argv, err := catalog.Command(step, data)
					if err != nil {
						t.Fatal(err)
					}
					runStep(t, dir, argv)
				}
			})
		}
	}
}

func runStep(t *testing.T, dir string, argv []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if strings.Contains(argv[0], "/") {
		cmd.Path = filepath.Join(dir, argv[0])
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=true", "NO_COLOR=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s: %.1fs", strings.Join(argv, " "), time.Since(start).Seconds())
	if err != nil {
		tail := string(out)
		if len(tail) > 6000 {
			tail = tail[len(tail)-6000:]
		}
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, tail)
	}
}
