// Command stackpick recommends Node.js or Python for a planned web backend, explains
// why, and generates a production-grade starter project for the chosen stack.
//
// Usage:
//
//	stackpick new [DIR] [flags]     generate a project
//	stackpick recommend [flags]     recommend a stack and show why
//	stackpick verify [DIR]          install, lint, test, boot and probe a generated project
//	stackpick compare [flags]       the skeletons side by side, structure and speed
//	stackpick templates             list the templates
//	stackpick schema                print the answers file's JSON Schema
//	stackpick version               print the version
//
// Exit codes: 0 success, 1 failure, 2 usage or invalid answers, 3 target conflict,
// 4 verification failed, 130 interrupted.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], newSystemEnv()))
}
