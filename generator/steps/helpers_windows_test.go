//go:build windows

package steps

import "os"

var syscallZero = os.Kill // never sent: the tests that use it skip on Windows
