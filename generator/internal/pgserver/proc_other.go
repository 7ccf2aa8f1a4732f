//go:build unix && !linux

package pgserver

import "syscall"

// setParentDeathSignal: only Linux can tie a child's life to its parent's.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// groupAlive reports whether a process group has a member (zombies included).
func groupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }
