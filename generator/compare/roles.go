package compare

import (
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/stackpick/stackpick/generator/answers"
)

// The roles, in the order reports list them. A file's role comes from its path and
// name alone (classify), so that two stacks' files pair up without a hand-made list.
const (
	roleEntry      = "entry point"
	roleApp        = "app factory"
	roleServer     = "HTTP server and shutdown"
	roleSettings   = "settings"
	roleStorage    = "storage"
	roleMigrations = "migrations"
	roleValidation = "validation"
	roleProblems   = "errors (problem details)"
	roleLogging    = "logging"
	roleMiddleware = "middleware"
	roleRoutes     = "routes"
	roleWebSocket  = "WebSocket"
	rolePackage    = "package marker"
	roleTestHelp   = "test helpers"
	roleManifest   = "package manifest"
	roleLock       = "lockfile"
	roleLint       = "lint config"
	roleDocker     = "Dockerfile"
	roleDockerIgn  = "Docker ignore list"
	roleCI         = "CI workflow"
	roleGitIgnore  = "git ignore list"
	roleReadme     = "README"
	roleRecord     = "stackpick record"
	testsPrefix    = "tests: "
)

// roleOrder is the order of the roles in reports; test roles come after the source
// roles they test, other roles (unknown file names) last.
var roleOrder = []string{
	roleEntry, roleApp, roleServer, roleSettings, roleStorage, roleMigrations, roleValidation, roleProblems,
	roleLogging, roleMiddleware, roleRoutes, roleWebSocket, rolePackage,
	roleTestHelp, testsPrefix,
	roleManifest, roleLock, roleLint, roleDocker, roleDockerIgn, roleCI, roleGitIgnore, roleReadme, roleRecord,
}

// sourceStems maps a source file's name without extension to its role. Folder names
// (src/middleware/, src/routes/) also count, see classify.
var sourceStems = map[string]string{
	"app": roleApp, "application": roleApp, "main": roleApp,
	"server": roleServer, "http-server": roleServer, "shutdown": roleServer, "lifecycle": roleServer,
	"settings": roleSettings, "config": roleSettings,
	"store": roleStorage, "storage": roleStorage, "db": roleStorage, "repository": roleStorage,
	"sql_storage": roleStorage, "database": roleStorage,
	"migrations": roleMigrations, "migrate": roleMigrations,
	"validation": roleValidation, "models": roleValidation, "schemas": roleValidation,
	"problems": roleProblems, "errors": roleProblems, "exceptions": roleProblems,
	"logger": roleLogging, "logs": roleLogging, "logging": roleLogging,
	"middleware": roleMiddleware, "body": roleMiddleware, "security": roleMiddleware, "request-log": roleMiddleware,
	"routes": roleRoutes, "router": roleRoutes, "views": roleRoutes,
	"websocket": roleWebSocket, "ws": roleWebSocket,
	"__init__": rolePackage,
}

var sourceExts = map[string]bool{".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".py": true}

var (
	lockNames     = map[string]bool{"package-lock.json": true, "uv.lock": true, "poetry.lock": true, "yarn.lock": true, "pnpm-lock.yaml": true, "requirements.lock": true, "Pipfile.lock": true}
	manifestNames = map[string]bool{"package.json": true, "pyproject.toml": true, "requirements.txt": true, "setup.py": true, "setup.cfg": true}
	lintNames     = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(biome\.jsonc?|\.eslintrc.*|eslint\.config\..*|\.prettierrc.*|ruff\.toml|\.ruff\.toml|\.flake8|\.pylintrc)$`)
	})
	testFile    = regexp.MustCompile(`^(?:test_(.+)|(.+)_test|(.+)\.(?:test|spec))$`)
	testHelpers = map[string]bool{"helpers": true, "conftest": true, "setup": true, "fixtures": true}
)

// classify gives a file's role. entry is the file the template's start step runs.
func classify(p, entry string) string {
	base := path.Base(p)
	dir := path.Dir(p)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	switch {
	case p == entry:
		return roleEntry
	case strings.HasPrefix(p, ".github/workflows/"):
		return roleCI
	case base == "Dockerfile" || strings.HasPrefix(base, "Dockerfile."):
		return roleDocker
	case base == ".dockerignore":
		return roleDockerIgn
	case base == ".gitignore":
		return roleGitIgnore
	case p == answers.RecordName:
		return roleRecord
	case strings.HasPrefix(strings.ToUpper(base), "README"):
		return roleReadme
	case lockNames[base]:
		return roleLock
	case manifestNames[base]:
		return roleManifest
	case lintNames().MatchString(base):
		return roleLint
	}
	if !sourceExts[ext] {
		// A migration tool's configuration and templates (alembic.ini, script.py.mako).
		if base == "alembic.ini" || inFolder(dir, "migrations") {
			return roleMigrations
		}
		return "other: " + base
	}
	if isTest(p) {
		m := testFile.FindStringSubmatch(stem)
		if m == nil {
			if testHelpers[stem] {
				return roleTestHelp
			}
			return testsPrefix + stem
		}
		area := m[1] + m[2] + m[3]
		if r := sourceStems[area]; r != "" {
			return testsPrefix + r
		}
		return testsPrefix + area
	}
	if r := sourceStems[stem]; r != "" && !(r == rolePackage && dir == ".") {
		return r
	}
	// A folder of middleware, routes, migrations or stores (src/db/) gives its files its
	// role; the innermost such folder wins (src/pkg/migrations/versions/0001_items.py).
	segs := strings.Split(dir, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		switch r := sourceStems[segs[i]]; r {
		case roleMiddleware, roleRoutes, roleMigrations, roleStorage:
			return r
		}
	}
	return "other: " + stem
}

// inFolder says whether dir is the folder name or lies under one of that name.
func inFolder(dir, name string) bool {
	for _, seg := range strings.Split(dir, "/") {
		if seg == name {
			return true
		}
	}
	return false
}

// isTest says whether a path is a test or test helper: in a test folder, or named so.
func isTest(p string) bool {
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == "test" || seg == "tests" || seg == "__tests__" || seg == "spec" {
			return true
		}
	}
	stem := strings.TrimSuffix(path.Base(p), path.Ext(p))
	return testFile.MatchString(stem)
}

// roleRank orders roles for reports.
func roleRank(role string) int {
	for i, r := range roleOrder {
		if role == r || r == testsPrefix && strings.HasPrefix(role, testsPrefix) {
			return i
		}
	}
	return len(roleOrder)
}
