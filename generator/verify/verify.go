// Package verify checks a generated project end to end, as a user would: install it,
// run its own lint and tests, boot it on a free loopback port, probe the HTTP contract
// from outside, read its logs, then stop it with SIGTERM while a request is in flight.
package verify

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/probe"
	"github.com/stackpick/stackpick/generator/render"
)

// The steps, in order.
const (
	StepInstall  = "install"
	StepLint     = "lint"
	StepTest     = "test"
	StepBoot     = "boot"
	StepProbe    = "probe"
	StepLogs     = "logs"
	StepShutdown = "shutdown"
)

// Step is the outcome of one step.
type Step struct {
	Name    string         `json:"name"`
	OK      bool           `json:"ok"`
	Seconds float64        `json:"seconds"`
	Detail  string         `json:"detail,omitempty"` // why it failed, or what it measured
	Output  string         `json:"output,omitempty"` // the tail of a failed command's output
	Checks  []probe.Result `json:"checks,omitempty"` // the probe's rules
}

// Report is every step run, in order.
type Report struct {
	Dir      string `json:"dir"`
	Template string `json:"template"`
	OK       bool   `json:"ok"`
	Steps    []Step `json:"steps"`
}

// Options say what to verify.
type Options struct {
	Dir      string
	Template *catalog.Template
	Data     render.Data
	// Only, when not empty, runs just these steps (boot runs when any later step does).
	Only map[string]bool
	// Started is called when a step starts, Finished when it ends; both may be nil.
	Started  func(name string)
	Finished func(Step)
}

// shutdownTimeout is the drain time the server is started with; the exit must come
// well before it runs out.
const shutdownTimeout = 10 * time.Second

// Run verifies the project. It stops early when a step makes the rest meaningless
// (install or boot failed) or ctx ends; the server it started is always stopped.
func Run(ctx context.Context, o Options) Report {
	rep := Report{Dir: o.Dir, Template: o.Template.ID, OK: true}
	want := func(name string) bool { return len(o.Only) == 0 || o.Only[name] }
	step := func(name string, f func(*Step) error) bool {
		if o.Started != nil {
			o.Started(name)
		}
		s := Step{Name: name}
		start := time.Now()
		err := f(&s)
		s.Seconds = time.Since(start).Seconds()
		if err != nil && ctx.Err() != nil {
			err = fmt.Errorf("interrupted: %w", err)
		}
		s.OK = err == nil
		if err != nil {
			s.Detail = err.Error()
			rep.OK = false
		}
		rep.Steps = append(rep.Steps, s)
		if o.Finished != nil {
			o.Finished(s)
		}
		return s.OK
	}
	commands := func(steps [][]string) func(*Step) error {
		return func(s *Step) error {
			for _, argv := range steps {
				argv, err := catalog.Command(argv, o.Data)
				if err != nil {
					return err
				}
				out, err := RunCommand(ctx, o.Dir, argv, []string{"CI=true", "NO_COLOR=1"})
				if err != nil {
					s.Output = tail(out)
					return err
				}
			}
			return nil
		}
	}
	if want(StepInstall) && !step(StepInstall, commands(o.Template.Steps.Install)) {
		return rep
	}
	if want(StepLint) {
		step(StepLint, commands(o.Template.Steps.Lint))
	}
	if want(StepTest) {
		step(StepTest, commands(o.Template.Steps.Test))
	}
	if !want(StepBoot) && !want(StepProbe) && !want(StepLogs) && !want(StepShutdown) || ctx.Err() != nil {
		return rep
	}
	var srv *Server
	defer func() {
		if srv != nil {
			srv.Kill()
		}
	}()
	booted := step(StepBoot, func(s *Step) error {
		argv, err := catalog.Command(o.Template.Steps.Start, o.Data)
		if err != nil {
			return err
		}
		bootCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		var ready time.Duration
		srv, ready, err = Boot(bootCtx, o.Dir, argv, []string{"SHUTDOWN_TIMEOUT_MS=" + strconv.Itoa(int(shutdownTimeout.Milliseconds()))})
		if err != nil {
			return err
		}
		s.Detail = fmt.Sprintf("ready in %d ms on %s", ready.Milliseconds(), srv.URL)
		return nil
	})
	if !booted {
		return rep
	}
	if want(StepProbe) {
		step(StepProbe, func(s *Step) error {
			s.Checks = probe.Run(ctx, probe.Options{BaseURL: srv.URL, WebSocket: o.Data.Features["websocket"]})
			if n := probe.Failed(s.Checks); n > 0 {
				return fmt.Errorf("%d of %d contract checks failed", n, len(s.Checks))
			}
			s.Detail = fmt.Sprintf("%d contract checks passed", len(s.Checks))
			return nil
		})
	}
	if want(StepLogs) {
		step(StepLogs, func(s *Step) error { return checkLogs(srv.Output()) })
	}
	if want(StepShutdown) {
		step(StepShutdown, func(s *Step) error {
			took, err := checkShutdown(ctx, srv, o.Data.Features["websocket"])
			if err != nil {
				s.Output = tail(srv.Output())
				return err
			}
			s.Detail = fmt.Sprintf("in-flight request finished, exit 0, %d ms after SIGTERM", took.Milliseconds())
			return nil
		})
	}
	return rep
}

