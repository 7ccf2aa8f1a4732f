package main

// Time to first request: from `stackpick new` to the first 200 from the new project's
// /readyz, install included, the way a user goes (the README's next steps), against
// express-generator followed by `npm install` and its server's first 200.

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/templates"
)

// firstRequestGoal is the longest a user should wait, per stack.
const firstRequestGoal = 5 * time.Second

// readyTimeout bounds one server's wait for its first 200.
const readyTimeout = 60 * time.Second

// firstRequest is one way from nothing to a served request, each phase a command.
type firstRequest struct {
	group, label string
	// generate makes the project at runDir/projectName.
	generate func(runDir string) []string
	install  [][]string // run in the project, in order
	start    []string   // run in the project; serves on $HOST:$PORT
	path     string     // polled until it answers 200
	note     string     // how the install was chosen
}

// firstSample is one measured run: the times at which each phase ended.
type firstSample struct{ generated, installed, ready time.Duration }

// firstRequests builds the cases: each public stack's template, its install and start
// commands taken from the manifest (so a changed template is measured as it is), and the
// express-generator peer when it is installed.
func firstRequests(c config, tools *installed) ([]firstRequest, error) {
	cat, err := catalog.Load(templates.FS())
	if err != nil {
		return nil, err
	}
	var out []firstRequest
	for _, s := range stacks {
		t := cat.ByID(s.template)
		if t == nil {
			return nil, fmt.Errorf("no template %s", s.template)
		}
		if err := checkRuntime(t.Runtime); err != nil {
			fmt.Printf("time to first request, %s: skipped: %v\n", s.stack, err)
			continue
		}
		// The commands use only the project's names; the features do not change them.
		data := t.Data(projectName, answers.PackageName(projectName), "", nil, "")
		install, note := t.Steps.Install, "install: "+joinArgvs(t.Steps.Install)
		names := make([]string, 0, len(t.Steps.InstallWith))
		for tool := range t.Steps.InstallWith {
			names = append(names, tool)
		}
		sort.Strings(names)
		for _, tool := range names {
			if _, err := exec.LookPath(tool); err == nil {
				install = t.Steps.InstallWith[tool]
				note = "install_with." + tool + ": " + joinArgvs(install) + " (" + tool + " is on PATH)"
				break
			}
			note += " (" + tool + " is not on PATH)"
		}
		var rendered [][]string
		for _, argv := range install {
			argv, err := catalog.Command(argv, data)
			if err != nil {
				return nil, err
			}
			rendered = append(rendered, argv)
		}
		start, err := catalog.Command(t.Steps.Start, data)
		if err != nil {
			return nil, err
		}
		stack := s.stack
		out = append(out, firstRequest{
			group: stack,
			label: "stackpick new --stack " + stack + ", install, start",
			generate: func(d string) []string {
				return []string{c.stackpick, "new", filepath.Join(d, projectName), "--yes", "--stack", stack}
			},
			install: rendered,
			start:   start,
			path:    "/readyz",
			note:    note + "; start: " + strings.Join(start, " "),
		})
	}
	if tools != nil {
		out = append(out, firstRequest{
			group: "node",
			label: "express-generator " + expressGeneratorVersion + ", npm install, start",
			generate: func(d string) []string {
				return []string{tools.express, "--no-view", filepath.Join(d, projectName)}
			},
			install: [][]string{{"npm", "install", "--no-audit", "--no-fund"}},
			// What its `npm start` runs, without npm in between (as stackpick's start).
			start: []string{"node", "./bin/www"},
			// Its skeleton has no probes; / is its static index page.
			path: "/",
			note: "the nearest peer: its own skeleton (Express 4, no lockfile), GET / instead of /readyz",
		})
	}
	return out, nil
}

// measureFirstRequests runs every case once untimed (which also warms the package
// caches), then runs times each, alternating between the cases, and prints the medians.
func measureFirstRequests(work string, env []string, cases []firstRequest, runs int) error {
	if len(cases) == 0 {
		return nil
	}
	fmt.Println()
	fmt.Printf("Time to first request: a fresh folder to the first 200, new + install + start, warm package caches; %d runs each after one warm-up, alternating; medians\n", runs)
	samples := make([][]firstSample, len(cases))
	for _, c := range cases {
		fmt.Fprintf(os.Stderr, "time to first request, warm-up: %s\n", c.label)
		if _, err := measureFirstRequest(work, env, c); err != nil {
			return err
		}
	}
	for r := range runs {
		for i, c := range cases {
			fmt.Fprintf(os.Stderr, "time to first request, run %d/%d: %s\n", r+1, runs, c.label)
			s, err := measureFirstRequest(work, env, c)
			if err != nil {
				return err
			}
			samples[i] = append(samples[i], s)
		}
	}

	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\t\tnew\tinstall\tstart to 200\ttotal\tmin-max total\tgoal\t\t")
	totals := map[string]time.Duration{}
	for i, c := range cases {
		var gen, inst, boot, total []time.Duration
		for _, s := range samples[i] {
			gen = append(gen, s.generated)
			inst = append(inst, s.installed-s.generated)
			boot = append(boot, s.ready-s.installed)
			total = append(total, s.ready)
		}
		med := median(total)
		goal, verdict := "", ""
		if strings.HasPrefix(c.label, "stackpick") {
			goal = "<= " + secs(firstRequestGoal)
			verdict = "met"
			if med > firstRequestGoal {
				verdict = "NOT MET"
			}
			totals[c.group] = med
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s-%s\t%s\t%s\t\n", c.group, c.label,
			secs(median(gen)), secs(median(inst)), secs(median(boot)), secs(med),
			secs(slices.Min(total)), secs(slices.Max(total)), goal, verdict)
	}
	tw.Flush()
	for i, c := range cases {
		fmt.Printf("  %s, %s: %s\n", c.group, c.label, c.note)
		if !strings.HasPrefix(c.label, "stackpick") {
			if own, ok := totals[c.group]; ok {
				peer := median(totalsOf(samples[i]))
				fmt.Printf("  %s: %s / stackpick = %.2fx\n", c.group, strings.Fields(c.label)[0], float64(peer)/float64(own))
			}
		}
	}
	return nil
}

