# stackpick: every target CI needs. `make test` is what CI runs.
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 20s

.PHONY: build test test-short lint golden bench fuzz clean

build:
	$(GO) build -o bin/stackpick ./cmd/stackpick

# Everything CI runs: lint, the unit, script and golden tests, and the end-to-end tests
# that install each generated project from the registries and run its own lint and tests.
test: lint
	$(GO) test -count=1 -timeout 40m ./...

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
	$(GO) test ./cmd/stackpick -run TestGolden -count=1 -update

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

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
