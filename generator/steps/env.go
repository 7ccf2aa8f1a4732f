package steps

import "os"

// baseEnv is added to the user's environment for every step and server: CI=true turns
// off interactive prompts and progress bars (npm, pip), NO_COLOR=1 keeps escape codes
// out of the kept output, and pip does not ask the network whether it is current.
var baseEnv = []string{"CI=true", "NO_COLOR=1", "PIP_DISABLE_PIP_VERSION_CHECK=1"}

// Env is the environment every command the runner starts gets: the user's, then the
// runner's settings, then extra (later entries win).
func Env(extra ...string) []string {
	env := append(os.Environ(), baseEnv...)
	return append(env, extra...)
}
