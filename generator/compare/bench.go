package compare

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/steps"
	"github.com/stackpick/stackpick/generator/verify"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Kinds of benchmarked server.
const (
	KindSkeleton = "skeleton"
	KindBare     = "bare"
)

// Workload names.
const (
	WorkloadLivez = "livez"
	WorkloadMix   = "mix"
)

// machineNote is said with every benchmark: the numbers are for this machine only.
const machineNote = "the load generator (vegeta, in this process) shares the machine with the server under test, " +
	"and one server runs at a time (with the throwaway PostgreSQL server beside it when one is benchmarked); figures are medians across rounds and compare the servers with each other on this machine only"

// Bench is the benchmark part of the report.
type Bench struct {
	Machine     Machine      `json:"machine"`
	Seconds     float64      `json:"duration_seconds"` // per workload, per round
	Warmup      float64      `json:"warmup_seconds"`
	Connections int          `json:"connections"`
	Rounds      int          `json:"rounds"`
	Workloads   []Workload   `json:"workloads"`
	Servers     []ServerMeas `json:"servers"`
	// Overhead is each skeleton's /livez throughput as a share of its bare framework's.
	Overhead []Overhead `json:"skeleton_vs_bare"`
	// MixByDatabase is each skeleton's mix workload on each database, stack by stack.
	MixByDatabase []DatabaseMix `json:"mix_by_database"`
	// Skipped are the databases the mix could not run through here, and why.
	Skipped []SkippedDatabase `json:"databases_skipped"`
}

// DatabaseMix is one skeleton's mix (CRUD) workload on one database, from Servers.
type DatabaseMix struct {
	Stack    string  `json:"stack"`
	Template string  `json:"template"`
	Database string  `json:"database"`
	RPS      float64 `json:"requests_per_second"`
	P99Ms    float64 `json:"p99_ms"`
	Errors   uint64  `json:"errors"`
}

// SkippedDatabase is a database left out of the benchmark.
type SkippedDatabase struct {
	Database string `json:"database"`
	Reason   string `json:"reason"`
}

// Machine describes where the benchmark ran.
type Machine struct {
	Cores int    `json:"cores"`
	CPU   string `json:"cpu"`
	OS    string `json:"os"`
	Arch  string `json:"arch"`
	Note  string `json:"note"`
}

// Workload is a request mix, sent round robin by every connection.
type Workload struct {
	Name     string   `json:"name"`
	Requests []string `json:"requests"`
	Servers  string   `json:"servers"` // which servers get it
}

// ServerMeas is one server's measurements, medians across rounds (peak RSS: the
// highest).
type ServerMeas struct {
	Template string `json:"template"`
	Stack    string `json:"stack"`
	Kind     string `json:"kind"` // skeleton or bare
	// Database is where a skeleton kept its items (memory, sqlite, postgres): a fresh
	// database for every boot, migrated at start (in the cold start). "" for bare.
	Database       string    `json:"database,omitempty"`
	Runtime        string    `json:"runtime"`
	InstallSeconds float64   `json:"install_seconds"`
	InstalledBytes int64     `json:"installed_bytes"`
	ColdStartMs    float64   `json:"cold_start_ms"`
	PeakRSSBytes   int64     `json:"peak_rss_bytes"`
	Results        []Result  `json:"results"`
	Ratios         *Ratios   `json:"ratios_to_first,omitempty"` // against the first stack's server of the same kind
	rounds         []roundOf `json:"-"`
}

// Result is one workload's figures on one server.
type Result struct {
	Workload string  `json:"workload"`
	RPS      float64 `json:"requests_per_second"`
	P50Ms    float64 `json:"p50_ms"`
	P90Ms    float64 `json:"p90_ms"`
	P99Ms    float64 `json:"p99_ms"`
	Requests uint64  `json:"requests"`
	Errors   uint64  `json:"errors"`
}

// Ratios are a server's figures divided by the first stack's (same kind); workload
// ratios are keyed by workload name.
type Ratios struct {
	Against        string                        `json:"against"`
	InstallSeconds float64                       `json:"install_seconds"`
	InstalledBytes float64                       `json:"installed_bytes"`
	ColdStartMs    float64                       `json:"cold_start_ms"`
	PeakRSSBytes   float64                       `json:"peak_rss_bytes"`
	Workloads      map[string]map[string]float64 `json:"workloads"`
}

