package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackpick/stackpick/cmd/internal/iostreams"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
)

// TestInterruptedInstallSaysWhatHappenedAndWhatToRerun stops `new --install` while
// its install has begun a .venv: the error is in plain words (no "context
// canceled"), the half-made .venv is gone, the written files stay, the message says
// what to rerun, and the exit code is 130.
func TestInterruptedInstallSaysWhatHappenedAndWhatToRerun(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("sh is not on PATH")
	}
	target := filepath.Join(t.TempDir(), "my app")
	os.MkdirAll(target, 0o755)
	os.WriteFile(filepath.Join(target, "pyproject.toml"), []byte("[project]\n"), 0o644)
	tmpl := &catalog.Template{Manifest: catalog.Manifest{ID: "fake", Steps: catalog.Steps{
		Install:        [][]string{{"sh", "-c", "mkdir .venv && touch .venv/half && sleep 60"}},
		InstallOutputs: []string{".venv"},
	}}}
	ios, _, _, _ := iostreams.Test()
	e := &env{io: ios, lookupEnv: func(string) (string, bool) { return "", false }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(target, ".venv", "half")); err == nil {
				break
			}
		}
		cancel()
	}()
	_, err := runPostSteps(ctx, e, []string{postInstall}, &project.Project{Target: target, Template: tmpl}, false)
	if err == nil {
		t.Fatal("no error after the interruption")
	}
	want := "during install: sh -c mkdir .venv && touch .venv/half && sleep 60 was stopped and what it had begun removed (.venv); " +
		"the project files in " + target + " are intact; to install, run: cd '" + target + "' && sh -c 'mkdir .venv && touch .venv/half && sleep 60'"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
	if strings.Contains(err.Error(), "context canceled") {
		t.Errorf("message %q", err)
	}
	if !errors.Is(err, context.Canceled) || exitCode(err) != exitInterrupted {
		t.Errorf("exit code %d, want %d", exitCode(err), exitInterrupted)
	}
	if _, err := os.Stat(filepath.Join(target, ".venv")); err == nil {
		t.Error("the half-made .venv is still there")
	}
	if _, err := os.Stat(filepath.Join(target, "pyproject.toml")); err != nil {
		t.Error("a written file is gone")
	}
}

// TestNextStepsMigrateBeforeTheStart: a project with a database is told to create its
// table before it starts (the app never changes the schema by itself); a memory project
// has nothing to migrate.
func TestNextStepsMigrateBeforeTheStart(t *testing.T) {
	for _, c := range []struct {
		stack, database, migrate, start string
	}{
		{"node", "sqlite", "  npm run migrate\n", "  node src/server.ts\n"},
		{"node", "postgres", "  npm run migrate\n", "  node src/server.ts\n"},
		{"python", "sqlite", "  .venv/bin/alembic upgrade head\n", "  .venv/bin/python -m demo\n"},
		{"node", "memory", "", "  node src/server.ts\n"},
		{"python", "memory", "", "  .venv/bin/python -m demo\n"},
	} {
		t.Run(c.stack+"-"+c.database, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			code, out, errOut := runTest(t, "new", dir, "--yes", "--stack", c.stack, "--set", "database="+c.database)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			text := out.String()
			start := strings.Index(text, c.start)
			if start < 0 {
				t.Fatalf("no start command %q in:\n%s", c.start, text)
			}
			if c.migrate == "" {
				if strings.Contains(text, "migrate") || strings.Contains(text, "alembic") {
					t.Errorf("a memory project is told to migrate:\n%s", text)
				}
				return
			}
			if m := strings.Index(text, c.migrate); m < 0 || m > start {
				t.Errorf("want %q before %q in:\n%s", c.migrate, c.start, text)
			}
		})
	}
}
