#!/usr/bin/env bash
# valgrind's memcheck over one run of each mode against the sink: no definitely lost bytes, no invalid
# access. The binary is the release build with its DWARF stripped (valgrind 3.19 cannot read DWARF 5),
# and the engine uses the poll backend (valgrind does not follow io_uring).
# Usage: Tests/memcheck/run.sh [BINARY]   (default .build/release/wsasend)
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${1:-.build/release/wsasend}
command -v valgrind >/dev/null || { echo "memcheck: valgrind is not installed (make test-deps installs it)"; exit 1; }
work=$(mktemp -d)
sink_pids=()
cleanup() { for pid in "${sink_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
objcopy --strip-debug "$binary" "$work/wsasend"

# A TCP sink and a UDP sink on free loopback ports (started in this shell, so that cleanup can stop them).
start_sink() {
  local name=$1; shift
  "$work/wsasend" sink 127.0.0.1:0 "$@" > /dev/null 2> "$work/$name.err" &
  sink_pids+=($!)
}
port_of() {
  for _ in $(seq 100); do grep -q "listening on" "$work/$1.err" 2>/dev/null && break; sleep 0.05; done
  sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$1.err"
}
start_sink tcp
start_sink udp --udp
port=$(port_of tcp)
udp_port=$(port_of udp)
[ -n "$port" ] && [ -n "$udp_port" ] || { echo "memcheck: the sinks did not start"; exit 1; }

passed=0; failed=0
run() {
  local name=$1 target=$2; shift 2
  local status=0
  WSASEND_BACKEND=poll valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
    --error-exitcode=99 --log-file="$work/$name.log" "$work/wsasend" "$target" "$@" -q || status=$?
  if [ "$status" = 0 ]; then
    echo "PASS  memcheck $name: no definitely lost bytes, no invalid access"; passed=$((passed + 1))
  elif [ "$status" = 99 ]; then
    echo "FAIL  memcheck $name:"; sed -n '1,60p' "$work/$name.log"; failed=$((failed + 1))
  else
    echo "FAIL  memcheck $name: the run itself failed (exit $status)"; failed=$((failed + 1))
  fi
}
run blocking "127.0.0.1:$port" --buffers 4x4096 --count 2000
run nonblocking "127.0.0.1:$port" --mode nonblocking --sndbuf 64K --buffers 4x64K --count 200
run event "127.0.0.1:$port" --mode event --outstanding 16 --buffers 4x4096 --count 2000
run routine "127.0.0.1:$port" --mode routine --outstanding 16 --buffers 4x4096 --count 2000
run connections "127.0.0.1:$port" --mode event --connections 4 --outstanding 4 --buffers 1x1K --count 500
run udp "127.0.0.1:$udp_port" --udp --buffers 1x1400 --count 500
echo "memcheck: $passed passed, $failed failed"
[ "$failed" = 0 ]
