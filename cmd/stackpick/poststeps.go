package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/steps"
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
	var chosen []string
	if o.git {
		chosen = append(chosen, postGit)
	}
	if o.install && !o.verify {
		chosen = append(chosen, postInstall)
	}
	if o.verify {
		chosen = append(chosen, postVerify)
	}
	return chosen
}

// describePostSteps says what each post-step will run, for the plan.
func describePostSteps(chosen []string, p *project.Project) string {
	if len(chosen) == 0 {
		return "none"
	}
	var parts []string
	for _, s := range chosen {
		switch s {
		case postGit:
			parts = append(parts, "git init and a first commit")
		case postInstall:
			plan, _ := p.Steps().Plan(steps.Install)
			parts = append(parts, "install ("+plan.String()+")")
		case postVerify:
			parts = append(parts, "verify (install, lint, test, boot, contract probe, shutdown)")
		}
	}
	return strings.Join(parts, ", then ")
}

// runPostSteps runs the chosen post-steps in the written project.
func runPostSteps(ctx context.Context, e *env, chosen []string, proj *project.Project, show bool) ([]postStepResult, error) {
	var results []postStepResult
	target := proj.Target
	p := newProgress(e.io.Out, e.io.IsStdoutTTY())
	for _, name := range chosen {
		if show {
			p.start(name)
		}
		start := time.Now()
		var detail string
		var err error
		switch name {
		case postGit:
			detail, err = gitInit(ctx, target)
		case postInstall:
			res := proj.Steps().Run(ctx, steps.Install)
			if err = res.Err; err != nil && res.Output != "" {
				err = fmt.Errorf("%w\n%s", err, indent(tailString(res.Output, 2000), "    "))
			}
			if err == nil {
				detail = strings.Join(res.Commands, "; ")
				if res.Variant != "" {
					detail += " (" + res.Variant + " is on PATH)"
				}
			}
		case postVerify:
			var rep verify.Report
			rep, err = verifyProject(ctx, e, target, false, envDatabaseURL(e), false)
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
				return results, interruptedPostStep(ctx, name, proj, err)
			}
			return results, &postStepsError{step: name, target: target, err: err}
		}
	}
	return results, nil
}

// interruptedPostStep says in plain words which post-step Ctrl-C stopped, that the
// written files are intact (an interrupted install has removed what it had begun,
// node_modules or .venv), and the command that runs the step again. It wraps
// ctx.Err(), so the exit code is 130; the caller prints it after "interrupted: ".
func interruptedPostStep(ctx context.Context, name string, p *project.Project, err error) error {
	target := p.Target
	var msg strings.Builder
	fmt.Fprintf(&msg, "during %s", name)
	var ie *steps.InterruptedError
	if errors.As(err, &ie) {
		fmt.Fprintf(&msg, ": %s was stopped", ie.Command)
		if len(ie.Removed) > 0 {
			fmt.Fprintf(&msg, " and what it had begun removed (%s)", strings.Join(ie.Removed, ", "))
		}
	}
	fmt.Fprintf(&msg, "; the project files in %s are intact", target)
	cd := "cd " + shellQuote(target) + " && "
	switch name {
	case postInstall:
		plan, _ := p.Steps().Plan(steps.Install)
		fmt.Fprintf(&msg, "; to install, run: %s%s", cd, strings.Join(planCommands(plan), " && "))
	case postVerify:
		fmt.Fprintf(&msg, "; to verify, run: stackpick verify %s", shellQuote(target))
	case postGit:
		fmt.Fprintf(&msg, "; to make it a repository, run: %sgit init && git add -A && git commit -m 'Initial commit from stackpick'", cd)
	}
	return &interruptedError{msg: msg.String(), err: ctx.Err()}
}

// interruptedError is a message in the user's words that still counts as the
// context's error (exit 130) without printing "context canceled".
type interruptedError struct {
	msg string
	err error
}

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return e.err }

// planCommands is each command of a plan as a shell would take it.
func planCommands(p steps.Plan) []string {
	var out []string
	for _, argv := range p.Commands {
		q := make([]string, len(argv))
		for i, a := range argv {
			q[i] = shellQuote(a)
		}
		out = append(out, strings.Join(q, " "))
	}
	return out
}

// gitInit makes the project a repository with one commit. Without a configured
// identity the commit is signed as stackpick, so the step works on a fresh machine,
// and the detail says so with the fix.
func gitInit(ctx context.Context, dir string) (detail string, err error) {
	ident := []string{}
	if out, _ := exec.CommandContext(ctx, "git", "-C", dir, "config", "user.email").Output(); strings.TrimSpace(string(out)) == "" {
		ident = []string{"-c", "user.name=stackpick", "-c", "user.email=stackpick@localhost"}
		detail = "no git identity is configured, so the commit is by stackpick <stackpick@localhost>; set yours (git config --global user.name/user.email) and run git commit --amend --reset-author"
	}
	for _, argv := range [][]string{
		{"git", "init", "-q"},
		{"git", "add", "-A"},
		append(append([]string{"git"}, ident...), "commit", "-q", "-m", "Initial commit from stackpick"),
	} {
		if out, err := steps.Exec(ctx, dir, argv, nil, nil); err != nil {
			return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(out))
		}
	}
	return detail, nil
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
