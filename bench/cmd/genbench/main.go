// Command genbench measures how long stackpick takes to generate a project, as whole
// processes, against floors and against other scaffolders, and prints ratios measured in
// one run. `make bench` runs it.
//
// Each comparison is a pair of commands run alternately (A B A B ...), each run into a
// fresh, missing target folder; the folders are made and removed outside the timing.
// It prints the median wall time, the median CPU time (user+system) and the peak RSS
// (ru_maxrss of the child, which covers the children it waited for) of each side, and
// the ratio of the medians. Nothing is asserted: the numbers are for people.
//
// The pairs:
//   - stackpick new DIR --yes --stack node|python against cp -r of the very tree it
//     writes (the floor for writing those files);
//   - against cookiecutter and copier rendering the same tree from the templates in
//     testdata/bench (made by bench/cmd/benchtemplates), and against express-generator
//     producing its own skeleton;
//   - stackpick version against a Go hello-world binary (the start-up floor).
//
// Then the time to first request of each stack (firstrequest.go): stackpick new, the
// manifest's install (its install_with command when that tool is on PATH) and start
// command, until /readyz answers 200, beside express-generator followed by npm install.
//
// cookiecutter, copier (from PyPI, in a virtual environment) and express-generator (from
// npm) are installed at pinned versions into a cache folder on first use.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// Pinned versions of the tools compared against.
const (
	cookiecutterVersion     = "2.7.1"
	copierVersion           = "9.19.1"
	expressGeneratorVersion = "4.16.1"
)

// projectName is the project every tool generates (stackpick takes it from DIR).
const projectName = "demo-api"

var stacks = []struct{ stack, template string }{
	{"node", "node-express"},
	{"python", "python-fastapi"},
}

type config struct {
	stackpick, hello, testdata, tools string
	compare                           string
	runs, slowRuns                    int
	skipTools                         bool
	firstRuns                         int
	firstOnly                         bool
}

func main() {
	var c config
	flag.StringVar(&c.stackpick, "stackpick", "bin/stackpick", "the stackpick binary")
	flag.StringVar(&c.hello, "hello", "bin/hello", "a Go hello-world binary (go build ./bench/cmd/hello)")
	flag.StringVar(&c.testdata, "testdata", "testdata/bench", "the cookiecutter and copier templates")
	flag.StringVar(&c.tools, "tools", filepath.Join(os.TempDir(), "stackpick-bench-tools"), "where the other tools are installed and cached")
	flag.IntVar(&c.runs, "n", 21, "runs of each command per pair")
	flag.IntVar(&c.slowRuns, "n-slow", 15, "runs of each command per pair with cookiecutter or copier")
	flag.BoolVar(&c.skipTools, "skip-tools", false, "compare only with the floors (no installs)")
	flag.IntVar(&c.firstRuns, "first-runs", 5, "runs of each time-to-first-request case (0: skip them)")
	flag.BoolVar(&c.firstOnly, "first-only", false, "measure only the time to first request")
	flag.StringVar(&c.compare, "compare", "", "another stackpick `binary` (e.g. a build with a proposed change) to time against -stackpick")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "genbench:", err)
		os.Exit(1)
	}
}

// command is one side of a pair: argv for a fresh run folder.
type command struct {
	label string
	argv  func(runDir string) []string
	// output is where the project lands in runDir ("" when it is not checked).
	output string
}

// sample is one measured run.
type sample struct {
	wall, cpu time.Duration
	maxRSS    int64 // bytes
	// driverRSS is the driver's own peak RSS when the child ended: Linux counts it in
	// the child's ru_maxrss too (a vfork child execs from the parent's memory), so a
	// child whose maxRSS is not above it is known only to be at most that.
	driverRSS int64
}

type stats struct {
	wall, cpu time.Duration // medians
	maxRSS    int64         // peak over the runs
	upper     bool          // maxRSS is an upper bound (see sample.driverRSS)
	n         int
}

type pairResult struct {
	group string
	a, b  command
	sa    stats
	sb    stats
	note  string
}

