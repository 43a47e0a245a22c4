# Quire's two commands: `make run` serves a demo blog on http://localhost:8080,
# `make test` runs every test against a throwaway PostgreSQL. Both install
# what is missing first (deploy/deps.sh).

export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
BIN     := bin/quire
DATADIR ?= ./data

.PHONY: run test build vet bench bench-large bench-all bench-go fmt clean deploy-check

run: build
	@deploy/deps.sh postgres
	QUIRE_DATA_DIR=$(DATADIR) $(BIN) demo
	QUIRE_DATA_DIR=$(DATADIR) $(BIN) serve

build:
	$(GO) build -o $(BIN) ./cmd/quire

# Every test: vet, then the whole suite with the race detector. The test
# harness starts its own PostgreSQL cluster under a temp dir; browser tests
# drive Debian's chromium.
test:
	@deploy/deps.sh postgres chromium
	@test -x bin/versitygw || GOBIN=$(CURDIR)/bin $(GO) install github.com/versity/versitygw/cmd/versitygw@v1.8.0 # S3 server for the media store's tests
	@$(MAKE) --no-print-directory deploy-check
	@test -x bin/mailpit || GOBIN=$(CURDIR)/bin $(GO) install github.com/axllent/mailpit@v1.33.1 # SMTP server for the newsletter's tests
	@test -f node_modules/axe-core/axe.min.js || npm install --no-save axe-core@4 # accessibility checks in the browser tests
	$(GO) mod tidy -diff # go.mod and go.sum say exactly what the code imports
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)
	$(GO) vet ./...
	$(GO) test -race -timeout 30m ./...
	$(GO) test -count=1 -run '^TestPageAllocationBudgets$$' ./internal/server/ # allocation counts: meaningful without -race only

# The Kubernetes manifests: each overlay built by kustomize and checked by
# kubeconform, strictly (unknown fields fail), against the schemas vendored
# in deploy/k8s/schemas (no network). Both tools come from the Go module proxy.
deploy-check:
	@test -x bin/kustomize || GOBIN=$(CURDIR)/bin $(GO) install sigs.k8s.io/kustomize/kustomize/v5@v5.7.1
	@test -x bin/kubeconform || GOBIN=$(CURDIR)/bin $(GO) install github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0
	@set -e; for o in deploy/k8s/overlays/*/; do \
		echo "kubeconform $$o"; \
		bin/kustomize build $$o > bin/manifests.yaml; \
		bin/kubeconform -strict -summary \
			-schema-location 'deploy/k8s/schemas/{{.ResourceKind}}{{.KindSuffix}}.json' bin/manifests.yaml; \
	done

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)

# The benchmark kit (docs/BENCHMARKS.md): a generated blog on a fresh
# embedded PostgreSQL (or an empty DATABASE_URL). `make bench`: each page
# side by side with its static baseline, p99/p50 at half of peak, comment
# submission vs pgbench, 1,000 pingbacks vs 1,000 comments, then the busy
# post again with the page cache off, three pairs and their median (~9 min).
# `make bench-large`: the busy and big posts uncached (no page cache, no
# comment-list cache: every view reads its page of the thread) on the small dataset,
# then on 10k posts / 1M comments (loading takes minutes). `make bench-go`
# runs the Go benchmarks of the hot paths. BENCH_FLAGS adds flags.
BENCH_FLAGS ?=
bench: build
	@deploy/deps.sh postgres pgbench
	$(BIN) bench --modes pages,steady,submit $(BENCH_FLAGS)
	$(BIN) bench --modes pingback $(BENCH_FLAGS) # its own server: the submit mode's 30,000 comments leave minutes of mail jobs
	$(BIN) bench --pages busy --runs 3 --server-env QUIRE_PAGE_CACHE_MB=0 $(BENCH_FLAGS) # the busy post with the page cache off: the median of 3 pairs

bench-large: build
	@deploy/deps.sh postgres
	$(BIN) bench --pages busy,big --conns 1,32 --server-env QUIRE_PAGE_CACHE_MB=0,QUIRE_COMMENT_CACHE_MB=0 $(BENCH_FLAGS)
	$(BIN) bench --large --pages busy,big --conns 1,32 --server-env QUIRE_PAGE_CACHE_MB=0,QUIRE_COMMENT_CACHE_MB=0 $(BENCH_FLAGS)

bench-all: bench bench-large

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/store/ ./internal/server/ ./internal/comment/ ./internal/moderation/ ./internal/commenting/ ./internal/jobs/ ./internal/linkbacks/ ./internal/pagecache/

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