// Overhead compares a skeleton with its bare framework on /livez. The throughput
// ratio is the median of the rounds' ratios: both servers ran in the same round, so a
// change in the machine's background load between rounds cancels out.
type Overhead struct {
	Skeleton    string    `json:"skeleton"`
	Bare        string    `json:"bare"`
	Ratio       float64   `json:"livez_throughput_ratio"`
	RoundRatios []float64 `json:"livez_throughput_ratio_rounds"`
	P99Ratio    float64   `json:"livez_p99_ratio"`
	RSSRatio    float64   `json:"peak_rss_ratio"`
}

type roundOf struct {
	coldStart time.Duration
	rss       int64
	results   map[string]Result
}

// BenchTarget is a template to install, boot and load.
type BenchTarget struct {
	Template *catalog.Template
	Data     render.Data // Data.Database says which database a skeleton runs on
	Kind     string      // KindSkeleton or KindBare
	// MixOnly leaves out the /livez workload: a skeleton's second and third database,
	// whose /livez is measured on the first (it never touches the database).
	MixOnly bool
}

// Name tells servers apart in tables and charts: the template, and a skeleton's
// database when it has one.
func (m *ServerMeas) Name() string {
	if m.Database == "" {
		return m.Template
	}
	return m.Template + " on " + m.Database
}

// BenchDatabases are the databases --bench runs each skeleton's mix through, in order;
// the first that a template supports also gets the /livez workload.
var BenchDatabases = []string{"memory", verify.EngineSQLite, verify.EnginePostgres}

// BenchOptions say how long and how hard to load.
type BenchOptions struct {
	Dir         string        // an empty folder to render and install the projects in
	Duration    time.Duration // per workload, per round
	Warmup      time.Duration // /livez load before measuring, after each boot
	Connections int
	Rounds      int
	// Progress, if set, is told what is happening (one line each).
	Progress func(string)
}

// BareFor returns the internal (bare framework) template of a stack, or nil.
func BareFor(cat *catalog.Catalog, stack string) *catalog.Template {
	for _, t := range cat.Templates {
		if t.Internal && t.Stack == stack {
			return t
		}
	}
	return nil
}

// Run installs every target, then, in each round, boots each one in turn (the order
// rotates by round) on a fresh database of its own (verify.Databases: a new SQLite
// file, a new database on one throwaway PostgreSQL server; MIGRATE_ON_START=1), warms
// it up, loads it with its workloads, reads its peak memory and stops it. Targets on
// postgres are left out, and listed in Skipped with the reason, when no throwaway
// server can be started. Every process it starts is stopped before it returns, also
// when ctx ends (the error then wraps ctx.Err()).
func Run(ctx context.Context, o BenchOptions, targets []BenchTarget) (*Bench, error) {
	if o.Rounds < 1 || o.Connections < 1 || o.Duration <= 0 {
		return nil, errors.New("compare: rounds, connections and duration must be positive")
	}
	say := func(format string, args ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, args...))
		}
	}
	dbs := &verify.Databases{}
	defer dbs.Close()
	skipped, targets := availableDatabases(ctx, dbs, targets)
	b := &Bench{
		Machine: machine(), Seconds: o.Duration.Seconds(), Warmup: o.Warmup.Seconds(),
		Connections: o.Connections, Rounds: o.Rounds, Workloads: workloads(),
		Servers: make([]ServerMeas, len(targets)), Overhead: []Overhead{},
		MixByDatabase: []DatabaseMix{}, Skipped: skipped,
	}
	for _, s := range skipped {
		say("skip %s: %s", s.Database, s.Reason)
	}
	dirs := make([]string, len(targets))
	for i, t := range targets {
		m := &b.Servers[i]
		*m = ServerMeas{Template: t.Template.ID, Stack: t.Template.Stack, Kind: t.Kind, Results: []Result{}}
		if t.Kind == KindSkeleton {
			m.Database = t.Data.Database
		}
		dirs[i] = filepath.Join(o.Dir, t.Template.ID)
		if m.Database != "" {
			dirs[i] += "-" + m.Database
		}
		say("install %s", m.Name())
		took, size, err := install(ctx, dirs[i], t)
		if err != nil {
			return nil, err
		}
		m.InstallSeconds, m.InstalledBytes = took.Seconds(), size
		m.Runtime = runtimeVersion(ctx, dirs[i], t)
		say("installed %s in %.1f s (%s)", m.Name(), took.Seconds(), humanBytes(size))
	}
	for r := 0; r < o.Rounds; r++ {
		for k := range targets {
			i := (k + r) % len(targets)
			say("round %d/%d: %s", r+1, o.Rounds, b.Servers[i].Name())
			got, err := runOnce(ctx, o, dbs, dirs[i], targets[i])
			if err != nil {
				return nil, err
			}
			b.Servers[i].rounds = append(b.Servers[i].rounds, got)
		}
	}
	for i := range b.Servers {
		summarize(&b.Servers[i])
	}
	ratios(b)
	b.MixByDatabase = mixByDatabase(b.Servers)
	return b, nil
}

