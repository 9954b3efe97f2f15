# wsasend: `make demo` and `make test` are the two commands; both install what is missing first.
SWIFT      ?= swift
PREFIX     ?= /usr/local
DEB_PKGS   := liburing-dev libreadline-dev zlib1g-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps python-deps build release demo test test-faults fuzz sanitize memcheck lint format install bench bench-deps clean completions docs

all: build

# Installs Debian's liburing-dev, libreadline-dev and zlib1g-dev when their headers are missing.
deps:
	@missing=""; \
	[ -f /usr/include/liburing.h ] || missing="$$missing liburing-dev"; \
	[ -f /usr/include/readline/readline.h ] || missing="$$missing libreadline-dev"; \
	[ -f /usr/include/zlib.h ] || missing="$$missing zlib1g-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing (Debian packages, via apt-get)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The programs the test suite drives (Debian packages): strace for the syscall trace, valgrind for the
# leak check, zsh and fish for the completion tests, tmux for terminal tests, nftables and iproute2 for
# the fault tests' damaged link. With them installed a skipped test means the platform cannot, not that a
# package was missing.
test-deps: deps python-deps
	@missing=""; \
	for tool in strace:strace valgrind:valgrind zsh:zsh fish:fish tmux:tmux nft:nftables ip:iproute2 tc:iproute2 python3:python3; do \
	  command -v $${tool%%:*} >/dev/null 2>&1 || case " $$missing " in *" $${tool#*:} "*) ;; *) missing="$$missing $${tool#*:}";; esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make test-deps: installing$$missing (Debian packages, via apt-get)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The PyPI packages the tests read wsasend's output with, independent of its own code: hdrhistogram
# (HdrHistogram's Python library) and kubernetes-validate (the manifest's schema), in a virtual
# environment under .build/python.
PYTHON_VENV := .build/python
python-deps:
	@$(PYTHON_VENV)/bin/python -c 'import hdrh, kubernetes_validate' 2>/dev/null || { \
	  echo "make python-deps: installing hdrhistogram and kubernetes-validate (PyPI) in $(PYTHON_VENV)"; \
	  python3 -c 'import ensurepip' 2>/dev/null || { $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends python3-venv; }; \
	  python3 -m venv $(PYTHON_VENV) && $(PYTHON_VENV)/bin/pip install -q hdrhistogram kubernetes-validate; }

build: deps
	$(SWIFT) build

# The Swift runtime and libraries linked in (--static-swift-stdlib): the linker keeps what the program
# reaches and the loader has no shared Swift libraries to map and relocate, about 2 MiB less resident
# memory (13.6 against 16.2 MiB at one connection). The binary still uses the system's C and C++
# libraries, liburing, readline and zlib. Linked by lld where the toolchain has it: gold prints glibc's
# link-time warning about mktemp, which the static FoundationEssentials refers to.
STATIC_LINK := --static-swift-stdlib $(if $(shell command -v ld.lld 2>/dev/null),-Xswiftc -use-ld=lld)
release: deps
	$(SWIFT) build -c release $(STATIC_LINK)

demo: release
	.build/release/wsasend demo

# The overlapped suites (and the send queue's concurrency tests, and the datagrams that go around an idle
# send queue), run again on the poll backend and under ThreadSanitizer.
OVERLAPPED_SUITES := WinsockTests\.(Overlapped|Event|CompletionRoutine|Cancellation|EngineBookkeeping|EngineThread|SpecExample|Concurrency|SocketCache|Datagram)

lint:
	$(SWIFT) format lint --strict -r Sources Tests Examples Fuzz Package.swift

format:
	$(SWIFT) format format -i -r Sources Tests Examples Fuzz Package.swift

test: test-deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	WSASEND_BACKEND=poll $(SWIFT) test --skip-build --filter '$(OVERLAPPED_SUITES)'
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	SWIFT_BACKTRACE=enable=no $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
	  --filter '$(OVERLAPPED_SUITES)'

# Faults below TCP: two network namespaces joined by a veth pair with loss (nftables) and a rate limit (tbf),
# misbehaving peers, signals in every phase. Needs root; skips every test with the reason where namespaces
# are refused. FAULT_MIB sets the payload of the lossless tests (default 64).
test-faults: test-deps build
	python3 Tests/faults/run.py --table

# The whole suite under AddressSanitizer, then under ThreadSanitizer (make test runs only the overlapped
# suites under ThreadSanitizer). The end-to-end tests drive the sanitized binary of the same build. Leaks
# are not AddressSanitizer's business here (the Swift runtime and the test runner keep objects to the end
# of the process): make memcheck looks for them with valgrind instead.
sanitize: test-deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	SWIFT_BACKTRACE=enable=no $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