func run(c config) error {
	for _, p := range []*string{&c.stackpick, &c.hello, &c.testdata, &c.compare} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	work, err := os.MkdirTemp("", "genbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	env := childEnv(work)
	if err := os.WriteFile(filepath.Join(work, "cookiecutter.yaml"), []byte(fmt.Sprintf(
		"cookiecutters_dir: %q\nreplay_dir: %q\n", filepath.Join(work, "cc"), filepath.Join(work, "cc-replay"))), 0o644); err != nil {
		return err
	}

	printMachine(c)

	// The reference trees: what stackpick writes, the source of the cp -r floor.
	ref := map[string]string{}
	for _, s := range stacks {
		dir := filepath.Join(work, "ref-"+s.stack, projectName)
		if _, err := runOnce(env, nil, []string{c.stackpick, "new", dir, "--yes", "--stack", s.stack}); err != nil {
			return err
		}
		ref[s.stack] = dir
		n, size, err := treeSize(dir)
		if err != nil {
			return err
		}
		fmt.Printf("tree %-7s %d files, %d bytes (stackpick new %s --yes --stack %s)\n", s.stack, n, size, projectName, s.stack)
	}

	var tools *installed
	if !c.skipTools {
		if tools, err = install(c.tools, env); err != nil {
			fmt.Printf("other tools: not installed, skipped: %v\n", err)
			tools = nil
		}
	}
	fmt.Println()

	stackpickNew := func(stack string) command {
		return command{
			label: "stackpick new --stack " + stack,
			argv: func(d string) []string {
				return []string{c.stackpick, "new", filepath.Join(d, projectName), "--yes", "--stack", stack}
			},
			output: projectName,
		}
	}
	type pair struct {
		group string
		a, b  command
		runs  int
	}
	var pairs []pair
	for _, s := range stacks {
		src := ref[s.stack]
		pairs = append(pairs, pair{s.stack, stackpickNew(s.stack), command{
			label:  "cp -r (the same tree)",
			argv:   func(d string) []string { return []string{"cp", "-r", src, filepath.Join(d, projectName)} },
			output: projectName,
		}, c.runs})
	}
	if tools != nil {
		// Template folders outside any git repository, so copier reads the folder
		// as it is instead of cloning the repository it sits in.
		tmpl := filepath.Join(work, "templates")
		if err := os.CopyFS(tmpl, os.DirFS(c.testdata)); err != nil {
			return fmt.Errorf("copy %s: %w", c.testdata, err)
		}
		for _, s := range stacks {
			cc := filepath.Join(tmpl, "cookiecutter-"+s.template)
			cp := filepath.Join(tmpl, "copier-"+s.template)
			pairs = append(pairs,
				pair{s.stack, stackpickNew(s.stack), command{
					label: "cookiecutter " + cookiecutterVersion,
					argv: func(d string) []string {
						return []string{tools.cookiecutter, "--no-input", "-o", d, cc, "project_name=" + projectName}
					},
					output: projectName,
				}, c.slowRuns},
				pair{s.stack, stackpickNew(s.stack), command{
					label: "copier " + copierVersion,
					argv: func(d string) []string {
						return []string{tools.copier, "copy", "--quiet", "--defaults", "--data", "project_name=" + projectName, cp, filepath.Join(d, projectName)}
					},
					output: projectName,
				}, c.slowRuns},
			)
		}
		pairs = append(pairs, pair{"node", stackpickNew("node"), command{
			label: "express-generator " + expressGeneratorVersion + " (its own skeleton)",
			argv:  func(d string) []string { return []string{tools.express, "--no-view", filepath.Join(d, projectName)} },
		}, c.runs})
	}
	if c.compare != "" {
		for _, s := range stacks {
			other := stackpickNew(s.stack)
			other.label = "-compare build: new --stack " + s.stack
			other.argv = func(d string) []string {
				return []string{c.compare, "new", filepath.Join(d, projectName), "--yes", "--stack", s.stack}
			}
			pairs = append(pairs, pair{s.stack, stackpickNew(s.stack), other, c.runs})
		}
		pairs = append(pairs, pair{"start-up", command{
			label: "stackpick version",
			argv:  func(string) []string { return []string{c.stackpick, "version"} },
		}, command{
			label: "-compare build: version",
			argv:  func(string) []string { return []string{c.compare, "version"} },
		}, c.runs})
	}
	pairs = append(pairs, pair{"start-up", command{
		label: "stackpick version",
		argv:  func(string) []string { return []string{c.stackpick, "version"} },
	}, command{
		label: "Go hello world",
		argv:  func(string) []string { return []string{c.hello} },
	}, c.runs})

	if c.firstOnly {
		pairs = nil
	}
	var results []pairResult
	for i, p := range pairs {
		fmt.Fprintf(os.Stderr, "[%d/%d] %s: %s vs %s (%d runs each)\n", i+1, len(pairs), p.group, p.a.label, p.b.label, p.runs)
		r := pairResult{group: p.group, a: p.a, b: p.b}
		// One warm-up run of each, untimed; it also checks the output.
		for side, cmd := range []command{p.a, p.b} {
			out, err := runIn(work, env, cmd)
			if err != nil {
				return err
			}
			if cmd.output != "" && side == 1 {
				diff, err := compareTrees(ref[p.group], filepath.Join(out, cmd.output))
				if err != nil {
					return err
				}
				if diff == "" {
					r.note = "same tree as stackpick"
				} else {
					r.note = "DIFFERENT tree from stackpick (" + diff + ")"
					if strings.HasPrefix(cmd.label, "cookiecutter") || strings.HasPrefix(cmd.label, "copier") {
						r.note += ": testdata/bench is stale, run go run ./bench/cmd/benchtemplates"
					}
				}
			}
			os.RemoveAll(out)
		}
		var as, bs []sample
		for range p.runs {
			for _, side := range []struct {
				cmd command
				to  *[]sample
			}{{p.a, &as}, {p.b, &bs}} {
				s, err := measure(work, env, side.cmd)
				if err != nil {
					return err
				}
				*side.to = append(*side.to, s)
			}
		}
		r.sa, r.sb = summarize(as), summarize(bs)
		results = append(results, r)
	}
	if len(results) > 0 {
		report(results)
	}
	if c.firstRuns > 0 {
		cases, err := firstRequests(c, tools)
		if err != nil {
			return err
		}
		firstEnv := append(slices.Clone(env), "CI=true", "NO_COLOR=1", "PIP_DISABLE_PIP_VERSION_CHECK=1")
		if err := measureFirstRequests(work, firstEnv, cases, c.firstRuns); err != nil {
			return err
		}
	}
	fmt.Printf("load average at the end: %s (the machine is shared; compare ratios within a pair, not across runs)\n", loadavg())
	return nil
}

// childEnv is the environment of every command: the driver's, without STACKPICK_*
// (which would change what stackpick generates), and cookiecutter's user config in the
// work folder so the runs leave nothing in $HOME.
func childEnv(work string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STACKPICK_") && !strings.HasPrefix(kv, "COOKIECUTTER_CONFIG=") {
			env = append(env, kv)
		}
	}
	return append(env, "COOKIECUTTER_CONFIG="+filepath.Join(work, "cookiecutter.yaml"))
}

