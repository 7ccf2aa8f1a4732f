package steps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stackpick/stackpick/generator/catalog"
)

// needs skips a test when a program it runs is not installed.
func needs(t *testing.T, progs ...string) {
	t.Helper()
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s is not on PATH", p)
		}
	}
}

// script writes an executable shell script into dir and returns its path.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func runner(dir string, s catalog.Steps, rt catalog.Runtime) *Runner {
	return &Runner{Dir: dir, Template: &catalog.Template{Manifest: catalog.Manifest{ID: "t", Steps: s, Runtime: rt}}}
}

// waitFor polls until path exists: the event a test waits on before it cancels.
func waitFor(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

func TestExecCombinesOutputWithTheRunnersEnvironment(t *testing.T) {
	needs(t, "sh")
	out, err := Exec(context.Background(), t.TempDir(), []string{"sh", "-c", `echo out; echo err >&2; echo "CI=$CI NO_COLOR=$NO_COLOR X=$X"`}, []string{"X=1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out != "out\nerr\nCI=true NO_COLOR=1 X=1\n" {
		t.Errorf("output %q", out)
	}
	_, err = Exec(context.Background(), t.TempDir(), []string{"sh", "-c", "exit 3"}, nil, nil)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.HasPrefix(err.Error(), "sh -c exit 3: ") {
		t.Errorf("err %v, want exit 3 named by the command", err)
	}
}

func TestOutputKeepsABoundedTailOfWholeLines(t *testing.T) {
	o := &Output{limit: 100}
	for i := 0; i < 1000; i++ {
		o.Write([]byte("line " + strings.Repeat("x", i%7) + "\n"))
	}
	s := o.String()
	if len(s) > 100 || !o.Truncated() || !strings.HasPrefix(s, "line ") || !strings.HasSuffix(s, "\n") {
		t.Errorf("kept %d bytes %q", len(s), s)
	}
	if got := Tail("a\nbb\ncc\n", 5); got != "…\ncc\n" {
		t.Errorf("Tail = %q", got)
	}
}

// alive says whether pid still exists (a zombie does not count once it is reaped).
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscallZero) == nil
}

func TestCancelKillsTheWholeProcessGroup(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process groups are killed with taskkill on Windows")
	}
	needs(t, "sh", "sleep")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		// The grandchild (sleep) writes its pid; the shell waits on it.
		_, err := Exec(ctx, dir, []string{"sh", "-c", "sleep 60 & echo $! > pid.tmp; mv pid.tmp pid; wait"}, nil, nil)
		done <- err
	}()
	waitFor(t, filepath.Join(dir, "pid"))
	b, _ := os.ReadFile(filepath.Join(dir, "pid"))
	var pid int
	if _, err := fmt.Sscan(strings.TrimSpace(string(b)), &pid); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Exec did not return after cancel")
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("the grandchild %d outlived the cancel", pid)
	}
}

func TestStartedProcessIsKilledWithWhatItStarted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process groups are killed with taskkill on Windows")
	}
	needs(t, "sh", "sleep")
	dir := t.TempDir()
	p, err := Start(dir, []string{"sh", "-c", "sleep 60 & echo $! > pid.tmp; mv pid.tmp pid; echo started; wait"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, filepath.Join(dir, "pid"))
	b, _ := os.ReadFile(filepath.Join(dir, "pid"))
	var pid int
	fmt.Sscan(strings.TrimSpace(string(b)), &pid)
	p.Kill()
	if p.State() == "" {
		t.Error("Kill returned before the process ended")
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("the grandchild %d outlived Kill", pid)
	}
	if !strings.Contains(p.Output(), "started") {
		t.Errorf("output %q", p.Output())
	}
}

func TestRuntimeCheckStopsInstallOnAnOldOrMissingInterpreter(t *testing.T) {
	needs(t, "sh")
	dir := t.TempDir()
	bin := t.TempDir()
	fake := script(t, bin, "fakenode", `echo v20.20.2`)
	install := [][]string{{"sh", "-c", "touch installed"}}
	rt := catalog.Runtime{Name: "Node.js", Command: []string{fake, "--version"}, Minimum: "24.12.0"}

	res := runner(dir, catalog.Steps{Install: install}, rt).Run(context.Background(), Install)
	var re *RuntimeError
	if !errors.As(res.Err, &re) || res.OK {
		t.Fatalf("err %v, want a RuntimeError", res.Err)
	}
	want := "needs Node.js >= 24.12.0; found 20.20.2 (" + fake + "): install Node.js 24.12.0 or later and put it first on PATH, then run this again"
	if res.Err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", res.Err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "installed")); err == nil {
		t.Error("install ran although the runtime is too old")
	}

	rt.Command = []string{"no-such-interpreter-stackpick", "--version"}
	res = runner(dir, catalog.Steps{Install: install}, rt).Run(context.Background(), Install)
	if res.Err == nil || !strings.HasPrefix(res.Err.Error(), "needs Node.js >= 24.12.0; no-such-interpreter-stackpick is not on PATH: install Node.js") {
		t.Errorf("missing interpreter: %v", res.Err)
	}

	for _, v := range []string{"v24.12.0", "Python 25.0", "v24.13.1"} {
		rt.Command = []string{script(t, bin, "ok", "echo "+v), "--version"}
		res = runner(dir, catalog.Steps{Install: install}, rt).Run(context.Background(), Install)
		if !res.OK {
			t.Errorf("%s: %v", v, res.Err)
		}
		if _, err := os.Stat(filepath.Join(dir, "installed")); err != nil {
			t.Errorf("%s: install did not run", v)
		}
	}
	if res.Runtime != "24.13.1" {
		t.Errorf("Runtime %q, want 24.13.1", res.Runtime)
	}
}

