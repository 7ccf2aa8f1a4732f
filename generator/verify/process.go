package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// tailBytes is how much of a command's output a failure report keeps.
const tailBytes = 4000

// syncBuffer collects a child's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail keeps the end of an output, where the error usually is.
func tail(s string) string {
	if len(s) <= tailBytes {
		return s
	}
	return "…" + s[len(s)-tailBytes:]
}

// command builds a child process in dir. A relative program path ("./x", ".venv/bin/x")
// is taken from dir. Each child gets its own process group, so stopping it also stops
// what it started.
func command(ctx context.Context, dir string, argv []string, env []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if strings.Contains(argv[0], "/") && !filepath.IsAbs(argv[0]) {
		// Absolute: the child resolves a relative path after changing into dir.
		if abs, err := filepath.Abs(filepath.Join(dir, argv[0])); err == nil {
			cmd.Path = abs
		}
		cmd.Err = nil
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// RunCommand runs a command in dir to its end and returns its output.
func RunCommand(ctx context.Context, dir string, argv []string, env []string) (string, error) {
	cmd := command(ctx, dir, argv, env)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%s: %w", strings.Join(argv, " "), ctx.Err())
	} else if err != nil {
		err = fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	return out.String(), err
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Server is a generated backend running as a child process.
type Server struct {
	URL   string
	Port  int
	cmd   *exec.Cmd
	out   *syncBuffer
	done  chan struct{}
	start time.Time
}

// Boot starts argv in dir on a free loopback port with env added, and waits until
// GET /readyz answers 200 or ctx ends. The returned duration is cold start to ready.
func Boot(ctx context.Context, dir string, argv []string, env []string) (*Server, time.Duration, error) {
	port, err := FreePort()
	if err != nil {
		return nil, 0, err
	}
	env = append([]string{"HOST=127.0.0.1", "PORT=" + strconv.Itoa(port)}, env...)
	// Not CommandContext's ctx: the server outlives Boot; Stop ends it.
	cmd := command(context.Background(), dir, argv, env)
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	s.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("start %s: %w", strings.Join(argv, " "), err)
	}
	go func() { cmd.Wait(); close(s.done) }()
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-s.done:
			return nil, 0, fmt.Errorf("%s exited before it was ready (%s)\n%s", strings.Join(argv, " "), cmd.ProcessState, tail(s.out.String()))
		case <-ctx.Done():
			s.Kill()
			return nil, 0, fmt.Errorf("%s was not ready: %w\n%s", strings.Join(argv, " "), ctx.Err(), tail(s.out.String()))
		case <-time.After(20 * time.Millisecond):
		}
		resp, err := client.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, time.Since(s.start), nil
			}
		}
	}
}

// Output is what the server printed so far.
func (s *Server) Output() string { return s.out.String() }

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Signal sends sig to the server process.
func (s *Server) Signal(sig syscall.Signal) error { return s.cmd.Process.Signal(sig) }

// Wait waits up to timeout for the server to exit and returns its exit code.
func (s *Server) Wait(timeout time.Duration) (int, error) {
	select {
	case <-s.done:
		return s.cmd.ProcessState.ExitCode(), nil
	case <-time.After(timeout):
		return -1, errors.New("the server did not exit in time")
	}
}

// Kill stops the server and everything it started, at once.
func (s *Server) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}

// MaxRSS is the peak resident memory of the exited server, in bytes (0 if unknown).
func (s *Server) MaxRSS() int64 {
	if s.cmd.ProcessState == nil {
		return 0
	}
	if ru, ok := s.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
