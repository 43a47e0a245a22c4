# Quire's two commands: `make run` serves a demo blog on http://localhost:8080,
# `make test` runs every test against a throwaway PostgreSQL. Both install
# what is missing first (deploy/deps.sh).

export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
BIN     := bin/quire
DATADIR ?= ./data

.PHONY: run test build vet bench fmt clean

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
	@test -f node_modules/axe-core/axe.min.js || npm install --no-save axe-core@4 # accessibility checks in the browser tests
	$(GO) vet ./...
	$(GO) test -race -timeout 30m ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
