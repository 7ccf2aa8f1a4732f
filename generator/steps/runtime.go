package steps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator/catalog"
)

// RuntimeError is an interpreter that is missing or older than the template needs.
type RuntimeError struct {
	Runtime catalog.Runtime
	Found   string // the version found; "" when the command could not run
	Err     error  // why the command could not run or its output not be read
}

func (e *RuntimeError) Error() string {
	prog := e.Runtime.Command[0]
	fix := fmt.Sprintf("install %s %s or later and put it first on PATH, then run this again", e.Runtime.Name, e.Runtime.Minimum)
	switch {
	case errors.Is(e.Err, exec.ErrNotFound), errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("needs %s >= %s; %s is not on PATH: %s", e.Runtime.Name, e.Runtime.Minimum, prog, fix)
	case e.Found == "":
		return fmt.Sprintf("needs %s >= %s; `%s` did not say its version (%v): %s", e.Runtime.Name, e.Runtime.Minimum, strings.Join(e.Runtime.Command, " "), firstLine(e.Err), fix)
	default:
		return fmt.Sprintf("needs %s >= %s; found %s (%s): %s", e.Runtime.Name, e.Runtime.Minimum, e.Found, prog, fix)
	}
}

func (e *RuntimeError) Unwrap() error { return e.Err }

var versionRE = regexp.MustCompile(`(\d+)\.(\d+)(?:\.(\d+))?`)

// parseVersion reads the first dotted version in s ("v24.12.0", "Python 3.11.9").
func parseVersion(s string) (v [3]int, text string, ok bool) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return v, "", false
	}
	for i := 0; i < 3; i++ {
		if m[i+1] != "" {
			v[i], _ = strconv.Atoi(m[i+1])
		}
	}
	return v, m[0], true
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// CheckRuntime runs rt.Command in dir and compares the version it prints with
// rt.Minimum. It returns the version found; a *RuntimeError when the interpreter is
// missing or too old. A runtime with no command is not checked.
func CheckRuntime(ctx context.Context, dir string, rt catalog.Runtime) (string, error) {
	if len(rt.Command) == 0 {
		return "", nil
	}
	min, _, ok := parseVersion(rt.Minimum)
	if !ok {
		return "", fmt.Errorf("steps: runtime minimum %q is not a dotted version like 24.12.0", rt.Minimum)
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := Exec(cctx, dir, rt.Command, nil, nil)
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return "", &RuntimeError{Runtime: rt, Err: err}
	}
	v, text, ok := parseVersion(out)
	if !ok {
		return "", &RuntimeError{Runtime: rt, Err: fmt.Errorf("no version in %q", firstLine(errors.New(strings.TrimSpace(out))))}
	}
	if less(v, min) {
		return text, &RuntimeError{Runtime: rt, Found: text}
	}
	return text, nil
}

func firstLine(err error) string {
	if err == nil {
		return ""
	}
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
