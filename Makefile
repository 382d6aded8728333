# kubex — the two commands a fresh machine needs are `make demo` and `make test` (see README.md).

GO       ?= go
BIN      := bin/kubex
VERSION  ?= $(shell git describe --tags --match 'v*' --dirty 2>/dev/null || echo v0.1.0-dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
PKG      := github.com/kubex-cli/kubex/internal/version
LDFLAGS  := -s -w -X $(PKG).gitVersion=$(VERSION) -X $(PKG).gitCommit=$(COMMIT) \
            -X $(PKG).buildDate=$(shell date -u +%Y-%m-%dT%H:%M:%SZ)
CLUSTER_DIR ?= $(CURDIR)/.cache/cluster

.PHONY: build test unit e2e lint tools demo bench cluster-up cluster-down completions clean fuzz

## build: a static kubex binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/kubex

## test: formatting, vet, staticcheck, unit tests and the end-to-end tests against a real local cluster
test: lint tools
	$(GO) test -count=1 -timeout 25m ./...

## unit: only the tests that need no cluster
unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /test/e2e)

## e2e: only the tests against the real local cluster
e2e: tools
	$(GO) test -count=1 -timeout 25m ./test/e2e/...

## fuzz: each fuzz target for FUZZTIME (their seed corpora in testdata/fuzz also run under plain go test)
FUZZTIME ?= 30s
# Minimizing a new input runs the target up to 60 s by default, which starves the slow targets (cp's
# extraction makes a directory tree per run); a bounded number of runs keeps FUZZTIME mostly fuzzing.
FUZZMINIMIZETIME ?= 100x
FUZZ_TARGETS := \
	./internal/cmd/cp:FuzzExtract \
	./pkg/config:FuzzLoad \
	./internal/yamldoc:FuzzSplit \
	./internal/manifest:FuzzParse \
	./pkg/client/watch:FuzzDecoder \
	./pkg/client/resource:FuzzDecodeList \
	./pkg/client/resource:FuzzDecodeProtobufList \
	./pkg/printers:FuzzRowDecoder \
	./pkg/printers:FuzzJSONPath \
	./pkg/printers:FuzzCustomColumns \
	./pkg/client/stream:FuzzDemux
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $${t%%:*} $${t##*:} for $(FUZZTIME)"; \
	  $(GO) test $${t%%:*} -run '^$$' -fuzz "^$${t##*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME); \
	done

## lint: gofmt, go vet, then staticcheck (built once, only here, from the pinned module in hack/tools/staticcheck)
# Shell substitution rather than $(shell ...): make would drop a failed build's exit status.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^hack/tools/')); \
	  if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@sc=$$(bash hack/tools.sh staticcheck) && echo "staticcheck ./..." && $${sc#staticcheck=} ./...

## tools: build (once, cached in .cache/tools) etcd, kube-apiserver, kube-controller-manager,
## kube-scheduler, kubectl and kwok from pinned modules
tools:
	bash hack/tools.sh >/dev/null

## cluster-up / cluster-down: a local cluster for people; prints the export KUBECONFIG=... line
cluster-up: tools
	$(GO) run ./hack/cluster up --dir $(CLUSTER_DIR)

cluster-down:
	$(GO) run ./hack/cluster down --dir $(CLUSTER_DIR)

## demo: build kubex, start the local cluster and take a short tour
demo: build cluster-up
	KUBECONFIG=$(CLUSTER_DIR)/admin.kubeconfig bash hack/demo.sh $(BIN)

## bench: kubex side by side with the reference kubectl (and a bare client) on the same cluster;
## BENCH_FLAGS="-only 'get pods' -runs 9" narrows it; -only library runs the library table alone (kubex library against client-go)
BENCH_FLAGS ?=
bench: build tools
	$(GO) run ./hack/bench --kubex $(BIN) $(BENCH_FLAGS)

## completions: regenerate the shell completion scripts shipped in releases
completions:
	for sh in bash zsh fish powershell; do $(GO) run ./cmd/kubex completion $$sh > completions/kubex.$$sh; done

clean:
	rm -rf bin dist

# Releases: goreleaser is built once from the pinned module in hack/tools/goreleaser (big, so only here).
.PHONY: release-check release-snapshot release-verify goreleaser
GORELEASER = $(shell bash hack/tools.sh goreleaser | sed 's/^goreleaser=//')

goreleaser:
	bash hack/tools.sh goreleaser >/dev/null

## release-check: validate goreleaser.yaml
release-check: goreleaser
	$(GORELEASER) check

## release-snapshot: every release archive in dist/ from the working tree (nothing published), then verified
# goreleaser drops all git state (commit, tree state) when the clone has no remote, so one is lent for the run.
release-snapshot: goreleaser
	$(if $(shell git remote 2>/dev/null),,GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
	  GIT_CONFIG_VALUE_0=https://github.com/kubex-cli/kubex.git) $(GORELEASER) release --snapshot --clean --skip=publish
	$(MAKE) release-verify

## release-verify: each archive in dist/ holds the binary, README.md, LICENSE and completions/, checksums.txt
## lists it, and the linux/amd64 binary prints the stamped version
release-verify:
	$(GO) run ./hack/release -dist dist
