package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/templates"
)

// renderAll renders every public template with every feature on.
func renderAll(t *testing.T) map[string]map[string]render.File {
	t.Helper()
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]render.File{}
	for _, tmpl := range cat.Public() {
		files, err := tmpl.Render(tmpl.Data("feature-app", "feature_app", "Feature test.", tmpl.Features, ""))
		if err != nil {
			t.Fatal(err)
		}
		out[tmpl.ID] = map[string]render.File{}
		for _, f := range files {
			out[tmpl.ID][f.Path] = f
		}
	}
	return out
}

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd, args string
}

func parseDockerfile(src string) []instruction {
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// TestDockerfiles checks the docker feature statically (no Docker engine runs here):
// multi-stage on a slim base, a non-root user in the final stage, exec-form CMD or
// ENTRYPOINT so signals reach the app, HOST=0.0.0.0, and every COPY source exists in
// the project and is not excluded by .dockerignore.
func TestDockerfiles(t *testing.T) {
	for id, files := range renderAll(t) {
		df, ok := files["Dockerfile"]
		if !ok {
			t.Errorf("%s: no Dockerfile with the docker feature", id)
			continue
		}
		var ignore []string
		for _, line := range strings.Split(string(files[".dockerignore"].Data), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				ignore = append(ignore, line)
			}
		}
		if len(ignore) == 0 {
			t.Errorf("%s: no .dockerignore", id)
		}
		ins := parseDockerfile(string(df.Data))
		var froms []string
		lastUser, lastRun, host := "", "", false
		for _, in := range ins {
			switch in.cmd {
			case "FROM":
				froms = append(froms, in.args)
				lastUser = "" // USER is per stage
			case "USER":
				lastUser = in.args
			case "CMD", "ENTRYPOINT":
				lastRun = in.cmd + " " + in.args
			case "ENV":
				host = host || strings.Contains(in.args, "HOST=0.0.0.0")
			case "COPY":
				checkCopy(t, id, in.args, files, ignore)
			}
		}
		if len(froms) < 2 {
			t.Errorf("%s: %d stages, want a multi-stage build", id, len(froms))
		}
		for _, f := range froms {
			if image := strings.Fields(f)[0]; !strings.Contains(image, "slim") {
				t.Errorf("%s: base image %s is not a slim image", id, image)
			}
		}
		if lastUser == "" || lastUser == "root" || strings.HasPrefix(lastUser, "0") {
			t.Errorf("%s: the final stage runs as %q, want a non-root user", id, lastUser)
		}
		_, args, _ := strings.Cut(lastRun, " ")
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
			t.Errorf("%s: %q is not exec form (a JSON array), so SIGTERM would not reach the app", id, lastRun)
		}
		if !host {
			t.Errorf("%s: the image does not set HOST=0.0.0.0", id)
		}
	}
}

func checkCopy(t *testing.T, id, args string, files map[string]render.File, ignore []string) {
	t.Helper()
	fields := strings.Fields(args)
	var srcs []string
	for _, f := range fields[:len(fields)-1] {
		if strings.HasPrefix(f, "--from=") {
			return // from another stage, not from the project
		}
		if !strings.HasPrefix(f, "--") {
			srcs = append(srcs, strings.TrimSuffix(strings.TrimPrefix(f, "./"), "/"))
		}
	}
	for _, src := range srcs {
		found := false
		for p := range files {
			if p == src || strings.HasPrefix(p, src+"/") || src == "." {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: COPY %s: no such file in the project", id, src)
		}
		// .dockerignore: the last matching line wins; "!" takes a path back in.
		excluded, by := false, ""
		for _, pat := range ignore {
			negate := strings.HasPrefix(pat, "!")
			pat = strings.TrimSuffix(strings.TrimPrefix(pat, "!"), "/")
			if ok, _ := path.Match(pat, src); ok {
				excluded, by = !negate, pat
			}
		}
		if excluded {
			t.Errorf("%s: COPY %s, but .dockerignore excludes it (%s)", id, src, by)
		}
	}
}

// TestWorkflows runs actionlint (pinned, via go run) on every generated workflow, and
// checks the least-privilege permissions and the install from the lockfile.
func TestWorkflows(t *testing.T) {
	if testing.Short() {
		t.Skip("go run downloads actionlint; run without -short")
	}
	for id, files := range renderAll(t) {
		dir := t.TempDir()
		var workflows []string
		for p, f := range files {
			if !strings.HasPrefix(p, ".github/workflows/") {
				continue
			}
			dst := filepath.Join(dir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			workflows = append(workflows, dst)
			body := string(f.Data)
			if !strings.Contains(body, "permissions:\n  contents: read") {
				t.Errorf("%s/%s: no top-level least-privilege permissions (contents: read)", id, p)
			}
			if !strings.Contains(body, "npm ci") && !strings.Contains(body, "--locked") {
				t.Errorf("%s/%s: does not install from the lockfile", id, p)
			}
		}
		if len(workflows) == 0 {
			t.Errorf("%s: no workflow with the ci feature", id)
			continue
		}
		cmd := exec.Command("go", append([]string{"run", actionlint, "-no-color"}, workflows...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: actionlint: %v\n%s", id, err, out)
		}
	}
}

// actionlint is pinned, like every tool the tests run.
const actionlint = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
