// Package verify checks a generated project end to end, as a user would: install it,
// run its own lint and tests, and, for a project with a database, run its migrations
// up, down and up and check that an item outlives a restart; then boot it on a free
// loopback port, probe the HTTP contract from outside, send it the conformance corpus
// with the OpenAPI document as the oracle, read its logs, then stop it with SIGTERM
// while a request is in flight. A project with a database runs against a fresh one
// (Databases), never against its own data/app.db.
package verify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/internal/probe"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/steps"
)

// SchemaVersion is the version of the report's JSON shape; it changes only when a
// field changes meaning or goes away.
const SchemaVersion = 1

// The steps, in order.
const (
	StepInstall = "install"
	StepLint    = "lint"
	// StepDatabase gets the database the project is checked against (sqlite and
	// postgres only): a fresh SQLite file, a database on a throwaway PostgreSQL server,
	// or the DATABASE_URL given.
	StepDatabase = "database"
	StepTest     = "test"
	// StepMigrations runs the migrate steps up, down and up, and checks between them
	// from outside that an unmigrated database makes /readyz answer 503.
	StepMigrations = "migrations"
	// StepPersistence creates an item, restarts the server and reads it back.
	StepPersistence = "persistence"
	StepBoot        = "boot"
	StepProbe       = "probe"
	// StepConformance sends the conformance corpus (generator/conformance) to the
	// booted project and judges each answer with the OpenAPI document as the oracle.
	StepConformance = "conformance"
	StepLogs        = "logs"
	StepShutdown    = "shutdown"
)

// Step is the outcome of one step.
type Step struct {
	Name    string  `json:"name"`
	OK      bool    `json:"ok"`
	Seconds float64 `json:"seconds"`
	Detail  string  `json:"detail,omitempty"` // why it failed, or what it measured
	// Variant is the install_with tool that replaced the default install ("uv").
	Variant  string   `json:"variant,omitempty"`
	Commands []string `json:"commands,omitempty"` // what install, lint and test ran
	// Failures are the failing tests as the test runner reported them, to show first.
	Failures []steps.Failure `json:"failures,omitempty"`
	Output   string          `json:"output,omitempty"` // the tail of a failed command's output
	Checks   []probe.Result  `json:"checks,omitempty"` // the probe's rules
	// Conformance is the conformance step's corpus run, every failing case included.
	Conformance *Conformance `json:"conformance,omitempty"`
}

// Report is every step run, in order.
type Report struct {
	SchemaVersion int    `json:"schema_version"`
	Dir           string `json:"dir"`
	Template      string `json:"template"`
	// Database is the database answer (sqlite, postgres, memory; "" for none).
	Database string `json:"database,omitempty"`
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
	// SkipCORS boots the server without CORS_ORIGINS and leaves out the CORS checks
	// (for skeletons that predate them).
	SkipCORS bool
	// DatabaseURL, for a postgres project, is the database to check against instead of
	// a throwaway server's; verify migrates it down and up and its tests may empty it.
	DatabaseURL string
	// TempDir is where the SQLite files and a throwaway server's folder go ("": the
	// system's).
	TempDir string
}

// UseYourOwn is verify's other way out when no throwaway PostgreSQL server can be started.
const UseYourOwn = "set DATABASE_URL (or --database-url) to a PostgreSQL database verify may empty"

// shutdownTimeout is the drain time the server is started with; the exit must come
// well before it runs out.
const shutdownTimeout = 10 * time.Second

