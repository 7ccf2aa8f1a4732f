package generator

import "github.com/stackpick/stackpick/generator/internal/fsw"

// writer is every change Apply makes to the file system (see fsw.Writer); tests stand in
// for it to fail or stop at any step.
type writer = fsw.Writer

// osWriter is the real file system.
type osWriter = fsw.OS
