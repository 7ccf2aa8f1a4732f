package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stackpick": func() { os.Exit(run(os.Args[1:], newSystemEnv())) },
	})
}

// TestScripts runs the CLI behaviour scripts in testdata/script. Their stdin is never
// a terminal, as in CI.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"cmpdir":   cmdCmpdir,
			"listdir":  cmdListdir,
			"jsonkeys": cmdJSONKeys,
		},
	})
}

// cmdExits runs a program and checks its exit code: exits N prog args...
// Its output stays available to stdout and stderr checks.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		got = exitErr.ExitCode()
	} else if err != nil {
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// cmdCmpdir compares two folders: the same paths, modes and bytes.
func cmdCmpdir(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: cmpdir DIR1 DIR2")
	}
	a, b := treeOf(ts, ts.MkAbs(args[0])), treeOf(ts, ts.MkAbs(args[1]))
	same := len(a) == len(b)
	for p, fa := range a {
		if fb, ok := b[p]; !ok || !bytes.Equal(fa, fb) {
			if !neg {
				ts.Fatalf("%s differs between %s and %s", p, args[0], args[1])
			}
			same = false
		}
	}
	if !same && !neg {
		ts.Fatalf("%s and %s hold different files", args[0], args[1])
	}
	if same && neg {
		ts.Fatalf("%s and %s are identical", args[0], args[1])
	}
}

// cmdListdir prints every path under a folder with its mode, sorted, to stdout.
func cmdListdir(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: listdir DIR")
	}
	tree := treeOf(ts, ts.MkAbs(args[0]))
	var paths []string
	for p := range tree {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintln(ts.Stdout(), p)
	}
}

// cmdJSONKeys parses a JSON file (or stdout) and prints its top-level keys, sorted and
// comma-separated; with FIELD, the keys of that field (its first element, for an
// array): jsonkeys FILE [FIELD]
func cmdJSONKeys(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: jsonkeys FILE [FIELD]")
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc); err != nil {
		ts.Fatalf("jsonkeys: %s is not a JSON object: %v", args[0], err)
	}
	if len(args) == 2 {
		raw := doc[args[1]]
		var list []map[string]json.RawMessage
		if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			doc = list[0]
		} else if doc = nil; json.Unmarshal(raw, &doc) != nil {
			ts.Fatalf("jsonkeys: field %s is not an object or a list of objects", args[1])
		}
	}
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintln(ts.Stdout(), strings.Join(keys, ","))
}

// treeOf maps "path mode" to content for every entry under dir.
func treeOf(ts *testscript.TestScript, dir string) map[string][]byte {
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel) + " " + info.Mode().String()
		if d.Type().IsRegular() {
			out[key], err = os.ReadFile(p)
			return err
		}
		out[key] = nil
		return nil
	})
	if err != nil {
		ts.Fatalf("%v", err)
	}
	return out
}
