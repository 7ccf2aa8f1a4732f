//go:build !windows

package steps

import "syscall"

// syscallZero probes whether a process exists.
var syscallZero = syscall.Signal(0)
