//go:build unix

package pgserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const exeSuffix = ""

var lookPath = exec.LookPath

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0
}

// Server is a running (or killed) throwaway PostgreSQL server. Its methods are safe for
// concurrent use.
type Server struct {
	dir, binDir              string
	user, password, database string
	port                     int
	cred                     *syscall.Credential // nil: run as ourselves
	startTimeout             time.Duration

	mu      sync.Mutex
	proc    *os.Process
	exited  chan struct{} // closed when proc has exited
	stopped bool
}

// Start makes a cluster in a fresh temporary folder and starts it on a free port of
// 127.0.0.1. If ctx ends first, or anything fails, nothing is left running and the folder
// is removed. Callers must Stop the server.
func Start(ctx context.Context, opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	binDir := opts.BinDir
	if binDir == "" {
		if binDir, err = Find(); err != nil {
			return nil, err
		}
	} else if !hasServer(binDir) {
		return nil, fmt.Errorf("pgserver: %s does not hold initdb and postgres: %w", binDir, ErrNotFound)
	}
	cred, err := serverCredential(opts.OSUser)
	if err != nil {
		return nil, err
	}
	password := opts.Password
	if password == "" {
		password = randomPassword()
	}
	dir, err := os.MkdirTemp(opts.TempDir, "pgserver-")
	if err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	s := &Server{dir: dir, binDir: binDir, user: opts.User, password: password,
		database: opts.Database, cred: cred, startTimeout: opts.StartTimeout}
	started := false
	defer func() {
		if !started {
			s.stop(syscall.SIGQUIT)
			os.RemoveAll(dir)
		}
	}()
	if err := s.prepareDir(); err != nil {
		return nil, err
	}
	stageHook("initdb")
	if err := s.initdb(ctx); err != nil {
		return nil, err
	}
	stageHook("createdb")
	if err := s.createDatabase(ctx); err != nil {
		return nil, err
	}
	stageHook("launch")
	// A free port can be taken by someone else before the server binds it: try a few.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			return nil, err
		}
		err = s.launch(ctx)
		if err == nil {
			break
		}
		if !errors.Is(err, errPortTaken) || attempt == 4 {
			return nil, err
		}
	}
	started = true
	return s, nil
}

// Stop shuts the server down (fast: open connections are ended) and removes its folder.
// It may be called more than once and after Kill.
func (s *Server) Stop() error {
	err := s.stop(syscall.SIGINT)
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	if rmErr := os.RemoveAll(s.dir); rmErr != nil && err == nil {
		err = fmt.Errorf("pgserver: %w", rmErr)
	}
	return err
}

// Kill ends the server abruptly, as a crash would (PostgreSQL's immediate shutdown: no
// checkpoint, connections cut), keeping its data and port for Restart. For outage tests.
func (s *Server) Kill() error { return s.stop(syscall.SIGQUIT) }

// Restart starts the server again on the same port with the same data, first shutting it
// down (fast) if it is running. It fails if the port was taken in the meantime.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return errors.New("pgserver: Restart after Stop: the server's folder is gone")
	}
	if err := s.stop(syscall.SIGINT); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.startTimeout)
	defer cancel()
	return s.launch(ctx)
}

// stop signals the server (SIGINT: fast shutdown, SIGQUIT: immediate) and waits for it,
// escalating to SIGQUIT then SIGKILL if it lingers.
func (s *Server) stop(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return nil
	}
	pid := s.proc.Pid
	for _, step := range []struct {
		sig  syscall.Signal
		wait time.Duration
	}{{sig, 30 * time.Second}, {syscall.SIGQUIT, 10 * time.Second}, {syscall.SIGKILL, 10 * time.Second}} {
		if step.sig == syscall.SIGINT && sig != syscall.SIGINT {
			continue
		}
		_ = syscall.Kill(pid, step.sig)
		select {
		case <-s.exited:
			s.proc = nil
			// Backends are children of the postmaster, which waits for them; this only
			// covers a SIGKILLed postmaster leaving its children behind.
			killGroup(pid)
			return nil
		case <-time.After(step.wait):
		}
	}
	return fmt.Errorf("pgserver: server (pid %d) did not exit after SIGKILL", pid)
}

