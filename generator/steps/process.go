package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoTerminate says a platform cannot ask a process to shut down gracefully
// (Windows has no SIGTERM).
var ErrNoTerminate = errors.New("a graceful stop (SIGTERM) is not available on Windows; run this check on Linux or macOS")

// waitDelay is how long a killed child's pipes may stay open (a grandchild that
// escaped the group) before Wait gives up on them.
const waitDelay = 5 * time.Second

// command builds a child in dir with the runner's environment plus env. A relative
// program path ("./x", ".venv/bin/x") is taken from dir. The child gets a process
// group of its own; when ctx ends the whole group is killed.
func command(ctx context.Context, dir string, argv []string, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if strings.ContainsAny(argv[0], `/\`) && !filepath.IsAbs(argv[0]) {
		// Absolute: the child resolves a relative path after changing into dir.
		if abs, err := filepath.Abs(filepath.Join(dir, argv[0])); err == nil {
			cmd.Path = abs
		}
		cmd.Err = nil
	}
	cmd.Dir = dir
	cmd.Env = Env(env...)
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = waitDelay
	return cmd
}

// Exec runs one command in dir to its end with the runner's environment plus env and
// returns its combined output (the last KeepBytes). live, when not nil, also gets
// the output as it comes. The error names the command; when ctx ended it wraps
// ctx.Err().
func Exec(ctx context.Context, dir string, argv []string, env []string, live io.Writer) (string, error) {
	if len(argv) == 0 {
		return "", errors.New("steps: empty command")
	}
	cmd := command(ctx, dir, argv, env)
	var out Output
	var w io.Writer = &out
	if live != nil {
		w = io.MultiWriter(&out, live)
	}
	cmd.Stdout, cmd.Stderr = w, w
	err := cmd.Run()
	switch {
	case err != nil && ctx.Err() != nil:
		err = fmt.Errorf("%s: %w", strings.Join(argv, " "), ctx.Err())
	case err != nil:
		err = fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return out.String(), err
}

// Process is a long-running child (a server) started by Start. It outlives the call
// that started it; Kill or Terminate ends it.
type Process struct {
	cmd  *exec.Cmd
	out  *Output
	done chan struct{}
}

// Start starts argv in dir with the runner's environment plus env, in a process group
// of its own, and returns at once.
func Start(dir string, argv []string, env []string) (*Process, error) {
	if len(argv) == 0 {
		return nil, errors.New("steps: empty command")
	}
	cmd := command(context.Background(), dir, argv, env)
	p := &Process{cmd: cmd, out: &Output{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", strings.Join(argv, " "), err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	return p, nil
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Output is what the process printed so far (the last KeepBytes).
func (p *Process) Output() string { return p.out.String() }

// PID is the process id.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// State describes how the process ended ("exit status 1"), or "" while it runs.
func (p *Process) State() string {
	select {
	case <-p.done:
		return p.cmd.ProcessState.String()
	default:
		return ""
	}
}

// Terminate asks the process to shut down gracefully (SIGTERM); ErrNoTerminate where
// the platform cannot.
func (p *Process) Terminate() error { return terminate(p.cmd) }

// Wait waits up to timeout for the process to exit and returns its exit code.
func (p *Process) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode(), nil
	case <-time.After(timeout):
		return -1, fmt.Errorf("%s did not exit within %s", filepath.Base(p.cmd.Path), timeout)
	}
}

// Kill stops the process and everything it started, at once, and waits for it.
func (p *Process) Kill() {
	select {
	case <-p.done:
		return
	default:
	}
	killGroup(p.cmd)
	<-p.done
}

// MaxRSS is the exited process's peak resident memory in bytes (0 if unknown).
func (p *Process) MaxRSS() int64 {
	select {
	case <-p.done:
		return maxRSS(p.cmd)
	default:
		return 0
	}
}
