# Two commands from a fresh clone (see README.md):
#   make demo   install what is needed, build, and run the bundled demo
#   make test   install what the tests need and run every test
GO ?= go
BIN := bin/guazheng

.PHONY: demo test build deps test-deps bench

build:
	$(GO) build -o $(BIN) ./cmd/guazheng

demo: build
	./$(BIN) demo

# The web UI's end-to-end tests drive Debian's headless Chromium.
test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); }

test: test-deps
	$(GO) vet ./...
	$(GO) test -race -timeout 20m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