func TestInstallWithReplacesInstallWhenItsToolIsOnPath(t *testing.T) {
	needs(t, "sh")
	bin := t.TempDir()
	s := catalog.Steps{
		Install:     [][]string{{"sh", "-c", "echo default > ran"}},
		InstallWith: map[string][][]string{"fastinstall": {{"fastinstall", "sync"}}},
	}
	script(t, bin, "fastinstall", `echo "fast $1" > ran`)

	dir := t.TempDir()
	res := runner(dir, s, catalog.Runtime{}).Run(context.Background(), Install)
	if !res.OK || res.Variant != "" || strings.Join(res.Commands, ";") != "sh -c echo default > ran" {
		t.Errorf("without the tool: %+v", res)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ran")); string(b) != "default\n" {
		t.Errorf("without the tool ran %q", b)
	}

	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	dir = t.TempDir()
	res = runner(dir, s, catalog.Runtime{}).Run(context.Background(), Install)
	if !res.OK || res.Variant != "fastinstall" || strings.Join(res.Commands, ";") != "fastinstall sync" {
		t.Errorf("with the tool: %+v", res)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ran")); string(b) != "fast sync\n" {
		t.Errorf("with the tool ran %q", b)
	}
}

func TestInterruptedInstallRemovesWhatItBegan(t *testing.T) {
	needs(t, "sh", "sleep")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "package.json"), []byte("{}"), 0o644)
	s := catalog.Steps{Install: [][]string{{"sh", "-c", "mkdir .venv && touch notes.txt .venv/half && sleep 60"}}, InstallOutputs: []string{".venv", "node_modules"}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result, 1)
	go func() { done <- runner(dir, s, catalog.Runtime{}).Run(ctx, Install) }()
	waitFor(t, filepath.Join(dir, ".venv", "half"))
	cancel()
	res := <-done
	var ie *InterruptedError
	if !errors.As(res.Err, &ie) || !errors.Is(res.Err, context.Canceled) {
		t.Fatalf("err %v, want an InterruptedError wrapping context.Canceled", res.Err)
	}
	if want := "interrupted during install: sh -c mkdir .venv && touch notes.txt .venv/half && sleep 60 was stopped; removed what it had begun (.venv)"; res.Err.Error() != want {
		t.Errorf("message %q\nwant %q", res.Err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, ".venv")); err == nil {
		t.Error(".venv is still there")
	}
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		t.Error("the project's own file was removed")
	}
	// A file made meanwhile that the manifest does not name as an install output stays.
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Error("a file not named in install_outputs was removed")
	}
	if ie.Rerun != "sh -c mkdir .venv && touch notes.txt .venv/half && sleep 60" {
		t.Errorf("Rerun %q", ie.Rerun)
	}
}

func TestFailedStepKeepsTheTailOfItsOutput(t *testing.T) {
	needs(t, "sh")
	s := catalog.Steps{Lint: [][]string{{"sh", "-c", "true"}, {"sh", "-c", "for i in $(seq 1 2000); do echo line $i; done; echo the error >&2; exit 2"}}}
	res := runner(t.TempDir(), s, catalog.Runtime{}).Run(context.Background(), Lint)
	var ce *CommandError
	if res.OK || !errors.As(res.Err, &ce) || !strings.HasSuffix(res.Output, "line 2000\nthe error\n") || len(res.Output) > TailBytes+4 {
		t.Errorf("res %+v", res)
	}
	if !strings.HasSuffix(res.Err.Error(), ": exit status 2") || !strings.HasPrefix(res.Err.Error(), "sh -c for i") {
		t.Errorf("err %q", res.Err)
	}
}

// TestMigrateStepsGetTheRunnersEnvironment runs the manifest's migrate and migrate_down
// commands with the Runner's Env (DATABASE_URL); the test step gets it beside the
// JUnit settings; a manifest without migrate steps runs nothing.
func TestMigrateStepsGetTheRunnersEnvironment(t *testing.T) {
	needs(t, "sh")
	dir := t.TempDir()
	r := runner(dir, catalog.Steps{
		Migrate:     [][]string{{"sh", "-c", `echo "up $DATABASE_URL" >> log`}},
		MigrateDown: [][]string{{"sh", "-c", `echo "down $DATABASE_URL" >> log`}},
		Test:        [][]string{{"sh", "-c", `echo "test $TEST_DATABASE_URL ${PYTEST_ADDOPTS:+junit}" >> log`}},
	}, catalog.Runtime{})
	r.Env = []string{"DATABASE_URL=sqlite:////tmp/x.db", "TEST_DATABASE_URL=postgresql://t"}
	for _, step := range []string{Migrate, MigrateDown, Migrate, Test} {
		if res := r.Run(context.Background(), step); res.Err != nil || len(res.Commands) != 1 {
			t.Fatalf("%s: %v %v", step, res.Err, res.Commands)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "log"))
	want := "up sqlite:////tmp/x.db\ndown sqlite:////tmp/x.db\nup sqlite:////tmp/x.db\ntest postgresql://t junit\n"
	if string(b) != want {
		t.Errorf("log %q, want %q", b, want)
	}
	if res := runner(dir, catalog.Steps{}, catalog.Runtime{}).Run(context.Background(), Migrate); res.Err != nil || len(res.Commands) != 0 {
		t.Errorf("no migrate step: %v %v", res.Err, res.Commands)
	}
}