// availableDatabases starts the throwaway PostgreSQL server when a target needs it; when
// it cannot, those targets are dropped and the reason kept.
func availableDatabases(ctx context.Context, dbs *verify.Databases, targets []BenchTarget) ([]SkippedDatabase, []BenchTarget) {
	skipped := []SkippedDatabase{}
	if !slices.ContainsFunc(targets, func(t BenchTarget) bool { return t.Data.Database == verify.EnginePostgres }) {
		return skipped, targets
	}
	// A first database starts the server, so a failure shows here, before any install.
	if _, err := dbs.New(ctx, verify.EnginePostgres, "check"); err != nil {
		skipped = append(skipped, SkippedDatabase{Database: verify.EnginePostgres, Reason: err.Error()})
		targets = slices.DeleteFunc(slices.Clone(targets), func(t BenchTarget) bool { return t.Data.Database == verify.EnginePostgres })
	}
	return skipped, targets
}

// mixByDatabase lists each skeleton's mix figures, stack by stack in the servers' order,
// then by database in BenchDatabases' order.
func mixByDatabase(servers []ServerMeas) []DatabaseMix {
	out := []DatabaseMix{}
	var stacks []string
	for _, m := range servers {
		if m.Kind == KindSkeleton && !slices.Contains(stacks, m.Stack) {
			stacks = append(stacks, m.Stack)
		}
	}
	for _, stack := range stacks {
		for _, db := range BenchDatabases {
			for _, m := range servers {
				if m.Kind != KindSkeleton || m.Stack != stack || m.Database != db {
					continue
				}
				if r, ok := m.find(WorkloadMix); ok {
					out = append(out, DatabaseMix{Stack: stack, Template: m.Template, Database: db, RPS: r.RPS, P99Ms: r.P99Ms, Errors: r.Errors})
				}
			}
		}
	}
	return out
}

func workloads() []Workload {
	return []Workload{
		{Name: WorkloadLivez, Requests: []string{"GET " + pathLive}, Servers: "bare frameworks, and each skeleton on its first database"},
		{Name: WorkloadMix, Requests: []string{"GET " + pathLive, "GET " + pathItems, "POST " + pathItems}, Servers: "skeletons, on each database"},
	}
}

func targeter(base, workload string) vegeta.Targeter {
	live := vegeta.Target{Method: http.MethodGet, URL: base + pathLive}
	if workload == WorkloadLivez {
		return vegeta.NewStaticTargeter(live)
	}
	hdr := http.Header{"Content-Type": []string{"application/json"}}
	return vegeta.NewStaticTargeter(
		live,
		vegeta.Target{Method: http.MethodGet, URL: base + pathItems},
		vegeta.Target{Method: http.MethodPost, URL: base + pathItems, Header: hdr, Body: []byte(`{"name":"bench item","quantity":1,"tags":["bench"]}`)},
	)
}