// prepareDir hands the folder to the server's account and checks that account can reach it.
func (s *Server) prepareDir() error {
	if s.cred == nil {
		return nil
	}
	if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	for p := filepath.Dir(s.dir); ; p = filepath.Dir(p) {
		if !canEnter(p, s.cred) {
			return fmt.Errorf("pgserver: the server runs as uid %d, which cannot enter %s: set Options.TempDir (or TMPDIR) to a folder every user can enter, such as /tmp", s.cred.Uid, p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

func (s *Server) initdb(ctx context.Context) error {
	pwfile := filepath.Join(s.dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(s.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	defer os.Remove(pwfile)
	if s.cred != nil {
		if err := os.Chown(pwfile, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return fmt.Errorf("pgserver: %w", err)
		}
	}
	// --no-sync: the cluster is thrown away, so a crash-safe start is not worth its time.
	_, err := s.run(ctx, nil, "initdb", "-D", s.dataDir(), "-U", s.user, "--pwfile", pwfile,
		"-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
	return err
}

// createDatabase runs CREATE DATABASE in single-user mode, so no client program is needed.
func (s *Server) createDatabase(ctx context.Context) error {
	if s.database == "postgres" {
		return nil
	}
	stmt := fmt.Sprintf("CREATE DATABASE %s OWNER %s;\n", s.database, s.user)
	out, err := s.run(ctx, strings.NewReader(stmt), "postgres", "--single", "-D", s.dataDir(),
		"-F", "-c", "exit_on_error=on", "postgres")
	if err == nil && bytes.Contains(out, []byte("ERROR:")) {
		err = fmt.Errorf("pgserver: creating database %s failed:\n%s", s.database, lastLines(string(out), 10))
	}
	return err
}

// run runs one of the server's programs to completion in its own process group, so that
// cancelling ctx kills it and anything it started (initdb starts postgres itself).
func (s *Server) run(ctx context.Context, stdin *strings.Reader, name string, args ...string) ([]byte, error) {
	cmd := s.command(name, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pgserver: %s: %w", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		killGroup(cmd.Process.Pid)
		if err != nil {
			return out.Bytes(), fmt.Errorf("pgserver: %s failed (%v):\n%s", name, err, lastLines(out.String(), 10))
		}
		return out.Bytes(), nil
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		killGroup(cmd.Process.Pid)
		return nil, fmt.Errorf("pgserver: %s: %w", name, ctx.Err())
	}
}

// stageHook lets tests cancel Start at a chosen stage.
var stageHook = func(stage string) {}

var errPortTaken = errors.New("port taken")

// launch starts the postmaster on s.port and waits until it accepts connections.
func (s *Server) launch(ctx context.Context) error {
	logFile, err := os.OpenFile(s.LogPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	defer logFile.Close()
	logStart, _ := logFile.Seek(0, 2)
	cmd := s.command("postgres", "-D", s.dataDir(), "-p", fmt.Sprint(s.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		// Throwaway data: flushing to disk only costs time. Commits still reach the
		// operating system before they are acknowledged (synchronous_commit stays on), so
		// Kill loses nothing a client was told was saved.
		"-c", "fsync=off", "-c", "full_page_writes=off",
		"-c", "shared_buffers=32MB")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgserver: postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.proc, s.exited = cmd.Process, exited
	s.mu.Unlock()

	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.ready(cmd.Process.Pid) {
			return nil
		}
		select {
		case <-exited:
			s.mu.Lock()
			s.proc = nil
			s.mu.Unlock()
			log := readFrom(s.LogPath(), logStart)
			if strings.Contains(log, "could not bind") || strings.Contains(log, "already in use") {
				return errPortTaken
			}
			return fmt.Errorf("pgserver: the server exited while starting (log %s):\n%s", s.LogPath(), lastLines(log, 10))
		case <-ctx.Done():
			_ = s.stop(syscall.SIGQUIT)
			return fmt.Errorf("pgserver: starting the server: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// ready reads postmaster.pid as pg_ctl does: the 8th line says "ready" once the server
// accepts connections. The 1st line must be our process: a server that was SIGKILLed
// leaves its file behind, still saying "ready".
func (s *Server) ready(pid int) bool {
	data, err := os.ReadFile(filepath.Join(s.dataDir(), "postmaster.pid"))
	if err != nil {
		return false
	}
	lines := strings.Split(string(data), "\n")
	return len(lines) > 7 && strings.TrimSpace(lines[0]) == strconv.Itoa(pid) &&
		strings.TrimSpace(lines[7]) == "ready"
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

// command prepares one of the server's programs: in the folder, as the server's account,
// in its own process group, with an English log (we read it) and no PG* settings of ours.
func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.binDir, name), args...)
	cmd.Dir = s.dir
	env := []string{"LC_ALL=C"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANG") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: s.cred}
	setParentDeathSignal(cmd.SysProcAttr)
	return cmd
}

// killGroup ends whatever is left in a process group and waits (briefly) until none of
// it runs.
func killGroup(pgid int) {
	deadline := time.Now().Add(2 * time.Second)
	for syscall.Kill(-pgid, syscall.SIGKILL) == nil && groupAlive(pgid) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomPassword() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func readFrom(path string, offset int64) string {
	data, err := os.ReadFile(path)
	if err != nil || offset > int64(len(data)) {
		return ""
	}
	return string(data[offset:])
}
