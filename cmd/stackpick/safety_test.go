package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestConcurrentRunsIntoOneTarget starts two processes that generate into the same
// folder at the same moment, several times: one succeeds, the other exits 3, and the
// folder holds one complete project.
func TestConcurrentRunsIntoOneTarget(t *testing.T) {
	bin := stackpickBinary(t)
	ref := filepath.Join(t.TempDir(), "race")
	if code, _, stderr := runTest(t, "new", ref, "--yes", "--stack", "node"); code != 0 {
		t.Fatal(stderr)
	}
	for round := 0; round < 8; round++ {
		target := filepath.Join(t.TempDir(), "race")
		var cmds []*exec.Cmd
		for i := 0; i < 2; i++ {
			cmd := exec.Command(bin, "new", target, "--yes", "--stack", "node")
			cmd.Env = cleanEnv()
			cmds = append(cmds, cmd)
		}
		for _, c := range cmds {
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		var codes []int
		for _, c := range cmds {
			err := c.Wait()
			var exitErr *exec.ExitError
			switch {
			case err == nil:
				codes = append(codes, 0)
			case errors.As(err, &exitErr):
				codes = append(codes, exitErr.ExitCode())
			default:
				t.Fatal(err)
			}
		}
		sort.Ints(codes)
		if codes[0] != 0 || codes[1] != 3 {
			t.Fatalf("round %d: exit codes %v, want one 0 and one 3", round, codes)
		}
		compareTrees(t, ref, target)
		entries, _ := os.ReadDir(filepath.Dir(target))
		if len(entries) != 1 {
			t.Fatalf("round %d: staging left behind: %v", round, entries)
		}
	}
}

// TestInterruptDuringPostStep sends SIGINT while `new --verify` is installing or
// testing: exit 130, the message says which post-step, and the written project is
// intact.
func TestInterruptDuringPostStep(t *testing.T) {
	if testing.Short() {
		t.Skip("runs npm; run without -short")
	}
	dir := t.TempDir()
	cmd := exec.Command(stackpickBinary(t), "new", "proj", "--yes", "--stack", "node", "--verify")
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the post-step has started and npm is writing node_modules.
	waitUntil(t, 60*time.Second, "the post-step to start", func() bool { return strings.Contains(out.String(), "verify ...") })
	waitUntil(t, 60*time.Second, "npm to start installing", func() bool {
		_, err := os.Stat(filepath.Join(dir, "proj", "node_modules"))
		return err == nil
	})
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 130 {
		t.Fatalf("got %v, want exit 130:\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "interrupted: during verify") || !strings.Contains(out.String(), "are intact") {
		t.Errorf("the message does not name the post-step:\n%s", out.String())
	}
	ref := filepath.Join(t.TempDir(), "proj")
	if code, _, stderr := runTest(t, "new", ref, "--yes", "--stack", "node"); code != 0 {
		t.Fatal(stderr)
	}
	// The project files are as written (install may have added node_modules).
	os.RemoveAll(filepath.Join(dir, "proj", "node_modules"))
	compareTrees(t, ref, filepath.Join(dir, "proj"))
}

// waitUntil waits for an event the test observes (a line printed, a file made),
// checking every few milliseconds, and fails after timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// descendants lists the pids of pid's descendants whose program (argv[0]'s base name)
// is name, from /proc. Not the comm field: Node.js renames its main thread.
func descendants(pid int, name string) []int {
	parent := map[int]int{}
	prog := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		parent[p], _ = strconv.Atoi(fields[1])
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		prog[p] = filepath.Base(argv0)
	}
	var out []int
	for p := range parent {
		if prog[p] != name {
			continue
		}
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// lockedBuffer is written by the child's output copier while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
