package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden trees in testdata/golden from the current templates")

// goldenCases are generated projects committed under testdata/golden: a template
// change shows up as a reviewable diff there.
var goldenCases = []struct {
	name string
	args []string
}{
	{"node-all", []string{"--stack", "node", "--set", "features=docker,ci,websocket"}},
	{"node-none", []string{"--stack", "node", "--set", "features="}},
	{"python-all", []string{"--stack", "python", "--set", "features=docker,ci,websocket"}},
	{"python-none", []string{"--stack", "python", "--set", "features="}},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "golden-app")
			args := append([]string{"new", dir, "--yes", "--set", "description=A golden test project."}, c.args...)
			if code, _, stderr := runTest(t, args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			want := filepath.Join("..", "..", "testdata", "golden", c.name)
			if *update {
				if err := os.RemoveAll(want); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(want, os.DirFS(dir)); err != nil {
					t.Fatal(err)
				}
			}
			compareTrees(t, want, dir)
		})
	}
}

// compareTrees reports every file that is missing, extra or different between the
// golden tree and the generated one, with the first differing line, and every file
// whose executable bit differs (the part of the mode git keeps).
func compareTrees(t *testing.T, golden, got string) {
	t.Helper()
	g, h := readTree(t, golden), readTree(t, got)
	var paths []string
	for p := range g {
		paths = append(paths, p)
	}
	for p := range h {
		if _, ok := g[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		a, inGolden := g[p]
		b, inGot := h[p]
		switch {
		case !inGot:
			t.Errorf("%s: in the golden tree, not generated", p)
		case !inGolden:
			t.Errorf("%s: generated, not in the golden tree (run go test ./cmd/stackpick -run TestGolden -update and review the diff)", p)
		case !bytes.Equal(a.data, b.data):
			t.Errorf("%s differs from the golden tree: %s", p, firstDiff(a.data, b.data))
		case a.exec != b.exec:
			t.Errorf("%s: executable %v in the golden tree, %v generated", p, a.exec, b.exec)
		}
	}
}

// treeFile is a file's contents and whether it is executable.
type treeFile struct {
	data []byte
	exec bool
}

func readTree(t *testing.T, dir string) map[string]treeFile {
	t.Helper()
	out := map[string]treeFile{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = treeFile{data: b, exec: info.Mode().Perm()&0o100 != 0}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  golden: %q\n  got:    %q", i+1, w, g)
		}
	}
	return "same lines, different bytes"
}