# valgrind's memcheck over one run of each mode (release build): no definitely lost bytes, no invalid access.
memcheck: test-deps release
	Tests/memcheck/run.sh .build/release/wsasend

# libFuzzer over every grammar (targets, buffer specs, sizes, durations, rates, flags, codes, numbers,
# ports, shards, times, the REPL's lines and its session's settings commands, merge's JSON reader), each
# for FUZZ_SECONDS (default 60), starting from the committed corpus in Fuzz/corpus/. A crash
# leaves its input as crash-* here: copy it into Fuzz/corpus/GRAMMAR/ (the corpus test then keeps it fixed)
# and replay it with .build/debug/GrammarFuzz GRAMMAR FILE.
# Then the Win32 surface for FUZZ_SECONDS: WSASendFuzz calls WSASend with random WSABUF arrays, flags and
# modes on a loopback connection, from Fuzz/wsasend-corpus/; replay a crash with .build/debug/WSASendFuzz FILE
# (the corpus test replays the committed corpus).
# FUZZ_TARGETS picks some of them: make fuzz FUZZ_TARGETS="repl-line merge" FUZZ_SECONDS=300.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(notdir $(wildcard Fuzz/corpus/*)) wsasend
fuzz: deps
	$(SWIFT) build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING \
	  --product GrammarFuzz --scratch-path .build-fuzz
	$(SWIFT) build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -DFUZZING \
	  --product WSASendFuzz --scratch-path .build-fuzz
	@set -e; work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	for grammar in $(filter-out wsasend,$(FUZZ_TARGETS)); do \
	  dir=Fuzz/corpus/$$grammar; mkdir -p "$$work/$$grammar"; status=0; \
	  case $$grammar in merge) length=8192;; repl-session) length=1024;; *) length=256;; esac; \
	  FUZZ_GRAMMAR=$$grammar SWIFT_BACKTRACE=enable=no .build-fuzz/release/GrammarFuzz \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=$$length -print_final_stats=1 "$$work/$$grammar" "$$dir" \
	    > "$$work/$$grammar.log" 2>&1 || status=$$?; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' "$$work/$$grammar.log"); \
	  if [ "$$status" -ne 0 ]; then \
	    tail -n 30 "$$work/$$grammar.log"; \
	    echo "make fuzz: $$grammar failed (exit $$status); a crashing input is saved as crash-* here"; exit 1; \
	  fi; \
	  echo "make fuzz: $$grammar: $${runs:-?} inputs in $(FUZZ_SECONDS) s, no property broken"; \
	done; \
	case " $(FUZZ_TARGETS) " in *" wsasend "*) ;; *) exit 0;; esac; \
	mkdir -p "$$work/wsasend"; status=0; \
	SWIFT_BACKTRACE=enable=no .build-fuzz/release/WSASendFuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -print_final_stats=1 "$$work/wsasend" Fuzz/wsasend-corpus > "$$work/wsasend.log" 2>&1 || status=$$?; \
	runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' "$$work/wsasend.log"); \
	if [ "$$status" -ne 0 ]; then \
	  tail -n 30 "$$work/wsasend.log"; \
	  echo "make fuzz: WSASend failed (exit $$status); a crashing input is saved as crash-* here"; exit 1; \
	fi; \
	echo "make fuzz: WSASend: $${runs:-?} inputs in $(FUZZ_SECONDS) s, every call kept the contract"

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

# The peers the benchmark table compares with (Debian packages): iperf3, sockperf and socat. bench/run.py
# skips a peer's rows, saying so, when it is missing.
bench-deps: deps
	@missing=""; \
	for tool in iperf3 sockperf socat; do \
	  command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make bench-deps: installing$$missing (Debian packages, via apt-get)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Every benchmark row, each a median ratio of alternating rounds against a C program or a peer tool
# (bench/run.py --help; ROUNDS sets the rounds, 3 finish in under 10 minutes on 2 cores).
ROUNDS ?= 3
bench: bench-deps
	python3 bench/run.py --rounds $(ROUNDS)

# Regenerates the committed shell completions from the parser (a test checks that they match).
completions: build
	.build/debug/wsasend --generate-completion-script bash > completions/wsasend.bash
	.build/debug/wsasend --generate-completion-script zsh > completions/_wsasend
	.build/debug/wsasend --generate-completion-script fish > completions/wsasend.fish

clean:
	rm -rf .build .build-tsan .build-asan .build-fuzz
