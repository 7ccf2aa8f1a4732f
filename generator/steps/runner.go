// Package steps runs a template manifest's steps (install, lint, test, audit, locked)
// in a generated project, and starts its server, the same way for every command:
// one environment (Env), combined stdout and stderr kept with bounded memory
// (Output), each child in a process group of its own that is killed as a whole when
// the context ends. Before install it checks the manifest's runtime; install uses an
// install_with variant when its tool is on PATH; test asks the test runner for a
// JUnit report so a result names the failing tests.
package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/render"
)

// The manifest's command steps.
const (
	Install = "install"
	Lint    = "lint"
	Test    = "test"
	Audit   = "audit"
	Locked  = "locked"
	// Migrate applies every pending migration to the database at DATABASE_URL (set it
	// in Runner.Env); MigrateDown undoes them all. Only projects with a database have them.
	Migrate     = "migrate"
	MigrateDown = "migrate_down"
)

// Runner runs one project's steps.
type Runner struct {
	Dir      string
	Template *catalog.Template
	Data     render.Data
	// Live, when set, also gets every command's output as it is printed.
	Live io.Writer
	// LookPath finds install_with tools; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// Env is added to every command's environment (DATABASE_URL, TEST_DATABASE_URL).
	Env []string
}

// Plan is what a step will run.
type Plan struct {
	Step string
	// Variant is the install_with tool whose commands replace install ("uv"), or ""
	// for the manifest's default commands.
	Variant  string
	Commands [][]string // rendered, ready to run
}

// String is the commands joined with "; ".
func (p Plan) String() string {
	var parts []string
	for _, c := range p.Commands {
		parts = append(parts, strings.Join(c, " "))
	}
	return strings.Join(parts, "; ")
}

// Result is the outcome of one step.
type Result struct {
	Step     string   `json:"step"`
	Variant  string   `json:"variant,omitempty"`
	Commands []string `json:"commands"`
	OK       bool     `json:"ok"`
	Seconds  float64  `json:"seconds"`
	// Runtime is the interpreter version the runtime check found (install only).
	Runtime string `json:"runtime,omitempty"`
	// Failures are the failed tests the test runner reported, first to show.
	Failures []Failure `json:"failures,omitempty"`
	// Output is the tail of the failed command's output (TailBytes).
	Output string `json:"output,omitempty"`
	// Err is why the step failed: a *RuntimeError, *CommandError or
	// *InterruptedError.
	Err error `json:"-"`
}

// CommandError is a step command that exited non-zero or could not start.
type CommandError struct {
	Step    string
	Command string
	Err     error
}

func (e *CommandError) Error() string { return fmt.Sprintf("%s: %v", e.Command, e.Err) }
func (e *CommandError) Unwrap() error { return e.Err }

// InterruptedError is a step stopped because its context ended (Ctrl-C). An
// interrupted install removes the folders and files it had begun (Removed), so the
// project is as it was before; Rerun is the command to run it again.
type InterruptedError struct {
	Step    string
	Command string
	Removed []string
	Rerun   string
	Err     error // the context's error
}

func (e *InterruptedError) Error() string {
	s := fmt.Sprintf("interrupted during %s: %s was stopped", e.Step, e.Command)
	if len(e.Removed) > 0 {
		s += "; removed what it had begun (" + strings.Join(e.Removed, ", ") + ")"
	}
	return s
}

func (e *InterruptedError) Unwrap() error { return e.Err }

func (r *Runner) commands(step string) [][]string {
	s := r.Template.Steps
	switch step {
	case Install:
		return s.Install
	case Lint:
		return s.Lint
	case Test:
		return s.Test
	case Audit:
		return s.Audit
	case Locked:
		return s.Locked
	case Migrate:
		return s.Migrate
	case MigrateDown:
		return s.MigrateDown
	}
	return nil
}

