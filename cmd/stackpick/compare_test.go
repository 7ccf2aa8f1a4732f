package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stackpick/stackpick/generator/compare"
	"github.com/stackpick/stackpick/templates"
)

// compareGoldenCases are `stackpick compare` runs whose output is committed under
// testdata/compare: a change in a template or in the analysis shows up as a diff.
var compareGoldenCases = []struct {
	name string
	args []string
}{
	{"all", []string{"--set", "features=docker,ci,websocket"}},
	{"none", []string{"--set", "features="}},
}

var compareFormats = map[string]string{"text": "txt", "markdown": "md", "json": "json"}

func compareArgs(extra ...string) []string {
	return append([]string{"compare", "--yes", "--set", "name=golden-app", "--set", "description=A golden test project."}, extra...)
}

func TestCompareGolden(t *testing.T) {
	for _, c := range compareGoldenCases {
		for format, ext := range compareFormats {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				code, stdout, stderr := runTest(t, compareArgs(append(c.args, "--output", format)...)...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				golden := filepath.Join("..", "..", "testdata", "compare", c.name+"."+ext)
				if *update {
					if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./cmd/stackpick -run TestCompareGolden -update and review the diff)", err)
				}
				if !bytes.Equal(want, stdout.Bytes()) {
					t.Errorf("%s differs from the golden file: %s", golden, firstDiff(want, stdout.Bytes()))
				}
			})
		}
	}
}

