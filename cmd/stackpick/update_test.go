package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newProject(t testing.TB, dir string, args ...string) {
	t.Helper()
	if code := run(append([]string{"new", dir, "--yes", "--set", "name=demo"}, args...), benchEnv()); code != 0 {
		t.Fatalf("new: exit %d", code)
	}
}

func snapshotDir(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		info, _ := d.Info()
		out[rel] = info.Mode().String()
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			out[rel] += string(b)
		}
		return nil
	})
	return out
}

// TestUpdateJSONReport: --dry-run --output json classifies every file, writes nothing.
func TestUpdateJSONReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	newProject(t, dir, "--stack", "python", "--set", "features=ci")
	before := snapshotDir(t, dir)
	code, stdout, stderr := runTest(t, "update", dir, "--dry-run", "--output", "json", "--set", "features=ci,docker")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		SchemaVersion  int            `json:"schema_version"`
		DryRun         bool           `json:"dry_run"`
		Changes        bool           `json:"changes"`
		AnswersChanged []string       `json:"answers_changed"`
		Counts         map[string]int `json:"counts"`
		Files          []struct {
			Path, Status string
		} `json:"files"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	for _, f := range r.Files {
		statuses[f.Path] = f.Status
	}
	if r.SchemaVersion != 1 || !r.DryRun || !r.Changes || len(r.AnswersChanged) != 1 || statuses["Dockerfile"] != "added" || statuses["pyproject.toml"] != "unchanged" || r.Counts["added"] != 2 {
		t.Fatalf("report %+v\n%s", r, stdout)
	}
	if after := snapshotDir(t, dir); len(after) != len(before) {
		t.Fatal("a dry run wrote files")
	}
}

// TestUpdateInterrupted: an update cancelled before it writes exits 130 and leaves
// the project as it was (every step is interrupted in generator/update's tests).
func TestUpdateInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	newProject(t, dir, "--stack", "node", "--set", "features=")
	before := snapshotDir(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := updateRun(ctx, benchEnv(), &updateOptions{dir: dir, sets: []string{"features=websocket"}, output: "text"})
	if exitCode(err) != exitInterrupted {
		t.Fatalf("exit %d: %v", exitCode(err), err)
	}
	after := snapshotDir(t, dir)
	if len(after) != len(before) {
		t.Fatalf("%d entries, want %d", len(after), len(before))
	}
	for p, v := range before {
		if after[p] != v {
			t.Fatalf("%s changed", p)
		}
	}
}

func TestUpdateConflictsExitFive(t *testing.T) {
	if got := exitCode(&updateConflictsError{n: 1, files: []string{"a"}}); got != exitUpdateConflicts || exitUpdateConflicts != 5 {
		t.Fatalf("exit %d", got)
	}
	if !strings.Contains(exitCodesHelp(exitUpdateConflicts), "5    update left conflicts") {
		t.Fatal(exitCodesHelp(exitUpdateConflicts))
	}
}

// TestUpdateInstallRegeneratesLockfile: a dependency you added to package.json and a
// feature that adds one: the manifests merge by structure, --install rewrites the
// lockfile with npm and installs from it; both dependencies are installed.
func TestUpdateInstallRegeneratesLockfile(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registry; run without -short")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	newProject(t, dir, "--stack", "node", "--set", "features=")
	pkg := filepath.Join(dir, "package.json")
	b, _ := os.ReadFile(pkg)
	mine := strings.Replace(string(b), `"pino": "10.4.0"`, `"pino": "10.4.0",
    "is-number": "7.0.0"`, 1)
	if err := os.WriteFile(pkg, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runTest(t, "update", dir, "--set", "features=websocket", "--install")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout.String(), "merged       package.json") || !strings.Contains(stdout.String(), "regenerate   package-lock.json") {
		t.Fatalf("report:\n%s", stdout)
	}
	out, err := exec.Command("npm", "ls", "--prefix", dir, "is-number", "ws").CombinedOutput()
	if err != nil {
		t.Fatalf("npm ls: %v\n%s", err, out)
	}
}

// TestUpdateVerifyPython: a dependency you added to pyproject.toml and a feature that
// adds one merge by structure; --verify regenerates uv.lock with uv, then verifies
// the project (install, lint, tests, boot, probe).
func TestUpdateVerifyPython(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registry; run without -short")
	}
	if _, err := exec.LookPath("uv"); err != nil {
		t.Fatal("uv is not on PATH: `make test` installs it into bin/tools")
	}
	dir := filepath.Join(t.TempDir(), "demo")
	newProject(t, dir, "--stack", "python", "--set", "features=")
	py := filepath.Join(dir, "pyproject.toml")
	b, _ := os.ReadFile(py)
	mine := strings.Replace(string(b), `    "pydantic==2.14.4",`, `    "pydantic==2.14.4",
    "six==1.17.0",`, 1)
	if err := os.WriteFile(py, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runTest(t, "update", dir, "--set", "features=websocket", "--verify")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout.String(), "merged       pyproject.toml") || !strings.Contains(stdout.String(), "regenerate   uv.lock") {
		t.Fatalf("report:\n%s", stdout)
	}
	lock, _ := os.ReadFile(filepath.Join(dir, "uv.lock"))
	for _, want := range []string{`name = "six"`, `name = "websockets"`} {
		if !strings.Contains(string(lock), want) {
			t.Errorf("uv.lock lacks %s", want)
		}
	}
}

// BenchmarkUpdateVsNew times `stackpick update` of a generated project (turning a
// feature on: 7 files change, every file is read and classified) paired with `new`
// of the same project with the new answers, and reports update/new.
func BenchmarkUpdateVsNew(b *testing.B) {
	for _, stack := range []string{"node", "python"} {
		b.Run(stack, func(b *testing.B) {
			var upd, fresh time.Duration
			for i := 0; b.Loop(); i++ {
				root := b.TempDir()
				dir, other := filepath.Join(root, "demo"), filepath.Join(root, "fresh", "demo")
				b.StopTimer()
				newProject(b, dir, "--stack", stack, "--set", "features=docker")
				b.StartTimer()
				t0 := time.Now()
				if code := run([]string{"update", dir, "--set", "features=docker,ci,websocket"}, benchEnv()); code != 0 {
					b.Fatalf("update: exit %d", code)
				}
				t1 := time.Now()
				newProject(b, other, "--stack", stack, "--set", "features=docker,ci,websocket")
				fresh += time.Since(t1)
				upd += t1.Sub(t0)
			}
			n := float64(b.N)
			b.ReportMetric(float64(upd.Microseconds())/n, "µs-update/op")
			b.ReportMetric(float64(fresh.Microseconds())/n, "µs-new/op")
			b.ReportMetric(float64(upd)/float64(fresh), "update/new")
		})
	}
}