// Run verifies the project. It stops early when a step makes the rest meaningless
// (install, the database or boot failed) or ctx ends; the servers it started, the
// project's and a throwaway PostgreSQL, are always stopped.
func Run(ctx context.Context, o Options) Report {
	rep := Report{SchemaVersion: SchemaVersion, Dir: o.Dir, Template: o.Template.ID, Database: o.Data.Database, OK: true}
	want := func(name string) bool { return len(o.Only) == 0 || o.Only[name] }
	step := func(name string, f func(*Step) error) bool {
		if o.Started != nil {
			o.Started(name)
		}
		s := Step{Name: name}
		start := time.Now()
		err := f(&s)
		s.Seconds = time.Since(start).Seconds()
		var ie *steps.InterruptedError
		if err != nil && ctx.Err() != nil && !errors.As(err, &ie) {
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
	runner := &steps.Runner{Dir: o.Dir, Template: o.Template, Data: o.Data}
	commands := func(name string, env ...string) func(*Step) error {
		return func(s *Step) error {
			r := *runner
			r.Env = env
			res := r.Run(ctx, name)
			s.Variant, s.Commands, s.Failures, s.Output = res.Variant, res.Commands, res.Failures, res.Output
			if res.Err != nil {
				if n := len(res.Failures); n > 0 {
					return fmt.Errorf("%d failing %s: %w", n, plural(n, "test", "tests"), res.Err)
				}
				return res.Err
			}
			s.Detail = strings.Join(res.Commands, "; ")
			if res.Variant != "" {
				s.Detail += " (" + res.Variant + " is on PATH)"
			}
			if res.Runtime != "" {
				s.Detail += "; " + o.Template.Runtime.Name + " " + res.Runtime
			}
			return nil
		}
	}
	if want(StepInstall) && !step(StepInstall, commands(steps.Install)) {
		return rep
	}
	if want(StepLint) {
		step(StepLint, commands(steps.Lint))
	}
	serverSteps := want(StepBoot) || want(StepProbe) || want(StepConformance) || want(StepLogs) || want(StepShutdown)
	var db *Database
	var testEnv []string
	if HasDatabase(o.Data.Database) && (want(StepTest) || want(StepMigrations) || want(StepPersistence) || serverSteps) {
		dbs := &Databases{PostgresURL: o.DatabaseURL, TempDir: o.TempDir, Otherwise: UseYourOwn}
		defer dbs.Close()
		ok := step(StepDatabase, func(s *Step) error {
			var err error
			if db, err = dbs.New(ctx, o.Data.Database, "app"); err != nil {
				return err
			}
			s.Detail = db.Where
			if o.Data.Database == EnginePostgres {
				// The project's tests may empty their database: give them their own,
				// so the migrations below start from an empty one.
				test, err := dbs.New(ctx, EnginePostgres, "test")
				if err != nil {
					return err
				}
				testEnv = []string{"TEST_DATABASE_URL=" + test.URL}
				if test.URL == db.URL {
					s.Detail += "; the tests get the same database (TEST_DATABASE_URL)"
				} else {
					s.Detail += "; the tests get database " + test.Name + " there (TEST_DATABASE_URL)"
				}
			} else {
				s.Detail += "; the tests make SQLite files of their own"
			}
			return nil
		})
		if !ok {
			return rep
		}
	}
	if want(StepTest) {
		step(StepTest, commands(steps.Test, testEnv...))
	}
	if db != nil && want(StepMigrations) && ctx.Err() == nil {
		step(StepMigrations, func(s *Step) error { return checkMigrations(ctx, runner, o, db, s) })
	}
	if db != nil && want(StepPersistence) && ctx.Err() == nil {
		step(StepPersistence, func(s *Step) error { return checkPersistence(ctx, o, db, s) })
	}
	if !serverSteps || ctx.Err() != nil {
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
		env := []string{"SHUTDOWN_TIMEOUT_MS=" + strconv.Itoa(int(shutdownTimeout.Milliseconds()))}
		if !o.SkipCORS {
			env = append(env, "CORS_ORIGINS="+probe.CORSOrigin)
		}
		env = append(env, db.Env(true)...)
		srv, ready, err = Boot(bootCtx, o.Dir, argv, env)
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
			po := probe.Options{BaseURL: srv.URL, WebSocket: o.Data.Features["websocket"]}
			if !o.SkipCORS {
				po.CORSOrigin = probe.CORSOrigin
			}
			s.Checks = probe.Run(ctx, po)
			if n := probe.Failed(s.Checks); n > 0 {
				return fmt.Errorf("%d of %d contract checks failed", n, len(s.Checks))
			}
			s.Detail = fmt.Sprintf("%d contract checks passed", len(s.Checks))
			return nil
		})
	}
	if want(StepConformance) {
		// The server runs with CORS_ORIGINS set; the corpus sends no Origin, so its
		// expectations are those of a server without CORS (TestCorpusHoldsUnderCORS).
		step(StepConformance, func(s *Step) error {
			c, err := RunConformance(ctx, srv.URL, nil, o.Data.Features["websocket"])
			s.Conformance = c
			if err != nil {
				return err
			}
			if err := c.Err(); err != nil {
				return err
			}
			s.Detail = fmt.Sprintf("%d cases conform to the OpenAPI document %s", c.Cases, c.DocumentVersion)
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
				s.Output = steps.Tail(srv.Output(), steps.TailBytes)
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
	if err := srv.Terminate(); err != nil {
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
