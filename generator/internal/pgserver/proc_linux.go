package pgserver

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// setParentDeathSignal asks Linux to send SIGQUIT (PostgreSQL's immediate shutdown) to the
// server if the process that started it dies, so a crashed or timed-out test run does not
// leave servers behind. Go applies it after switching to the server's account, which
// would otherwise clear it.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGQUIT }

// groupAlive reports whether a process group has a member that is not a zombie. Killed
// grandchildren (initdb's postgres) are reaped by init, which may take its time; a zombie
// holds no files or ports, so it need not be waited for.
func groupAlive(pgid int) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so split after ')'.
		i := strings.LastIndexByte(string(data), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(data[i+1:]))
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" && fields[0] != "X" {
			return true
		}
	}
	return false
}
