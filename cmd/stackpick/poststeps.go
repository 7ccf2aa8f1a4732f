package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/verify"
)

// The post-steps `new` can run after writing, in this order.
const (
	postGit     = "git"
	postInstall = "install"
	postVerify  = "verify"
)

// postStepResult is one post-step's outcome, for text and JSON output.
type postStepResult struct {
	Name    string  `json:"name"`
	OK      bool    `json:"ok"`
	Seconds float64 `json:"seconds"`
	Detail  string  `json:"detail,omitempty"`
}

// postStepsError is a post-step that failed after the project was written; the
// project stays. A failed verify exits 4, others 1.
type postStepsError struct {
	step   string
	target string
	err    error
}

func (e *postStepsError) Error() string {
	return fmt.Sprintf("the project is in %s, but the post-step %s failed: %v", e.target, e.step, e.err)
}

func (e *postStepsError) Unwrap() error { return e.err }

// postSteps lists the chosen post-steps in the order they run. verify installs, so
// install is not run twice.
func (o *newOptions) postSteps() []string {
	var steps []string
	if o.git {
		steps = append(steps, postGit)
	}
	if o.install && !o.verify {
		steps = append(steps, postInstall)
	}
	if o.verify {
		steps = append(steps, postVerify)
	}
	return steps
}

// describePostSteps says what each post-step will run, for the plan.
func describePostSteps(steps []string, t *catalog.Template, data render.Data) string {
	if len(steps) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range steps {
		switch s {
		case postGit:
			parts = append(parts, "git init and a first commit")
		case postInstall:
			var cmds []string
			for _, argv := range t.Steps.Install {
				argv, _ = catalog.Command(argv, data)
				cmds = append(cmds, strings.Join(argv, " "))
			}
			parts = append(parts, "install ("+strings.Join(cmds, "; ")+")")
		case postVerify:
			parts = append(parts, "verify (install, lint, test, boot, contract probe, shutdown)")
		}
	}
	return strings.Join(parts, ", then ")
}

// runPostSteps runs the chosen post-steps in the written project.
func runPostSteps(ctx context.Context, e *env, steps []string, target string, t *catalog.Template, data render.Data, show bool) ([]postStepResult, error) {
	var results []postStepResult
	p := newProgress(e.io.Out, e.io.IsStdoutTTY())
	for _, name := range steps {
		if show {
			p.start(name)
		}
		start := time.Now()
		var detail string
		var err error
		switch name {
		case postGit:
			err = gitInit(ctx, target)
		case postInstall:
			for _, argv := range t.Steps.Install {
				argv, _ = catalog.Command(argv, data)
				var out string
				if out, err = verify.RunCommand(ctx, target, argv, nil); err != nil {
					err = fmt.Errorf("%w\n%s", err, indent(tailString(out, 2000), "    "))
					break
				}
			}
		case postVerify:
			var rep verify.Report
			rep, err = verifyProject(ctx, e, target, false)
			if err == nil {
				err = verifyResult(rep)
			}
			detail = verifySummary(rep)
		}
		r := postStepResult{Name: name, OK: err == nil, Seconds: time.Since(start).Seconds(), Detail: detail}
		if err != nil && r.Detail == "" {
			r.Detail = err.Error()
		}
		results = append(results, r)
		if show {
			p.end(name, r.OK, r.Seconds, firstLine(r.Detail))
		}
		if err != nil {
			if ctx.Err() != nil {
				return results, fmt.Errorf("post-step %s: %w (the project in %s is intact)", name, ctx.Err(), target)
			}
			return results, &postStepsError{step: name, target: target, err: err}
		}
	}
	return results, nil
}

// gitInit makes the project a repository with one commit. Without a configured
// identity the commit is signed as stackpick, so the step works on a fresh machine.
func gitInit(ctx context.Context, dir string) error {
	ident := []string{}
	if out, _ := exec.CommandContext(ctx, "git", "-C", dir, "config", "user.email").Output(); strings.TrimSpace(string(out)) == "" {
		ident = []string{"-c", "user.name=stackpick", "-c", "user.email=stackpick@localhost"}
	}
	for _, argv := range [][]string{
		{"git", "init", "-q"},
		{"git", "add", "-A"},
		append(append([]string{"git"}, ident...), "commit", "-q", "-m", "Initial commit from stackpick"),
	} {
		if out, err := verify.RunCommand(ctx, dir, argv, nil); err != nil {
			return fmt.Errorf("%w: %s", err, strings.TrimSpace(out))
		}
	}
	return nil
}

func verifySummary(rep verify.Report) string {
	var parts []string
	for _, s := range rep.Steps {
		mark := "ok"
		if !s.OK {
			mark = "FAILED: " + firstLine(s.Detail)
		}
		parts = append(parts, s.Name+" "+mark)
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func tailString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