// Plan says what step will run here: for install, the first install_with variant
// (by tool name) whose tool is on PATH, else the default commands.
func (r *Runner) Plan(step string) (Plan, error) {
	p := Plan{Step: step}
	argvs := r.commands(step)
	if step == Install && len(r.Template.Steps.InstallWith) > 0 {
		look := r.LookPath
		if look == nil {
			look = exec.LookPath
		}
		tools := make([]string, 0, len(r.Template.Steps.InstallWith))
		for tool := range r.Template.Steps.InstallWith {
			tools = append(tools, tool)
		}
		sort.Strings(tools)
		for _, tool := range tools {
			if _, err := look(tool); err == nil {
				p.Variant, argvs = tool, r.Template.Steps.InstallWith[tool]
				break
			}
		}
	}
	for _, argv := range argvs {
		argv, err := catalog.Command(argv, r.Data)
		if err != nil {
			return p, err
		}
		p.Commands = append(p.Commands, argv)
	}
	return p, nil
}

// Run runs a step's commands in order and stops at the first that fails. A step the
// manifest does not have succeeds with no commands.
func (r *Runner) Run(ctx context.Context, step string) Result {
	start := time.Now()
	res := r.run(ctx, step)
	res.Seconds = time.Since(start).Seconds()
	res.OK = res.Err == nil
	return res
}

func (r *Runner) run(ctx context.Context, step string) (res Result) {
	res = Result{Step: step, Commands: []string{}}
	plan, err := r.Plan(step)
	if err != nil {
		res.Err = err
		return res
	}
	res.Variant = plan.Variant
	for _, c := range plan.Commands {
		res.Commands = append(res.Commands, strings.Join(c, " "))
	}
	var before map[string]bool
	if step == Install {
		if res.Runtime, res.Err = CheckRuntime(ctx, r.Dir, r.Template.Runtime); res.Err != nil {
			if ctx.Err() != nil {
				res.Err = &InterruptedError{Step: step, Command: strings.Join(r.Template.Runtime.Command, " "), Rerun: plan.String(), Err: ctx.Err()}
			}
			return res
		}
		before = entries(r.Dir)
	}
	env := slices.Clone(r.Env)
	if step == Test {
		reports, err := os.MkdirTemp("", "stackpick-junit-")
		if err != nil {
			res.Err = err
			return res
		}
		defer os.RemoveAll(reports)
		env = append(env, reportEnv(reports)...)
		defer func() {
			if res.Err != nil {
				res.Failures = readReports(reports, r.Dir)
			}
		}()
	}
	for _, argv := range plan.Commands {
		out, err := Exec(ctx, r.Dir, argv, env, r.Live)
		if err == nil {
			continue
		}
		cmd := strings.Join(argv, " ")
		if ctx.Err() != nil {
			ie := &InterruptedError{Step: step, Command: cmd, Rerun: plan.String(), Err: ctx.Err()}
			if before != nil {
				ie.Removed = removeNew(r.Dir, before, r.Template.Steps.InstallOutputs)
			}
			res.Err = ie
			return res
		}
		res.Output = Tail(out, TailBytes)
		res.Err = &CommandError{Step: step, Command: cmd, Err: unwrapExec(err)}
		return res
	}
	return res
}

// unwrapExec drops the command name Exec put in front (CommandError says it).
func unwrapExec(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// entries lists the names directly in dir.
func entries(dir string) map[string]bool {
	m := map[string]bool{}
	list, _ := os.ReadDir(dir)
	for _, e := range list {
		m[e.Name()] = true
	}
	return m
}

// removeNew removes what an interrupted install had begun: the entries of dir named
// in outputs (the manifest's install_outputs: node_modules, .venv) that were not there
// before it. Nothing else is touched: a file the user made meanwhile stays.
func removeNew(dir string, before map[string]bool, outputs []string) []string {
	var removed []string
	for name := range entries(dir) {
		if before[name] || !slices.Contains(outputs, name) {
			continue
		}
		if os.RemoveAll(filepath.Join(dir, name)) == nil {
			removed = append(removed, name)
		}
	}
	slices.Sort(removed)
	return removed
}

// StartCommand is the manifest's start command, rendered; start it with Start (verify
// and compare add HOST, PORT and their settings).
func (r *Runner) StartCommand() ([]string, error) {
	if len(r.Template.Steps.Start) == 0 {
		return nil, fmt.Errorf("steps: template %s has no start command", r.Template.ID)
	}
	return catalog.Command(r.Template.Steps.Start, r.Data)
}