// TestBareTemplatesMatchSkeletons checks that each bare framework is internal, exists for
// every stack, and pins its packages at the versions its skeleton pins, so that the
// benchmark measures the same framework with and without the skeleton around it.
func TestBareTemplatesMatchSkeletons(t *testing.T) {
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`(?m)^([A-Za-z0-9._-]+)==([^\s;\\]+)`)
	for _, stack := range cat.Stacks() {
		skel, bare := cat.ForStack(stack), compare.BareFor(cat, stack)
		if bare == nil || !bare.Internal || slices.Contains(cat.IDs(), bare.ID) {
			t.Errorf("stack %s: no internal bare template (or it is listed)", stack)
			continue
		}
		if bare.Framework != skel.Framework || len(bare.Steps.Install) == 0 || len(bare.Steps.Start) == 0 {
			t.Errorf("%s: framework %q (want %q), or no install/start step", bare.ID, bare.Framework, skel.Framework)
		}
		rep, err := compare.Structure(compare.Answers{}, []compare.Subject{{Template: skel, Data: skel.Data("x-app", "x_app", "", nil, "")}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, d := range rep.Skeletons[0].Runtime {
			want[strings.ToLower(d.Name)] = d.Version
		}
		files, err := bare.Render(bare.Data("x-app", "x_app", "", nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range files {
			switch f.Path {
			case "package.json":
				var pkg struct{ Dependencies map[string]string }
				if err := json.Unmarshal(f.Data, &pkg); err != nil {
					t.Fatal(err)
				}
				maps.Copy(got, pkg.Dependencies)
			case "requirements.lock", "requirements.txt":
				for _, m := range pinned.FindAllStringSubmatch(string(f.Data), -1) {
					got[strings.ToLower(m[1])] = m[2]
				}
			}
		}
		shared := 0
		for name, v := range got {
			if w, ok := want[name]; ok {
				shared++
				if w != v {
					t.Errorf("%s pins %s %s, %s pins %s", bare.ID, name, v, skel.ID, w)
				}
			}
		}
		if shared == 0 {
			t.Errorf("%s shares no pinned package with %s (got %v, want %v)", bare.ID, skel.ID, got, want)
		}
	}
}

// compareJSON runs compare with --output json and decodes the report.
func compareJSON(t *testing.T, args ...string) (map[string]any, []byte) {
	t.Helper()
	code, stdout, stderr := runTest(t, append(args, "--output", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep, stdout.Bytes()
}

func TestCompareJSONSchema(t *testing.T) {
	schema := compileCompareSchema(t)
	for _, c := range compareGoldenCases {
		rep, _ := compareJSON(t, compareArgs(c.args...)...)
		if err := schema.Validate(rep); err != nil {
			t.Errorf("%s: the report does not match testdata/compare/report.schema.json:\n%v", c.name, err)
		}
		if _, ok := rep["bench"]; ok {
			t.Errorf("%s: a bench section without --bench", c.name)
		}
	}
	// The schema itself refuses what it must.
	bad := map[string]any{"schema_version": 2.0, "answers": map[string]any{}, "skeletons": []any{}, "parity": []any{}, "roles": []any{}, "unpaired": []any{}, "extra": true}
	if err := schema.Validate(bad); err == nil {
		t.Error("a broken report passed the schema check")
	}
}

// compileCompareSchema compiles testdata/compare/report.schema.json with a real JSON
// Schema validator.
func compileCompareSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "compare", "report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("report.schema.json")
	if err != nil {
		t.Fatalf("the report schema does not compile: %v", err)
	}
	return schema
}

// parityCell finds a parity cell in a decoded JSON report.
func parityCell(t *testing.T, rep map[string]any, row, template string) (bool, string) {
	t.Helper()
	for _, r := range rep["parity"].([]any) {
		r := r.(map[string]any)
		if r["name"] != row {
			continue
		}
		for _, c := range r["cells"].([]any) {
			c := c.(map[string]any)
			if c["template"] == template {
				return c["present"].(bool), c["detail"].(string)
			}
		}
	}
	t.Fatalf("no parity cell %s / %s", row, template)
	return false, ""
}

func TestCompareParityFollowsFeatures(t *testing.T) {
	all, _ := compareJSON(t, compareArgs("--set", "features=docker,ci,websocket")...)
	none, _ := compareJSON(t, compareArgs("--set", "features=")...)
	onlyWS, _ := compareJSON(t, compareArgs("--set", "features=websocket")...)
	rows := map[string]string{"Dockerfile": "docker", "CI workflow": "ci", "WebSocket (/v1/ws/echo)": "websocket"}
	for _, tmpl := range []string{"node-express", "python-fastapi"} {
		for row, feature := range rows {
			if ok, detail := parityCell(t, all, row, tmpl); !ok {
				t.Errorf("features on: %s / %s absent (%s)", row, tmpl, detail)
			}
			if ok, detail := parityCell(t, none, row, tmpl); ok || detail != "off (feature "+feature+")" {
				t.Errorf("features off: %s / %s = %v %q, want absent, off (feature %s)", row, tmpl, ok, detail, feature)
			}
		}
		if ok, _ := parityCell(t, onlyWS, "WebSocket (/v1/ws/echo)", tmpl); !ok {
			t.Errorf("websocket alone: %s has no WebSocket", tmpl)
		}
		if ok, _ := parityCell(t, onlyWS, "Dockerfile", tmpl); ok {
			t.Errorf("websocket alone: %s has a Dockerfile", tmpl)
		}
		// What features do not change stays.
		for _, row := range []string{"GET /livez", "GET, PUT, DELETE /v1/items/{id}", "PORT", "tests", "lint", "lockfile"} {
			if ok, detail := parityCell(t, none, row, tmpl); !ok {
				t.Errorf("features off: %s / %s absent (%s)", row, tmpl, detail)
			}
		}
	}
	// The files that only a feature adds leave the role table with it.
	for _, u := range none["unpaired"].([]any) {
		if p := u.(map[string]any)["path"].(string); strings.Contains(p, "Dockerfile") || strings.Contains(p, "ws") {
			t.Errorf("features off, yet %s is listed", p)
		}
	}
}

func TestCompareUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--chart", "x.svg"}, exitUsage, "add --bench"},
		{[]string{"--output", "yaml"}, exitUsage, "allowed values"},
		{[]string{"--stacks", "ruby"}, exitUsage, "ruby"},
		{[]string{"--stacks", "node,node"}, exitUsage, "twice"},
		{[]string{"--bench", "--rounds", "0"}, exitUsage, "positive"},
		{[]string{"--set", "features=kafka"}, exitUsage, "kafka"},
		{[]string{"extra"}, exitUsage, "unknown command"},
	}
	for _, c := range cases {
		code, _, stderr := runTest(t, compareArgs(c.args...)...)
		if code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, %q; want exit %d mentioning %q", c.args, code, stderr, c.code, c.msg)
		}
	}
	// Without --yes and without a terminal, a missing answer is an error, not a prompt.
	code, _, stderr := runTest(t, "compare")
	if code != exitUsage || !strings.Contains(stderr.String(), "name") {
		t.Errorf("compare without answers: exit %d, %s", code, stderr)
	}
	// One stack alone, in the order given.
	rep, _ := compareJSON(t, compareArgs("--stacks", "python")...)
	if sk := rep["skeletons"].([]any); len(sk) != 1 || sk[0].(map[string]any)["template"] != "python-fastapi" {
		t.Errorf("--stacks python: %v", sk)
	}
}

// TestCompareBench is the short benchmark CI runs: both skeletons (on memory, sqlite and
// PostgreSQL, a throwaway server) and both bare frameworks are installed, booted and
// loaded (2 s, 2 rounds); every figure must be there, positive, and without errors, the
// mix is reported per stack and database, and the chart is drawn.
func TestCompareBench(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries and loads servers; run without -short")
	}
	needPostgres(t)
	chart := filepath.Join(t.TempDir(), "bench.svg")
	rep, raw := compareJSON(t, compareArgs("--bench", "--duration", "2s", "--rounds", "2", "--connections", "20", "--chart", chart)...)
	t.Logf("report:\n%s", raw)
	if err := compileCompareSchema(t).Validate(rep); err != nil {
		t.Fatalf("the report does not match the schema:\n%v", err)
	}
	bench, ok := rep["bench"].(map[string]any)
	if !ok {
		t.Fatal("no bench section")
	}
	var got []string
	for _, s := range bench["servers"].([]any) {
		s := s.(map[string]any)
		name := s["template"].(string)
		if db, ok := s["database"].(string); ok {
			name += "/" + db
		}
		got = append(got, name)
		for _, r := range s["results"].([]any) {
			r := r.(map[string]any)
			if r["errors"].(float64) != 0 {
				t.Errorf("%s %s: %v errors", s["template"], r["workload"], r["errors"])
			}
		}
		want := 1
		if s["kind"] == "skeleton" && s["database"] == "memory" {
			want = 2 // /livez and the mix; on the other databases the mix only
		}
		if n := len(s["results"].([]any)); n != want {
			t.Errorf("%s: %d workloads, want %d", s["template"], n, want)
		}
	}
	slices.Sort(got)
	if want := []string{"bare-node-express", "bare-python-fastapi", "node-express/memory", "node-express/postgres", "node-express/sqlite",
		"python-fastapi/memory", "python-fastapi/postgres", "python-fastapi/sqlite"}; !slices.Equal(got, want) {
		t.Errorf("servers %v, want %v", got, want)
	}
	var mix []string
	for _, m := range bench["mix_by_database"].([]any) {
		m := m.(map[string]any)
		mix = append(mix, m["stack"].(string)+"/"+m["database"].(string))
	}
	if got, want := strings.Join(mix, " "), "node/memory node/sqlite node/postgres python/memory python/sqlite python/postgres"; got != want {
		t.Errorf("mix_by_database %s, want %s", got, want)
	}
	if n := len(bench["databases_skipped"].([]any)); n != 0 {
		t.Errorf("databases skipped: %v", bench["databases_skipped"])
	}
	if n := len(bench["skeleton_vs_bare"].([]any)); n != 2 {
		t.Errorf("%d skeleton/bare ratios, want 2", n)
	}
	svg, err := os.ReadFile(chart)
	if err != nil || !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("bare-python-fastapi (bare framework)")) {
		t.Errorf("chart: %v\n%.300s", err, svg)
	}
}

// TestCompareBenchInterrupt sends SIGINT while a server is under load: exit 130 and no
// process left running from the benchmark's folder.
func TestCompareBenchInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries; run without -short")
	}
	cmd := exec.Command(stackpickBinary(t), compareArgs("--stacks", "node", "--bench", "--duration", "30s", "--rounds", "1")...)
	cmd.Env = cleanEnv()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	waitUntil(t, 3*time.Minute, "the first round", func() bool { return strings.Contains(out.String(), "round 1/1") })
	// The server under test is a node process started by this stackpick; other runs on
	// the machine may have servers of their own, so only this one's are followed.
	var servers []int
	waitUntil(t, time.Minute, "a server to boot", func() bool {
		servers = descendants(cmd.Process.Pid, "node")
		return len(servers) > 0
	})
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitInterrupted {
		t.Fatalf("got %v, want exit 130:\n%s", err, out.String())
	}
	for _, pid := range servers {
		if stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && !strings.Contains(string(stat), ") Z ") {
			t.Errorf("server %d left running: %s", pid, stat)
		}
	}
}
