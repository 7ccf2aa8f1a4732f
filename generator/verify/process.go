package verify

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator/steps"
)

// RunCommand runs a command in dir to its end with the steps runner's environment
// and returns its output. Kept for callers that run one ad-hoc command (tests);
// manifest steps go through steps.Runner.
func RunCommand(ctx context.Context, dir string, argv []string, env []string) (string, error) {
	return steps.Exec(ctx, dir, argv, env, nil)
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
	URL  string
	Port int
	*steps.Process
}

// Boot starts argv in dir on a free loopback port with env added, and waits until
// GET /readyz answers 200 or ctx ends. The returned duration is cold start to ready.
func Boot(ctx context.Context, dir string, argv []string, env []string) (*Server, time.Duration, error) {
	return boot(ctx, dir, argv, env, "/readyz")
}

// BootLive is Boot waiting for GET /livez instead: the server listens, whether or not
// it is ready (a project whose database is unmigrated or down).
func BootLive(ctx context.Context, dir string, argv []string, env []string) (*Server, time.Duration, error) {
	return boot(ctx, dir, argv, env, "/livez")
}

func boot(ctx context.Context, dir string, argv []string, env []string, path string) (*Server, time.Duration, error) {
	port, err := FreePort()
	if err != nil {
		return nil, 0, err
	}
	env = append([]string{"HOST=127.0.0.1", "PORT=" + strconv.Itoa(port)}, env...)
	start := time.Now()
	proc, err := steps.Start(dir, argv, env)
	if err != nil {
		return nil, 0, err
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, Process: proc}
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-proc.Done():
			return nil, 0, fmt.Errorf("%s exited before it was ready (%s)\n%s", strings.Join(argv, " "), proc.State(), steps.Tail(proc.Output(), steps.TailBytes))
		case <-ctx.Done():
			proc.Kill()
			return nil, 0, fmt.Errorf("%s did not answer GET %s with 200: %w\n%s", strings.Join(argv, " "), path, ctx.Err(), steps.Tail(proc.Output(), steps.TailBytes))
		case <-time.After(20 * time.Millisecond):
		}
		resp, err := client.Get(s.URL + path)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, time.Since(start), nil
			}
		}
	}
}