// install writes the target's project into dir through Plan and Apply (as `new`
// does) and runs its install step through the steps runner (as `new --install` and
// `verify` do); it returns how long the install took and the size of what it added
// to dir.
func install(ctx context.Context, dir string, t BenchTarget) (time.Duration, int64, error) {
	files, err := t.Template.Render(t.Data)
	if err != nil {
		return 0, 0, fmt.Errorf("compare: render %s: %w", t.Template.ID, err)
	}
	plan := generator.NewPlan(dir, files)
	if err := plan.Check(generator.PolicyError); err != nil {
		return 0, 0, fmt.Errorf("compare: %s: %w", t.Template.ID, err)
	}
	if err := generator.Apply(ctx, plan); err != nil {
		return 0, 0, fmt.Errorf("compare: write %s: %w", t.Template.ID, err)
	}
	before := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		before[e.Name()] = true
	}
	start := time.Now()
	res := (&steps.Runner{Dir: dir, Template: t.Template, Data: t.Data}).Run(ctx, steps.Install)
	if res.Err != nil {
		if ctx.Err() != nil {
			return 0, 0, fmt.Errorf("compare: install %s: %w", t.Template.ID, res.Err)
		}
		return 0, 0, fmt.Errorf("compare: install %s: %w\n%s", t.Template.ID, res.Err, lastLines(res.Output, 20))
	}
	took := time.Since(start)
	var size int64
	entries, _ = os.ReadDir(dir)
	for _, e := range entries {
		if !before[e.Name()] {
			size += duSize(filepath.Join(dir, e.Name()))
		}
	}
	return took, size, nil
}

// duSize is the apparent size of every regular file under p.
func duSize(p string) int64 {
	var n int64
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// runtimeVersion asks the start command's program for its version (node, python).
func runtimeVersion(ctx context.Context, dir string, t BenchTarget) string {
	if rt := t.Template.Runtime; len(rt.Command) > 0 {
		if v, err := steps.CheckRuntime(ctx, dir, rt); err == nil {
			return rt.Name + " " + v
		}
	}
	argv, err := catalog.Command(t.Template.Steps.Start, t.Data)
	if err != nil || len(argv) == 0 {
		return ""
	}
	vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := steps.Exec(vctx, dir, []string{argv[0], "--version"}, nil, nil)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// runOnce boots the server on a fresh database, warms it up, runs its workloads and
// stops it.
func runOnce(ctx context.Context, o BenchOptions, dbs *verify.Databases, dir string, t BenchTarget) (roundOf, error) {
	got := roundOf{results: map[string]Result{}}
	argv, err := catalog.Command(t.Template.Steps.Start, t.Data)
	if err != nil {
		return got, err
	}
	db, err := dbs.New(ctx, t.Data.Database, t.Template.Stack)
	if err != nil {
		return got, fmt.Errorf("compare: a database for %s: %w", t.Template.ID, err)
	}
	bootCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	srv, ready, err := verify.Boot(bootCtx, dir, argv, db.Env(true))
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return got, fmt.Errorf("compare: boot %s: %w", t.Template.ID, ctx.Err())
		}
		return got, fmt.Errorf("compare: boot %s: %w", t.Template.ID, err)
	}
	defer srv.Kill()
	got.coldStart = ready
	if o.Warmup > 0 {
		if _, err := attack(ctx, srv.URL, WorkloadLivez, o.Warmup, o.Connections); err != nil {
			return got, fmt.Errorf("compare: warm up %s: %w", t.Template.ID, err)
		}
	}
	for _, w := range workloads() {
		if w.Name == WorkloadMix && t.Kind != KindSkeleton || w.Name == WorkloadLivez && t.MixOnly {
			continue
		}
		res, err := attack(ctx, srv.URL, w.Name, o.Duration, o.Connections)
		if err != nil {
			return got, fmt.Errorf("compare: load %s with %s: %w", t.Template.ID, w.Name, err)
		}
		got.results[w.Name] = res
	}
	got.rss = peakRSS(srv.PID())
	return got, nil
}

