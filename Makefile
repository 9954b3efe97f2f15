# wsasend: `make demo` and `make test` are the two commands; both install what is missing first.
SWIFT      ?= swift
PREFIX     ?= /usr/local
DEB_PKGS   := liburing-dev libreadline-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build release demo test lint format install bench clean completions docs

all: build

# Installs Debian's liburing-dev and libreadline-dev when their headers are missing.
deps:
	@missing=""; \
	[ -f /usr/include/liburing.h ] || missing="$$missing liburing-dev"; \
	[ -f /usr/include/readline/readline.h ] || missing="$$missing libreadline-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing (Debian packages, via apt-get)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	.build/release/wsasend demo

# The overlapped suites (and the send queue's concurrency tests), run again on the poll backend and under
# ThreadSanitizer.
OVERLAPPED_SUITES := WinsockTests\.(Overlapped|Event|CompletionRoutine|Cancellation|EngineBookkeeping|SpecExample|Concurrency|SocketCache)

lint:
	$(SWIFT) format lint --strict -r Sources Tests Examples Package.swift

format:
	$(SWIFT) format format -i -r Sources Tests Examples Package.swift

test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	WSASEND_BACKEND=poll $(SWIFT) test --skip-build --filter '$(OVERLAPPED_SUITES)'
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	SWIFT_BACKTRACE=enable=no $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
	  --filter '$(OVERLAPPED_SUITES)'

# The binary, the manual, and the completions where bash-completion, zsh and fish look for them.
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 .build/release/wsasend $(DESTDIR)$(PREFIX)/bin/wsasend
	install -m 0644 man/wsasend.1 $(DESTDIR)$(PREFIX)/share/man/man1/wsasend.1
	install -D -m 0644 completions/wsasend.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/wsasend
	install -D -m 0644 completions/_wsasend $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_wsasend
	install -D -m 0644 completions/wsasend.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/wsasend.fish

# The Winsock library's documentation (Sources/Winsock/Winsock.docc and the doc comments), as a static
# site in .build/docs.
docs:
	$(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation --target Winsock \
	  --output-path .build/docs --transform-for-static-hosting

# Regenerates the committed shell completions from the parser (a test checks that they match).
completions: build
	.build/debug/wsasend --generate-completion-script bash > completions/wsasend.bash
	.build/debug/wsasend --generate-completion-script zsh > completions/_wsasend
	.build/debug/wsasend --generate-completion-script fish > completions/wsasend.fish

clean:
	rm -rf .build .build-tsan
