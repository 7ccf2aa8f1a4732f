//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"
)

// Keys as a terminal sends them.
const (
	keyDown  = "\x1b[B"
	keyEnter = "\r"
	keyCtrlC = "\x03"
	keyCtrlD = "\x04"
	keySpace = " "
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// stackpickBinary builds the real binary once for the pseudo-terminal tests.
func stackpickBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stackpick-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "stackpick")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New(string(out))
		}
	})
	if binErr != nil {
		t.Fatalf("build: %v", binErr)
	}
	return binPath
}

// session is the binary running on a pseudo-terminal, behind a VT100 emulator that
// answers the cursor queries survey sends, as survey's own tests do.
type session struct {
	t    *testing.T
	c    *expect.Console
	cmd  *exec.Cmd
	raw  *bytes.Buffer
	done chan error
}

func startSession(t *testing.T, dir string, args ...string) *session {
	t.Helper()
	return startSessionEnv(t, dir, cleanEnv("NO_COLOR=1", "TERM=xterm"), args...)
}

func startSessionEnv(t *testing.T, dir string, env []string, args ...string) *session {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	term := vt10x.New(vt10x.WithWriter(tty), vt10x.WithSize(80, 40))
	raw := &bytes.Buffer{}
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term, raw), expect.WithCloser(ptm, tty),
		expect.WithDefaultTimeout(20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(stackpickBinary(t), args...)
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Tty(), c.Tty(), c.Tty()
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, c: c, cmd: cmd, raw: raw, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		c.Close()
	})
	return s
}

// cleanEnv is the test's environment without STACKPICK_ variables, plus extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STACKPICK_") && !strings.HasPrefix(kv, "NO_COLOR=") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func (s *session) expect(text string) {
	s.t.Helper()
	if _, err := s.c.ExpectString(text); err != nil {
		s.t.Fatalf("waiting for %q: %v\nscreen so far:\n%s", text, err, stripANSI(s.raw.String()))
	}
}

// send types keys once the prompt reads them: survey switches the terminal to raw
// mode after drawing a question, and keys typed before that would go through the
// line discipline instead (Ctrl-C would become a signal).
func (s *session) send(keys ...string) {
	s.t.Helper()
	s.waitRaw()
	for _, k := range keys {
		if _, err := s.c.Send(k); err != nil {
			s.t.Fatal(err)
		}
	}
}

// waitRaw waits until the program has put the terminal in raw (non-canonical) mode.
func (s *session) waitRaw() {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		tio, err := unix.IoctlGetTermios(int(s.c.Tty().Fd()), unix.TCGETS)
		if err != nil {
			s.t.Fatal(err)
		}
		if tio.Lflag&unix.ICANON == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.t.Fatalf("the terminal never went into raw mode; screen:\n%s", stripANSI(s.raw.String()))
}

