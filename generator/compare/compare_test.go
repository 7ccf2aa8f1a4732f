package compare

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stackpick/stackpick/generator/catalog"
)

func TestClassify(t *testing.T) {
	cases := []struct{ path, entry, want string }{
		{"src/server.js", "src/server.js", roleEntry},
		{"src/demo/__main__.py", "src/demo/__main__.py", roleEntry},
		{"src/app.js", "", roleApp},
		{"src/demo/main.py", "", roleApp},
		{"src/http-server.js", "", roleServer},
		{"src/demo/server.py", "src/demo/__main__.py", roleServer},
		{"src/store.js", "", roleStorage},
		{"src/demo/storage.py", "", roleStorage},
		{"src/db/postgres.ts", "", roleStorage},
		{"src/demo/sql_storage.py", "", roleStorage},
		{"src/demo/database.py", "", roleStorage},
		{"src/migrate.ts", "", roleMigrations},
		{"src/db/migrations.ts", "", roleMigrations},
		{"src/demo/migrations/env.py", "", roleMigrations},
		{"src/demo/migrations/versions/0001_items.py", "", roleMigrations},
		{"src/demo/migrations/__init__.py", "", rolePackage},
		{"src/demo/migrations/script.py.mako", "", roleMigrations},
		{"alembic.ini", "", roleMigrations},
		{"tests/test_database.py", "", testsPrefix + roleStorage},
		{"src/validation.js", "", roleValidation},
		{"src/demo/models.py", "", roleValidation},
		{"src/middleware/security.js", "", roleMiddleware},
		{"src/routes/health.js", "", roleRoutes},
		{"src/demo/ws.py", "", roleWebSocket},
		{"src/demo/__init__.py", "", rolePackage},
		{"test/helpers.js", "", roleTestHelp},
		{"tests/conftest.py", "", roleTestHelp},
		{"test/websocket.test.js", "", testsPrefix + roleWebSocket},
		{"tests/test_ws.py", "", testsPrefix + roleWebSocket},
		{"tests/test_server.py", "", testsPrefix + roleServer},
		{"test/shutdown.test.js", "", testsPrefix + roleServer},
		{"tests/test_health.py", "", testsPrefix + "health"},
		{"package-lock.json", "", roleLock},
		{"uv.lock", "", roleLock},
		{"requirements.lock", "", roleLock},
		{"pyproject.toml", "", roleManifest},
		{"biome.json", "", roleLint},
		{"Dockerfile", "", roleDocker},
		{".github/workflows/ci.yml", "", roleCI},
		{"README.md", "", roleReadme},
		{".stackpick.yml", "", roleRecord},
		{"src/widgets.js", "", "other: widgets"},
		{"notes.txt", "", "other: notes.txt"},
	}
	for _, c := range cases {
		if got := classify(c.path, c.entry); got != c.want {
			t.Errorf("classify(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}

func TestLinesOfCode(t *testing.T) {
	src := "// comment\nconst a = 1;\n\n  # hash\n/* block\n * more\n */\nreturn a;\n"
	if got := linesOfCode([]byte(src), "app"); got != 2 {
		t.Errorf("app lines = %d, want 2", got)
	}
	if got := linesOfCode([]byte("# Title\n\ntext\n"), "docs"); got != 2 {
		t.Errorf("docs lines = %d, want 2 (headings count)", got)
	}
}

func TestDependencies(t *testing.T) {
	rt, dev := dependencies("pyproject.toml", []byte(`[project]
name = "x"
dependencies = ["fastapi==0.1.0", "uvloop==0.2.0; sys_platform != 'win32'", "httpx[http2]>=1,<2"]
[project.optional-dependencies]
dev = ["pytest==9.0.0"]
`))
	if got := deps(rt); got != "fastapi 0.1.0, httpx >=1,<2, uvloop 0.2.0" {
		t.Errorf("runtime %s", got)
	}
	if got := deps(dev); got != "pytest 9.0.0" {
		t.Errorf("dev %s", got)
	}
	rt, dev = dependencies("package.json", []byte(`{"dependencies":{"pino":"1","express":"5"},"devDependencies":{"@biomejs/biome":"2"}}`))
	if deps(rt) != "express 5, pino 1" || deps(dev) != "@biomejs/biome 2" {
		t.Errorf("package.json: %s / %s", deps(rt), deps(dev))
	}
}

// fakeCatalog is two small templates of different stacks that differ in what they have.
func fakeCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	fsys := fstest.MapFS{
		"a/manifest.yml": {Data: []byte(`id: tpl-a
stack: a
framework: A
port: 1
features: [docker, websocket]
files:
  - path: Dockerfile
    when: docker
  - path: src/ws.js
    when: websocket
steps:
  install: [[npm, ci]]
  lint: [[npm, run, lint]]
  test: [[npm, test]]
  start: [node, src/server.js]
`)},
		"a/files/package.json":        {Data: []byte(`{"dependencies":{"express":"5.3.0"},"scripts":{"lint":"biome check ."}}`)},
		"a/files/package-lock.json":   {Data: []byte(`{}`)},
		"a/files/biome.json":          {Data: []byte(`{}`)},
		"a/files/Dockerfile":          {Data: []byte("FROM node AS build\nFROM node\nUSER node\n")},
		"a/files/src/server.js":       {Data: []byte("app.get('/livez', f)\nconst port = env.PORT\n")},
		"a/files/src/settings.js":     {Data: []byte("env.PORT; env.HOST\n")},
		"a/files/src/ws.js":           {Data: []byte("const p = '/v1/ws/echo'\n")},
		"a/files/test/ws.test.js":     {Data: []byte("test()\n")},
		"a/files/test/server.test.js": {Data: []byte("test()\n")},
		"b/manifest.yml": {Data: []byte(`id: tpl-b
stack: b
framework: B
port: 2
features: [docker]
files:
  - path: Dockerfile
    when: docker
steps:
  install: [[pip, install, .]]
  start: [python, -m, "{{ .Package }}"]
`)},
		"b/files/pyproject.toml":                   {Data: []byte("[project]\ndependencies = [\"fastapi==1\"]\n")},
		"b/files/Dockerfile":                       {Data: []byte("FROM python\n")},
		"b/files/src/__package__/__main__.py":      {Data: []byte("@app.get(\"/livez\")\n@app.get(\"/v1/items/{item_id}\")\n")},
		"b/files/src/__package__/settings.py.tmpl": {Data: []byte("host: str\nlog_level: str\n")},
	}
	cat, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func subjects(cat *catalog.Catalog, features ...string) []Subject {
	var out []Subject
	for _, id := range []string{"tpl-a", "tpl-b"} {
		tp := cat.ByID(id)
		out = append(out, Subject{Template: tp, Data: tp.Data("demo", "demo", "d", features, "")})
	}
	return out
}

func cell(t *testing.T, r *Report, name, tmpl string) Cell {
	t.Helper()
	for _, row := range r.Parity {
		if row.Name == name {
			for _, c := range row.Cells {
				if c.Template == tmpl {
					return c
				}
			}
		}
	}
	t.Fatalf("no parity cell %s / %s", name, tmpl)
	return Cell{}
}

func TestParityFollowsFeatures(t *testing.T) {
	cat := fakeCatalog(t)
	on, err := Structure(Answers{}, subjects(cat, "docker", "websocket"))
	if err != nil {
		t.Fatal(err)
	}
	off, err := Structure(Answers{}, subjects(cat))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		rep     *Report
		row     string
		tmpl    string
		present bool
		detail  string
	}{
		{on, "Dockerfile", "tpl-a", true, "2 stages, non-root"},
		{on, "Dockerfile", "tpl-b", true, "1 stage, root"},
		{off, "Dockerfile", "tpl-a", false, "off (feature docker)"},
		{off, "Dockerfile", "tpl-b", false, "off (feature docker)"},
		{on, "WebSocket (/v1/ws/echo)", "tpl-a", true, "src/ws.js; 1 test file"},
		{on, "WebSocket (/v1/ws/echo)", "tpl-b", false, "none"}, // not offered by tpl-b at all
		{off, "WebSocket (/v1/ws/echo)", "tpl-a", false, "off (feature websocket)"},
		{on, "CI workflow", "tpl-a", false, "none"},
		{on, "GET /livez", "tpl-a", true, "src/server.js"},
		{on, "GET /livez", "tpl-b", true, "src/demo/__main__.py"},
		{on, "GET, PUT, DELETE /v1/items/{id}", "tpl-a", false, "no route"},
		{on, "GET, PUT, DELETE /v1/items/{id}", "tpl-b", true, "src/demo/__main__.py"},
		{on, "HOST", "tpl-a", true, "src/settings.js"},
		{on, "LOG_LEVEL", "tpl-a", false, "not read"},
		{on, "LOG_LEVEL", "tpl-b", true, "src/demo/settings.py"},
		{on, "lint", "tpl-a", true, "biome (biome.json)"},
		{on, "lint", "tpl-b", false, "none"},
		{on, "tests", "tpl-a", true, "2 files; npm test"},
		{on, "tests", "tpl-b", false, "none"},
		{on, "lockfile", "tpl-b", false, "none"},
	}
	for _, c := range checks {
		got := cell(t, c.rep, c.row, c.tmpl)
		if got.Present != c.present || got.Detail != c.detail {
			t.Errorf("%s / %s: got %v %q, want %v %q", c.row, c.tmpl, got.Present, got.Detail, c.present, c.detail)
		}
	}
	// Roles: the entry points pair up although their names differ; a role only one
	// template has is called out.
	for _, ro := range on.Roles {
		if ro.Role == roleEntry && (len(ro.Files[0]) != 1 || ro.Files[1][0] != "src/demo/__main__.py") {
			t.Errorf("entry points: %v", ro.Files)
		}
	}
	var unpaired []string
	for _, u := range on.Unpaired {
		unpaired = append(unpaired, u.Path)
	}
	if got := strings.Join(unpaired, " "); !strings.Contains(got, "src/ws.js") || !strings.Contains(got, "biome.json") || strings.Contains(got, "Dockerfile") {
		t.Errorf("unpaired: %s", got)
	}
}

func fakeBench() *Bench {
	b := &Bench{Machine: machine(), Seconds: 2, Warmup: 0.4, Connections: 10, Rounds: 2, Workloads: workloads(),
		Skipped: []SkippedDatabase{{Database: "postgres", Reason: "no server here"}}}
	// Four servers as ever (the skeletons on memory), then each skeleton's mix on sqlite.
	for i, id := range []string{"tpl-a", "bare-a", "tpl-b", "bare-b", "tpl-a", "tpl-b"} {
		kind, db := KindSkeleton, "memory"
		if i < 4 && i%2 == 1 {
			kind, db = KindBare, ""
		}
		if i >= 4 {
			db = "sqlite"
		}
		stack := []string{"a", "a", "b", "b", "a", "b"}[i]
		m := ServerMeas{Template: id, Stack: stack, Kind: kind, Database: db, Runtime: "v1", InstallSeconds: float64(i + 1), InstalledBytes: int64(i+1) << 20}
		for r := 0; r < 2; r++ {
			got := roundOf{coldStart: 300e6, rss: int64(50+r) << 20, results: map[string]Result{}}
			for _, w := range workloads() {
				if w.Name == WorkloadMix && kind == KindBare || w.Name == WorkloadLivez && db == "sqlite" {
					continue
				}
				got.results[w.Name] = Result{Workload: w.Name, RPS: float64(1000 * (i + 1 + r)), P50Ms: 1, P90Ms: 2, P99Ms: float64(3 + r), Requests: 100}
			}
			m.rounds = append(m.rounds, got)
		}
		summarize(&m)
		b.Servers = append(b.Servers, m)
	}
	ratios(b)
	b.MixByDatabase = mixByDatabase(b.Servers)
	return b
}

func TestBenchSummary(t *testing.T) {
	b := fakeBench()
	a := b.Servers[0]
	if a.ColdStartMs != 300 || a.PeakRSSBytes != 51<<20 || len(a.Results) != 2 {
		t.Fatalf("summary: %+v", a)
	}
	if r := a.result(WorkloadLivez); r.RPS != 1500 || r.P99Ms != 3.5 || r.Requests != 200 {
		t.Errorf("livez medians: %+v", r)
	}
	// Per round: 1000/2000 and 2000/3000; the median of the two.
	if len(b.Overhead) != 2 || math.Abs(b.Overhead[0].Ratio-(0.5+2.0/3)/2) > 1e-9 || len(b.Overhead[0].RoundRatios) != 2 || b.Overhead[1].Skeleton != "tpl-b on memory" {
		t.Errorf("overhead: %+v", b.Overhead)
	}
	if b.Servers[0].Ratios != nil || b.Servers[2].Ratios.Against != "tpl-a on memory" || b.Servers[3].Ratios.Against != "bare-a" ||
		b.Servers[4].Ratios != nil || b.Servers[5].Ratios.Against != "tpl-a on sqlite" {
		t.Errorf("ratios are taken against the first server of the same kind and database")
	}
	// The mix per stack and database: a on memory, a on sqlite, b on memory, b on sqlite.
	var mix []string
	for _, x := range b.MixByDatabase {
		mix = append(mix, fmt.Sprintf("%s/%s %.0f %.1f", x.Stack, x.Database, x.RPS, x.P99Ms))
	}
	if got := strings.Join(mix, ", "); got != "a/memory 1500 3.5, a/sqlite 5500 3.5, b/memory 3500 3.5, b/sqlite 6500 3.5" {
		t.Errorf("mix by database: %s", got)
	}
	if got := b.Servers[2].Ratios.Workloads[WorkloadLivez]["requests_per_second"]; got != 3500.0/1500 {
		t.Errorf("rps ratio %v", got)
	}
}

func TestRenderersWithBench(t *testing.T) {
	cat := fakeCatalog(t)
	rep, err := Structure(Answers{Name: "demo"}, subjects(cat, "docker"))
	if err != nil {
		t.Fatal(err)
	}
	rep.Bench = fakeBench()
	var text, md bytes.Buffer
	if err := WriteTextWidth(&text, rep, DefaultWidth); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Skeleton vs bare framework", "tpl-b", "(×2.33)", "shares the machine", "cores", "CRUD mix by database", "Skipped postgres: no server here"} {
		if !strings.Contains(text.String(), want) || !strings.Contains(md.String(), want) {
			t.Errorf("text or markdown lacks %q", want)
		}
	}
	if !strings.Contains(md.String(), "| tpl-a on memory | bare-a | 0.58 | 0.50 0.67 |") || !strings.Contains(md.String(), "| a | tpl-a | sqlite | 5500 | 3.50 | 0 |") {
		t.Errorf("markdown overhead table:\n%s", md.String())
	}
}