// checkLogs wants one JSON object per line on stdout, with a request line that has
// the method, path, status, duration and request id, and no request body.
func checkLogs(out string) error {
	requests := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			return fmt.Errorf("log line %d is not a JSON object: %.200s", n, line)
		}
		if rec["method"] != nil && rec["path"] != nil && rec["status"] != nil && rec["request_id"] != nil {
			if _, ok := rec["duration_ms"]; !ok {
				return fmt.Errorf("request log line %d has no duration_ms: %.200s", n, line)
			}
			requests++
		}
		if strings.Contains(line, "Fetch me") {
			return fmt.Errorf("log line %d holds a request body: %.200s", n, line)
		}
	}
	if requests == 0 {
		return fmt.Errorf("no request log line with method, path, status, duration_ms and request_id")
	}
	return nil
}

// checkShutdown starts a request and sends half its body, opens a WebSocket (with the
// feature), sends SIGTERM, then checks that the WebSocket is closed with 1012, the
// request still completes, and the process exits 0 before the drain time runs out.
func checkShutdown(ctx context.Context, srv *Server, ws bool) (time.Duration, error) {
	body := `{"name":"in flight","quantity":1}`
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	head := fmt.Sprintf("POST /v1/items HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", strings.TrimPrefix(srv.URL, "http://"), len(body))
	if _, err := conn.Write([]byte(head + body[:10])); err != nil {
		return 0, err
	}
	var wsConn *websocket.Conn
	if ws {
		dialCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		wsConn, _, err = websocket.Dial(dialCtx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/ws/echo", nil)
		if err != nil {
			return 0, fmt.Errorf("open a WebSocket before shutdown: %w", err)
		}
		defer wsConn.CloseNow()
	}
	time.Sleep(200 * time.Millisecond) // let the server read the request head
	start := time.Now()
	if err := srv.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	if wsConn != nil {
		readCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, _, err := wsConn.Read(readCtx)
		if status := websocket.CloseStatus(err); status != websocket.StatusServiceRestart {
			return 0, fmt.Errorf("after SIGTERM the WebSocket ended with %v (status %d), want close 1012", err, status)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := conn.Write([]byte(body[10:])); err != nil {
		return 0, fmt.Errorf("finish the in-flight request after SIGTERM: %w", err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("the in-flight request got no answer after SIGTERM: %w", err)
	}
	if !strings.Contains(status, " 201 ") {
		return 0, fmt.Errorf("the in-flight request was answered %q after SIGTERM, want 201", strings.TrimSpace(status))
	}
	code, err := srv.Wait(shutdownTimeout + 5*time.Second)
	if err != nil {
		return 0, err
	}
	if code != 0 {
		return 0, fmt.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	return time.Since(start), nil
}
