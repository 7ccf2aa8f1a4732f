//go:build windows

package steps

import (
	"os/exec"
	"strconv"
	"syscall"
)

// ownGroup starts the child in a new process group.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// killGroup kills the child and its descendants (taskkill /T), falling back to the
// child alone.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	if err := exec.Command("taskkill", "/T", "/F", "/PID", strconv.Itoa(cmd.Process.Pid)).Run(); err != nil {
		return cmd.Process.Kill()
	}
	return nil
}

func terminate(*exec.Cmd) error { return ErrNoTerminate }

// maxRSS is not measured on Windows.
func maxRSS(*exec.Cmd) int64 { return 0 }