var runCounter int

// runIn runs cmd in a fresh run folder and returns that folder (the caller removes it).
func runIn(work string, env []string, cmd command) (string, error) {
	runCounter++
	dir := filepath.Join(work, fmt.Sprintf("run-%05d", runCounter))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", err
	}
	if _, err := runOnce(env, nil, cmd.argv(dir)); err != nil {
		return "", err
	}
	return dir, nil
}

// measure times one run of cmd into a fresh folder; making and removing the folder is
// not timed.
func measure(work string, env []string, cmd command) (sample, error) {
	runCounter++
	dir := filepath.Join(work, fmt.Sprintf("run-%05d", runCounter))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return sample{}, err
	}
	defer os.RemoveAll(dir)
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return sample{}, err
	}
	defer devnull.Close()
	s, err := runOnce(env, devnull, cmd.argv(dir))
	if err != nil {
		return sample{}, err
	}
	if cmd.output != "" {
		if _, err := os.Stat(filepath.Join(dir, cmd.output)); err != nil {
			return sample{}, fmt.Errorf("%s wrote no %s: %w", cmd.label, cmd.output, err)
		}
	}
	return s, nil
}

// runOnce runs argv with stdout and stderr to out (a file, so no copying goroutine
// runs during the timing) or, when out is nil, captured for the error message.
func runOnce(env []string, out *os.File, argv []string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	var buf bytes.Buffer
	if out != nil {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = out, out, out
	} else {
		cmd.Stdout, cmd.Stderr = &buf, &buf
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		if out != nil {
			// Run it again, captured, to say why.
			return runOnce(env, nil, argv)
		}
		return sample{}, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, buf.String())
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	s := sample{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru != nil {
		s.maxRSS = int64(ru.Maxrss) * 1024 // KiB on Linux
	}
	var self syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) == nil {
		s.driverRSS = int64(self.Maxrss) * 1024
	}
	return s, nil
}

