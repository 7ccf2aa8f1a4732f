package pgserver

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestServerDiesWithItsStarter kills (SIGKILL, no cleanup runs) a process that started a
// server, as a crashed or timed-out test run would be, and expects the server to go too.
func TestServerDiesWithItsStarter(t *testing.T) {
	if os.Getenv("PGSERVER_HELPER") == "1" {
		srv, err := Start(context.Background(), Options{})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println(srv.Port(), srv.Dir())
		time.Sleep(time.Minute) // killed by the parent before this ends
		os.Exit(1)
	}
	needServer(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerDiesWithItsStarter$")
	cmd.Env = append(os.Environ(), "PGSERVER_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var port int
	var dir string
	if _, err := fmt.Fscan(bufio.NewReader(out), &port, &dir); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the helper did not start a server: %v", err)
	}
	defer os.RemoveAll(dir) // the starter died, so nobody else removes it
	if !portOpen(port) {
		t.Fatalf("port %d not open while the starter runs", port)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for portOpen(port) {
		if time.Now().After(deadline) {
			t.Fatalf("the server on port %d outlived its starter by 10s", port)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The listening socket closes before the server's last processes have exited: give
	// them the rest of the same deadline.
	for pids := processesUsing(dir); len(pids) != 0; pids = processesUsing(dir) {
		if time.Now().After(deadline) {
			t.Fatalf("processes left in %s 10s after the starter died: %v", dir, pids)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