func totalsOf(ss []firstSample) []time.Duration {
	var out []time.Duration
	for _, s := range ss {
		out = append(out, s.ready)
	}
	return out
}

// measureFirstRequest times one case in a fresh run folder: generate, install, start
// on a free loopback port, poll until 200. The folder is removed afterwards, untimed.
func measureFirstRequest(work string, env []string, c firstRequest) (firstSample, error) {
	runCounter++
	runDir := filepath.Join(work, fmt.Sprintf("run-%05d", runCounter))
	if err := os.Mkdir(runDir, 0o755); err != nil {
		return firstSample{}, err
	}
	defer os.RemoveAll(runDir)
	port, err := freePort()
	if err != nil {
		return firstSample{}, err
	}
	project := filepath.Join(runDir, projectName)
	var s firstSample
	began := time.Now()
	if err := runQuiet(env, runDir, c.generate(runDir)); err != nil {
		return s, err
	}
	s.generated = time.Since(began)
	for _, argv := range c.install {
		if err := runQuiet(env, project, argv); err != nil {
			return s, err
		}
	}
	s.installed = time.Since(began)

	cmd := inDir(project, c.start)
	// A new project's SQLite file does not exist yet: the app makes and migrates it at
	// start, as `npm run migrate` or `alembic upgrade head` would beforehand (the timed
	// path includes it). express-generator's skeleton ignores the variable.
	cmd.Env = append(slices.Clone(env), "HOST=127.0.0.1", "PORT="+strconv.Itoa(port), "MIGRATE_ON_START=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return s, fmt.Errorf("%s: %w", strings.Join(c.start, " "), err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", port, c.path)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.ready = time.Since(began)
				return s, nil
			}
		}
		select {
		case <-exited:
			return s, fmt.Errorf("%s exited before answering 200 on %s:\n%s", strings.Join(c.start, " "), c.path, out.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(began) > readyTimeout+s.installed {
			return s, fmt.Errorf("%s: no 200 from %s within %s", strings.Join(c.start, " "), url, readyTimeout)
		}
	}
}

// runQuiet runs argv in dir to its end; its output is shown only when it fails.
func runQuiet(env []string, dir string, argv []string) error {
	cmd := inDir(dir, argv)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s (in %s): %v\n%s", strings.Join(argv, " "), dir, err, out)
	}
	return nil
}

// inDir builds argv to run in dir; a relative program path (.venv/bin/python) is taken
// from dir, as the manifest means it.
func inDir(dir string, argv []string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	if strings.Contains(argv[0], "/") && !filepath.IsAbs(argv[0]) {
		cmd.Path = filepath.Join(dir, argv[0])
		cmd.Err = nil
	}
	cmd.Dir = dir
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkRuntime runs the manifest's runtime command and compares its version with the
// minimum, so an old interpreter is named instead of failing somewhere in the install.
func checkRuntime(r catalog.Runtime) error {
	if len(r.Command) == 0 {
		return nil
	}
	out, err := exec.Command(r.Command[0], r.Command[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s needs %s %s or newer: %s: %v", r.Name, r.Name, r.Minimum, strings.Join(r.Command, " "), err)
	}
	found := strings.TrimSpace(string(out))
	if r.Minimum != "" && versionLess(found, r.Minimum) {
		return fmt.Errorf("needs %s %s or newer, %s found (%s): put a newer one first on PATH", r.Name, r.Minimum, found, strings.Join(r.Command, " "))
	}
	return nil
}

// versionLess compares the first dotted number in each text ("v20.19.0", "Python
// 3.11.7") part by part; a text with no number sorts first.
func versionLess(a, b string) bool {
	pa, pb := versionParts(a), versionParts(b)
	for i := range max(len(pa), len(pb)) {
		x, y := 0, 0
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func versionParts(s string) []int {
	start := strings.IndexAny(s, "0123456789")
	if start < 0 {
		return nil
	}
	end := start
	for end < len(s) && (s[end] == '.' || s[end] >= '0' && s[end] <= '9') {
		end++
	}
	var parts []int
	for _, f := range strings.Split(strings.Trim(s[start:end], "."), ".") {
		n, err := strconv.Atoi(f)
		if err != nil {
			break
		}
		parts = append(parts, n)
	}
	return parts
}

func joinArgvs(argvs [][]string) string {
	var parts []string
	for _, argv := range argvs {
		parts = append(parts, strings.Join(argv, " "))
	}
	return strings.Join(parts, " && ")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