func summarize(ss []sample) stats {
	var walls, cpus []time.Duration
	var peak, driver int64
	for _, s := range ss {
		walls = append(walls, s.wall)
		cpus = append(cpus, s.cpu)
		peak = max(peak, s.maxRSS)
		driver = max(driver, s.driverRSS)
	}
	return stats{wall: median(walls), cpu: median(cpus), maxRSS: peak, upper: peak <= driver, n: len(ss)}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// installed are the paths of the other tools' commands.
type installed struct {
	cookiecutter, copier, express string
}

// install puts cookiecutter and copier into a virtual environment and express-generator
// into an npm prefix under dir, once per pinned version.
func install(dir string, env []string) (*installed, error) {
	venv := filepath.Join(dir, "venv-cookiecutter-"+cookiecutterVersion+"-copier-"+copierVersion)
	npm := filepath.Join(dir, "npm-express-generator-"+expressGeneratorVersion)
	t := &installed{
		cookiecutter: filepath.Join(venv, "bin", "cookiecutter"),
		copier:       filepath.Join(venv, "bin", "copier"),
		express:      filepath.Join(npm, "node_modules", ".bin", "express"),
	}
	steps := []struct {
		marker string
		argvs  [][]string
	}{
		{filepath.Join(venv, ".installed"), [][]string{
			{"python3", "-m", "venv", "--clear", venv},
			{filepath.Join(venv, "bin", "pip"), "install", "-q", "--disable-pip-version-check",
				"cookiecutter==" + cookiecutterVersion, "copier==" + copierVersion},
		}},
		{filepath.Join(npm, ".installed"), [][]string{
			{"npm", "install", "--prefix", npm, "--no-audit", "--no-fund", "--no-save", "--loglevel=error",
				"express-generator@" + expressGeneratorVersion},
		}},
	}
	for _, s := range steps {
		if _, err := os.Stat(s.marker); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(s.marker), 0o755); err != nil {
			return nil, err
		}
		start := time.Now()
		for _, argv := range s.argvs {
			if _, err := runOnce(env, nil, argv); err != nil {
				return nil, err
			}
		}
		if err := os.WriteFile(s.marker, nil, 0o644); err != nil {
			return nil, err
		}
		fmt.Printf("installed into %s in %.1fs (cached for later runs)\n", filepath.Dir(s.marker), time.Since(start).Seconds())
	}
	fmt.Printf("other tools: cookiecutter %s, copier %s (%s); express-generator %s (%s)\n",
		cookiecutterVersion, copierVersion, venv, expressGeneratorVersion, npm)
	return t, nil
}

func printMachine(c config) {
	model := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	fmt.Printf("stackpick generation benchmark, %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Printf("machine: %d CPUs (nproc), %s, %s/%s, Linux %s, %s\n", runtime.NumCPU(), model,
		runtime.GOOS, runtime.GOARCH, strings.TrimSpace(string(kernel)), runtime.Version())
	for _, argv := range [][]string{{"node", "--version"}, {"python3", "--version"}, {"cp", "--version"}} {
		out, err := exec.Command(argv[0], argv[1:]...).Output()
		if err == nil {
			fmt.Printf("  %s: %s\n", argv[0], strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0])
		}
	}
	fmt.Printf("load average at the start: %s\n", loadavg())
	fmt.Printf("method: whole processes, alternating A B A B, each into a fresh missing folder; %d runs per side (%d with cookiecutter/copier) after one warm-up; medians; peak RSS = max ru_maxrss\n", c.runs, c.slowRuns)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func treeSize(dir string) (files int, size int64, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		size += info.Size()
		return nil
	})
	return files, size, err
}