// attack loads base with a workload for d, closed loop: conns workers, each sending
// its next request when the last one is answered.
func attack(ctx context.Context, base, workload string, d time.Duration, conns int) (Result, error) {
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.HTTP2(false), vegeta.Redirects(vegeta.NoFollow),
		vegeta.Timeout(10*time.Second), vegeta.MaxBody(0),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var m vegeta.Metrics
	var errs uint64
	for res := range atk.Attack(targeter(base, workload), vegeta.ConstantPacer{}, d, workload) {
		m.Add(res)
		if res.Error != "" || res.Code < 200 || res.Code >= 400 {
			errs++
		}
	}
	m.Close()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	return Result{
		Workload: workload, RPS: m.Rate, Requests: m.Requests, Errors: errs,
		P50Ms: ms(m.Latencies.P50), P90Ms: ms(m.Latencies.P90), P99Ms: ms(m.Latencies.P99),
	}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// peakRSS reads the process's high-water resident memory (VmHWM) from /proc; 0 where
// there is no /proc.
func peakRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH, Note: machineNote}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if m.CPU == "" {
		m.CPU = "unknown"
	}
	return m
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// summarize takes medians across rounds (errors and requests are summed, peak RSS is
// the highest).
func summarize(m *ServerMeas) {
	var cold []float64
	for _, r := range m.rounds {
		cold = append(cold, float64(r.coldStart.Microseconds())/1000)
		m.PeakRSSBytes = max(m.PeakRSSBytes, r.rss)
	}
	m.ColdStartMs = median(cold)
	for _, w := range workloads() {
		var rps, p50, p90, p99 []float64
		res := Result{Workload: w.Name}
		for _, r := range m.rounds {
			x, ok := r.results[w.Name]
			if !ok {
				continue
			}
			rps, p50, p90, p99 = append(rps, x.RPS), append(p50, x.P50Ms), append(p90, x.P90Ms), append(p99, x.P99Ms)
			res.Requests += x.Requests
			res.Errors += x.Errors
		}
		if len(rps) == 0 {
			continue
		}
		res.RPS, res.P50Ms, res.P90Ms, res.P99Ms = median(rps), median(p50), median(p90), median(p99)
		m.Results = append(m.Results, res)
	}
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// ratios fills each server's ratios to the first stack's server of the same kind, and
// each skeleton's overhead against its stack's bare framework.
func ratios(b *Bench) {
	first := map[string]*ServerMeas{}
	for i := range b.Servers {
		m := &b.Servers[i]
		key := m.Kind + "/" + m.Database
		f, ok := first[key]
		if !ok {
			first[key] = m
			continue
		}
		r := &Ratios{
			Against:        f.Name(),
			InstallSeconds: ratio(m.InstallSeconds, f.InstallSeconds),
			InstalledBytes: ratio(float64(m.InstalledBytes), float64(f.InstalledBytes)),
			ColdStartMs:    ratio(m.ColdStartMs, f.ColdStartMs),
			PeakRSSBytes:   ratio(float64(m.PeakRSSBytes), float64(f.PeakRSSBytes)),
			Workloads:      map[string]map[string]float64{},
		}
		for _, x := range m.Results {
			for _, y := range f.Results {
				if x.Workload == y.Workload {
					r.Workloads[x.Workload] = map[string]float64{
						"requests_per_second": ratio(x.RPS, y.RPS),
						"p50_ms":              ratio(x.P50Ms, y.P50Ms),
						"p90_ms":              ratio(x.P90Ms, y.P90Ms),
						"p99_ms":              ratio(x.P99Ms, y.P99Ms),
					}
				}
			}
		}
		m.Ratios = r
	}
	for i := range b.Servers {
		s := &b.Servers[i]
		if _, ok := s.find(WorkloadLivez); s.Kind != KindSkeleton || !ok {
			continue
		}
		for j := range b.Servers {
			bare := &b.Servers[j]
			if bare.Kind != KindBare || bare.Stack != s.Stack {
				continue
			}
			sl, bl := s.result(WorkloadLivez), bare.result(WorkloadLivez)
			o := Overhead{
				Skeleton: s.Name(), Bare: bare.Template, RoundRatios: []float64{},
				P99Ratio: ratio(sl.P99Ms, bl.P99Ms),
				RSSRatio: ratio(float64(s.PeakRSSBytes), float64(bare.PeakRSSBytes)),
			}
			for r := range min(len(s.rounds), len(bare.rounds)) {
				o.RoundRatios = append(o.RoundRatios, ratio(s.rounds[r].results[WorkloadLivez].RPS, bare.rounds[r].results[WorkloadLivez].RPS))
			}
			o.Ratio = median(o.RoundRatios)
			b.Overhead = append(b.Overhead, o)
		}
	}
}

func (m *ServerMeas) result(workload string) Result {
	r, _ := m.find(workload)
	return r
}

func (m *ServerMeas) find(workload string) (Result, bool) {
	for _, r := range m.Results {
		if r.Workload == workload {
			return r, true
		}
	}
	return Result{}, false
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}
