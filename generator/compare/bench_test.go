package compare

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/catalog"
)

// TestBenchInstallWritesThroughPlanAndApply installs a small template the way
// compare --bench does: the files arrive with the modes the manifest gives (Plan and
// Apply), a folder that is not empty is refused as `new` refuses it, and the install
// step's size counts only what the install added.
func TestBenchInstallWritesThroughPlanAndApply(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("sh is not on PATH")
	}
	cat, err := catalog.Load(fstest.MapFS{
		"tiny/manifest.yml": {Data: []byte(`id: tiny
stack: sh
port: 3000
files:
  - path: run.sh
    mode: "0755"
steps:
  install: [[sh, -c, "mkdir deps && printf 0123456789 > deps/lib"]]
  start: [./run.sh]
`)},
		"tiny/files/run.sh":         {Data: []byte("#!/bin/sh\n")},
		"tiny/files/README.md.tmpl": {Data: []byte("# {{ .Name }}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := cat.ByID("tiny")
	target := BenchTarget{Template: tmpl, Data: tmpl.Data("tiny-app", "tiny_app", "", nil, ""), Kind: KindSkeleton}
	dir := filepath.Join(t.TempDir(), "tiny")
	_, size, err := install(context.Background(), dir, target)
	if err != nil {
		t.Fatal(err)
	}
	if size != 10 {
		t.Errorf("installed size %d, want the 10 bytes the install wrote", size)
	}
	if info, err := os.Stat(filepath.Join(dir, "run.sh")); err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("run.sh: %v %v, want mode 0755", info, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(b) != "# tiny-app\n" {
		t.Errorf("README.md %q", b)
	}
	_, _, err = install(context.Background(), dir, target)
	var conflict *generator.ConflictError
	if !errors.As(err, &conflict) {
		t.Errorf("a second install into the same folder: %v, want a ConflictError", err)
	}
}

// TestBenchRunsEachDatabase benchmarks a small stand-in project with a SQLite database
// (generator/verify/testdata/fakeapp.py): it boots on a fresh database file (it refuses
// to start without DATABASE_URL), the mix runs on it, /livez is left out for a MixOnly
// target, and the mix shows up per stack and database.
func TestBenchRunsEachDatabase(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	app, err := filepath.Abs("../verify/testdata/fakeapp.py")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(fstest.MapFS{
		"fake/manifest.yml": {Data: []byte(`id: fake
stack: py
port: 3000
databases: [sqlite, memory]
files: []
steps:
  start: [python3, ` + app + `]
`)},
		"fake/files/README.md": {Data: []byte("fake\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := cat.ByID("fake")
	target := BenchTarget{Template: tmpl, Data: tmpl.Data("fake", "fake", "", nil, "sqlite"), Kind: KindSkeleton, MixOnly: true}
	b, err := Run(context.Background(), BenchOptions{Dir: t.TempDir(), Duration: 300 * time.Millisecond, Connections: 2, Rounds: 1}, []BenchTarget{target})
	if err != nil {
		t.Fatal(err)
	}
	m := b.Servers[0]
	if m.Database != "sqlite" || m.Name() != "fake on sqlite" || len(m.Results) != 1 || m.Results[0].Workload != WorkloadMix || m.Results[0].Requests == 0 {
		t.Errorf("server %+v", m)
	}
	if len(b.MixByDatabase) != 1 || b.MixByDatabase[0].Database != "sqlite" || b.MixByDatabase[0].Stack != "py" || len(b.Skipped) != 0 {
		t.Errorf("mix by database %+v, skipped %+v", b.MixByDatabase, b.Skipped)
	}
}