// wait returns the exit code once the process ends.
func (s *session) wait() int {
	s.t.Helper()
	select {
	case err := <-s.done:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		if err != nil {
			s.t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		s.t.Fatalf("the process did not exit; screen:\n%s", stripANSI(s.raw.String()))
		return -1
	}
}

var ansiRE = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// answerDecisions answers the six decision questions: workload moves down `down`
// rows from api; every other question takes its default.
func (s *session) answerDecisions(down int) {
	s.expect("What will this backend mostly do?")
	for i := 0; i < down; i++ {
		s.send(keyDown)
	}
	s.send(keyEnter)
	for _, q := range []string{"Which language does the team know best?", "Is the front end written in JavaScript/TypeScript", "What matters most?", "How must it grow?", "Which industry?"} {
		s.expect(q)
		s.send(keyEnter)
	}
}

func TestInteractiveNodeHappyPath(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "new", "chat")
	s.answerDecisions(1) // realtime
	s.expect("Recommended stack: node")
	s.expect("Architecture")
	s.expect("workload=realtime")
	s.expect("Which stack do you want?")
	s.send(keyEnter) // the recommendation
	s.expect("Project name?")
	s.send(keyEnter) // default: the folder name
	s.expect("Description?")
	s.send("Live chat", keyEnter)
	s.expect("Which database?")
	s.expect("more than one app process") // each value's help line
	s.send(keyDown, keyEnter)             // postgres
	s.expect("Which features?")
	s.send(keyEnter) // realtime default: docker, ci, websocket
	s.expect("Plan: ")
	s.expect("into chat (template node-express)")
	s.expect("Write ")
	s.send("y", keyEnter)
	s.expect("Created chat from node-express")
	s.expect("npm ci")
	s.expect("chat/.stackpick.yml")
	s.expect("The same project without prompts:")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	record, err := os.ReadFile(filepath.Join(dir, "chat", ".stackpick.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"stack: node", "workload: realtime", "name: chat", "description: Live chat", "database: postgres", "features: [docker, ci, websocket]"} {
		if !strings.Contains(string(record), want+"\n") {
			t.Errorf(".stackpick.yml lacks %q:\n%s", want, record)
		}
	}
}

// TestInteractiveOverrideAndReplay takes Python against a Node recommendation, fixes
// an invalid name when re-prompted, then runs the printed equivalent command without
// a terminal and compares the two projects byte for byte.
func TestInteractiveOverrideAndReplay(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "new", "svc")
	s.answerDecisions(1) // realtime: node is recommended
	s.expect("Recommended stack: node")
	s.expect("Which stack do you want?")
	s.send(keyDown, keyEnter) // python
	s.expect("Project name?")
	s.send("Bad Name", keyEnter)
	s.expect("try \"bad-name\"")
	s.send("orders-api", keyEnter)
	s.expect("Description?")
	s.send(keyEnter)
	s.expect("Which database?")
	s.send(keyEnter)
	s.expect("Which features?")
	s.send(keySpace, keyEnter) // untick docker
	s.expect("Write ")
	s.send(keyEnter) // the default is yes
	s.expect("Created svc from python-fastapi")
	s.expect("--no-prompt")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	screen := stripANSI(s.raw.String())
	i := strings.Index(screen, "stackpick new svc")
	if i < 0 {
		t.Fatalf("no equivalent command on screen:\n%s", screen)
	}
	command := screen[i : strings.Index(screen[i:], "--no-prompt")+i+len("--no-prompt")]
	command = strings.ReplaceAll(command, "\r", "")
	command = strings.Replace(command, "stackpick new svc", stackpickBinary(t)+" new replay", 1)
	if !strings.Contains(command, "--stack python") || !strings.Contains(command, "features=ci,websocket") {
		t.Fatalf("equivalent command: %s", command)
	}
	sh := exec.Command("sh", "-c", command)
	sh.Dir = dir
	sh.Env = cleanEnv()
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	compareTrees(t, filepath.Join(dir, "svc"), filepath.Join(dir, "replay"))
}

func TestInteractiveCtrlCAtConfirmationWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "new", "demo", "--stack", "node")
	s.expect("Project name?")
	s.send(keyEnter)
	s.expect("Description?")
	s.send(keyEnter)
	s.expect("Which database?")
	s.send(keyEnter)
	s.expect("Which features?")
	s.send(keyEnter)
	s.expect("Write ")
	s.send(keyCtrlC)
	s.expect("interrupted; nothing was written")
	if code := s.wait(); code != 130 {
		t.Fatalf("exit %d, want 130", code)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// TestInteractiveEOF: Ctrl-D (end of input) at the confirmation or at a text prompt
// stops like Ctrl-C: exit 130 and nothing written, never the default taken.
func TestInteractiveEOF(t *testing.T) {
	for _, at := range []string{"Write ", "Description?"} {
		t.Run(strings.TrimSpace(at), func(t *testing.T) {
			dir := t.TempDir()
			s := startSession(t, dir, "new", "demo", "--stack", "node")
			for _, q := range []string{"Project name?", "Description?", "Which database?", "Which features?"} {
				s.expect(q)
				if q == at {
					break
				}
				s.send(keyEnter)
			}
			if at == "Write " {
				s.expect(at)
			}
			s.send(keyCtrlD)
			s.expect("interrupted; nothing was written")
			if code := s.wait(); code != 130 {
				t.Fatalf("exit %d, want 130", code)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("left behind: %v", entries)
			}
		})
	}
}

// TestInteractiveNameSuggestionPrefilled: an invalid name is explained and asked
// again with the suggestion as the default, so Enter takes it.
func TestInteractiveNameSuggestionPrefilled(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "new", "--stack", "node")
	s.expect("Project name?")
	s.send("Bad Name", keyEnter)
	s.expect(`try "bad-name"`)
	s.expect("(bad-name)")
	s.send(keyEnter)
	s.expect("Description?")
	s.send(keyEnter)
	s.expect("Which database?")
	s.send(keyEnter)
	s.expect("Which features?")
	s.send(keyEnter)
	s.expect("into bad-name (template node-express)")
	s.expect("Write ")
	s.send(keyEnter)
	s.expect("Created bad-name")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestInteractiveTargetCheckedFirst: a folder with files is refused before the first
// question, not after all of them.
func TestInteractiveTargetCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "orders"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "orders", "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startSession(t, dir, "new", "orders")
	s.expect("target orders is not empty")
	if code := s.wait(); code != 3 {
		t.Fatalf("exit %d, want 3", code)
	}
	if strings.Contains(s.raw.String(), "What will this backend mostly do?") {
		t.Fatal("a question was asked before the target was checked")
	}
}

