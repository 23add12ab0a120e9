# tintot developer targets.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build test lint bench bench-e2e run demo ci

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/tintot ./cmd/tintot

test:
	$(GO) test ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

# Benchmarks (figures in README.md). The store and review benchmarks build a one-year,
# 3,300-unit database once and cache it in the temp directory (1-2 GB, a few minutes).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m ./feeds/ ./registry/ ./report/ ./alerts/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3s -cpu 1 ./classify/
	$(GO) test -run '^$$' -bench . -benchtime 50x -timeout 60m ./store/sqlite/ ./campaign/

run:
	$(GO) run ./cmd/tintot serve

demo:
	$(GO) run ./cmd/tintot serve --demo

ci:
	CI=true bash .ci/run

# End-to-end figures of the binary as users run it (see tools/benche2e): three poll
# cycles of a 2,000-feed corpus served in-process, each timed as its own process.
bench-e2e:
	$(GO) run ./tools/benche2e -feeds 2000