// compareTrees returns "" when both trees have the same paths, contents and modes, or
// a short description of the first differences.
func compareTrees(want, got string) (string, error) {
	read := func(root string) (map[string]string, error) {
		m := map[string]string{}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			m[filepath.ToSlash(rel)] = info.Mode().Perm().String() + "\x00" + string(b)
			return nil
		})
		return m, err
	}
	w, err := read(want)
	if err != nil {
		return "", err
	}
	g, err := read(got)
	if errors.Is(err, fs.ErrNotExist) {
		return "no output", nil
	} else if err != nil {
		return "", err
	}
	var diffs []string
	for p, v := range w {
		if gv, ok := g[p]; !ok {
			diffs = append(diffs, "missing "+p)
		} else if gv != v {
			diffs = append(diffs, "differs "+p)
		}
	}
	for p := range g {
		if _, ok := w[p]; !ok {
			diffs = append(diffs, "extra "+p)
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("and %d more", len(diffs)-3))
	}
	return strings.Join(diffs, ", "), nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
func mib(b int64) string        { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// rss prints a peak RSS, with "<=" when it is only an upper bound.
func rss(s stats) string {
	if s.upper {
		return "<=" + mib(s.maxRSS)
	}
	return mib(s.maxRSS)
}

// report prints the table of pairs and the goals.
func report(results []pairResult) {
	fmt.Println("Pairs (A and B alternate; B/A = median B / median A, wall time and, less sensitive to load, CPU time)")
	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tA\twall\tcpu\tpeak RSS\tB\twall\tcpu\tpeak RSS\tB/A wall\tB/A cpu\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2fx\t%.2fx\t\n", r.group,
			r.a.label, ms(r.sa.wall), ms(r.sa.cpu), rss(r.sa),
			r.b.label, ms(r.sb.wall), ms(r.sb.cpu), rss(r.sb),
			float64(r.sb.wall)/float64(r.sa.wall), float64(r.sb.cpu)/float64(r.sa.cpu))
	}
	tw.Flush()
	fmt.Println("  peak RSS <=X: the child's ru_maxrss includes the driver's own peak (Linux carries it across vfork+exec), so it is at most X")
	for _, r := range results {
		if r.note != "" {
			fmt.Printf("  %s, %s: %s\n", r.group, r.b.label, r.note)
		}
	}

	fmt.Println()
	fmt.Println("Goals")
	tw = tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', 0)
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT MET"
	}
	peak := map[string]int64{}
	for _, r := range results {
		a, b := r.sa.wall, r.sb.wall
		switch {
		case strings.HasPrefix(r.b.label, "cp -r"):
			x := float64(a) / float64(b)
			fmt.Fprintf(tw, "%s\tstackpick new / cp -r of the same tree\t%.2fx\tgoal <= 1.5x\t%s\n", r.group, x, verdict(x <= 1.5))
		case strings.HasPrefix(r.b.label, "cookiecutter"), strings.HasPrefix(r.b.label, "copier"):
			x := float64(b) / float64(a)
			fmt.Fprintf(tw, "%s\t%s / stackpick new\t%.1fx\tgoal >= 25x\t%s\n", r.group, strings.Fields(r.b.label)[0], x, verdict(x >= 25))
		case strings.HasPrefix(r.b.label, "express-generator"):
			x := float64(b) / float64(a)
			fmt.Fprintf(tw, "%s\texpress-generator / stackpick new\t%.1fx\tgoal >= 15x\t%s\n", r.group, x, verdict(x >= 15))
		case strings.HasPrefix(r.b.label, "-compare"):
			x := float64(b) / float64(a)
			fmt.Fprintf(tw, "%s\t-compare build / stackpick, %s\t%.2fx\t\t\n", r.group, strings.TrimPrefix(r.b.label, "-compare build: "), x)
		case r.b.label == "Go hello world":
			x := float64(a) / float64(b)
			fmt.Fprintf(tw, "%s\tstackpick version / Go hello world\t%.2fx\t(start-up floor)\t\n", r.group, x)
		}
		peak[r.a.label] = max(peak[r.a.label], r.sa.maxRSS)
	}
	for _, label := range []string{"stackpick new --stack node", "stackpick new --stack python", "stackpick version"} {
		if p, ok := peak[label]; ok {
			fmt.Fprintf(tw, "\tpeak RSS, %s\t%s\tgoal < 20 MiB\t%s\n", label, mib(p), verdict(p < 20<<20))
		}
	}
	tw.Flush()
}