// TestInteractiveLateFailureKeepsTheAnswers: a run that fails after the questions
// (here: the name's folder has files) prints the answers as a command, so nothing
// typed is lost.
func TestInteractiveLateFailureKeepsTheAnswers(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "taken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "taken", "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startSession(t, dir, "new")
	s.answerDecisions(1) // realtime
	s.expect("Which stack do you want?")
	s.send(keyEnter)
	s.expect("Project name?")
	s.send("taken", keyEnter)
	s.expect("Your answers, as a command")
	s.expect("--set workload=realtime")
	s.expect("target taken is not empty")
	if code := s.wait(); code != 3 {
		t.Fatalf("exit %d, want 3", code)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "taken", "notes.txt")); string(b) != "mine" {
		t.Fatal("the folder changed")
	}
}

func TestInteractiveCtrlCAtFirstQuestion(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "recommend")
	s.expect("What will this backend mostly do?")
	s.expect("JSON/REST API")
	s.send(keyCtrlC)
	if code := s.wait(); code != 130 {
		t.Fatalf("exit %d, want 130", code)
	}
}

func TestNoPromptOnATerminal(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "new", "demo", "--no-prompt")
	s.expect("missing answers: workload")
	if code := s.wait(); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	// --yes on a terminal asks nothing either.
	s = startSession(t, dir, "new", "demo", "--yes", "--stack", "python")
	s.expect("Created demo from python-fastapi")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

var sgrRE = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestColourOnlyWithoutNoColor: prompts are coloured on a terminal, and not at all when
// NO_COLOR is set.
func TestColourOnlyWithoutNoColor(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		env := cleanEnv("TERM=xterm")
		if noColor {
			env = append(env, "NO_COLOR=1")
		}
		s := startSessionEnv(t, t.TempDir(), env, "recommend")
		s.expect("What will this backend mostly do?")
		s.expect("JSON/REST API")
		s.send(keyCtrlC)
		s.wait()
		coloured := sgrRE.MatchString(s.raw.String())
		if coloured == noColor {
			t.Errorf("NO_COLOR set: %v, colour escapes in the output: %v", noColor, coloured)
		}
	}
}

func TestInteractivePythonHappyPath(t *testing.T) {
	dir := t.TempDir()
	s := startSession(t, dir, "new", "lab")
	s.answerDecisions(4) // ml: python is recommended
	s.expect("Recommended stack: python")
	s.expect("workload=ml")
	s.expect("Which stack do you want?")
	s.send(keyEnter)
	s.expect("Project name?")
	s.send(keyEnter)
	s.expect("Description?")
	s.send(keyEnter)
	s.expect("Which database?")
	s.send(keyEnter)
	s.expect("Which features?")
	s.send(keyEnter)
	s.expect("Write ")
	s.send(keyEnter)
	s.expect("Created lab from python-fastapi")
	s.expect(".venv/bin/python -m lab")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "lab", "src", "lab", "__main__.py")); err != nil {
		t.Fatal(err)
	}
}

func TestNoPromptFromTheEnvironment(t *testing.T) {
	s := startSessionEnv(t, t.TempDir(), cleanEnv("NO_COLOR=1", "TERM=xterm", "STACKPICK_NO_PROMPT=1"), "recommend")
	s.expect("missing answers: workload")
	if code := s.wait(); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}

// TestSpinnerOnATerminal: a long post-step shows a spinner with the elapsed time on a
// terminal, then its result line.
func TestSpinnerOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs npm ci; run without -short")
	}
	s := startSession(t, t.TempDir(), "new", "spin", "--yes", "--stack", "node", "--install")
	s.expect("install (")
	s.expect("s)")
	s.expect(fmt.Sprintf("%-*s ok", stepNameWidth, "install"))
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
