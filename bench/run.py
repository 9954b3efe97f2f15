#!/usr/bin/env python3
"""wsasend benchmarks: every figure is a ratio against a plain C program measured in the same run.

Builds wsasend (release) and two C programs with cc (bench/c/sendloop.c: one blocking sendmsg per call;
bench/c/sink.c: an epoll receiver that discards), starts the C sink on loopback, then runs wsasend and
the C loop alternately into it, several rounds, and prints each goal with its measured ratio.

Usage: bench/run.py [--rounds N] [--only NAME[,NAME...]] [--json]
Names: throughput, calls, syscalls, allocations, rss, overlapped-calls, overlapped-throughput, connections
Loopback throughput varies a lot between runs minutes apart (NOTES.md), so only ratios of runs taken
side by side mean anything; the median of the per-round ratios is the figure.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
WSASEND = os.path.join(ROOT, ".build", "release", "wsasend")


def sh(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def build():
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "wsasend"], cwd=ROOT, check=True)
    for name in ("sink", "sendloop"):
        sh(["cc", "-O2", "-o", os.path.join(OUT, name), os.path.join(ROOT, "bench", "c", name + ".c")])


class Sink:
    """The C sink on an ephemeral loopback port."""

    def __enter__(self):
        ready = tempfile.mktemp()
        self.process = subprocess.Popen([os.path.join(OUT, "sink"), "0", ready], preexec_fn=raise_fd_limit)
        for _ in range(200):
            if os.path.exists(ready) and open(ready).read().strip():
                break
            time.sleep(0.01)
        self.port = int(open(ready).read())
        os.unlink(ready)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def c_loop(port, buffers, size, count):
    out = sh([os.path.join(OUT, "sendloop"), str(port), str(buffers), str(size), str(count)]).stdout
    fields = dict(item.split("=") for item in out.split())
    seconds = float(fields["seconds"])
    return {"calls_per_second": int(fields["calls"]) / seconds, "bytes_per_second": int(fields["bytes"]) / seconds}


def wsasend(port, *options, wrapper=(), env=None, binary=WSASEND):
    args = list(wrapper) + [binary, f"127.0.0.1:{port}", "--json", "-q", *options]
    result = subprocess.run(args, capture_output=True, text=True, env=env, preexec_fn=raise_fd_limit)
    if result.returncode != 0:
        sys.exit(f"bench: wsasend {' '.join(options)} exited {result.returncode}: {result.stderr.strip()}")
    return result


def summary(result):
    report = json.loads(result.stdout)
    s = report["summary"]
    seconds = s["elapsed_seconds"]
    return {
        "calls_per_second": s["calls"] / seconds,
        "bytes_per_second": s["bytes_sent"] / seconds,
        "backend": report.get("backend"),
    }


def alternate(port, rounds, c_args, ws_args, key):
    """Runs the C loop and wsasend alternately; returns the per-round ratios and both medians."""
    ratios, ours, theirs = [], [], []
    for _ in range(rounds):
        c = c_loop(port, *c_args)[key]
        w = summary(wsasend(port, *ws_args))[key]
        theirs.append(c)
        ours.append(w)
        ratios.append(w / c)
    return {
        "ratio": statistics.median(ratios),
        "ratios": [round(r, 3) for r in ratios],
        "wsasend": statistics.median(ours),
        "c": statistics.median(theirs),
    }


def bench_throughput(port, rounds):
    count = 100_000
    r = alternate(port, rounds, (4, 4096, count), ("--buffers", "4x4096", "--count", str(count)), "bytes_per_second")
    return goal("throughput at 4x4096, blocking", r["ratio"], ">=", 0.97, r, "B/s")


def bench_calls(port, rounds):
    count = 300_000
    r = alternate(port, rounds, (1, 64, count), ("--buffers", "1x64", "--count", str(count)), "calls_per_second")
    return goal("calls/s at 1x64, blocking", r["ratio"], ">=", 0.90, r, "calls/s")


def bench_syscalls(port, rounds):
    if not shutil.which("strace"):
        return skipped("sendmsg calls per WSASend call", "strace is not installed")
    count = 20_000
    trace = tempfile.mktemp()
    wsasend(port, "--buffers", "4x4096", "--count", str(count),
            wrapper=("strace", "-f", "-c", "-o", trace, "-e", "trace=sendmsg,sendto,write,writev"))
    table = open(trace).read()
    os.unlink(trace)
    match = re.search(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?sendmsg\s*$", table, re.M)
    calls = int(match.group(1)) if match else 0
    per_call = calls / count
    return goal("sendmsg calls per WSASend call (strace -c)", per_call, "==", 1.0,
                {"sendmsg": calls, "wsasend_calls": count}, "")


def stripped_wsasend():
    """A copy of the binary without debug info: valgrind 3.19 cannot read the DWARF 5 that swiftc emits."""
    copy = os.path.join(OUT, "wsasend-stripped")
    sh(["objcopy", "--strip-debug", WSASEND, copy])
    return copy


def heap_allocations(port, count):
    result = wsasend(port, "--buffers", "1x64", "--count", str(count), binary=stripped_wsasend(),
                     wrapper=("valgrind", "--tool=memcheck", "--leak-check=no", "--error-exitcode=0"))
    match = re.search(r"total heap usage: ([\d,]+) allocs", result.stderr)
    return int(match.group(1).replace(",", ""))


def bench_allocations(port, rounds):
    if not shutil.which("valgrind"):
        return skipped("heap allocations per call", "valgrind is not installed")
    low, high = 2_000, 22_000
    a, b = heap_allocations(port, low), heap_allocations(port, high)
    per_call = (b - a) / (high - low)
    return goal("heap allocations per call (valgrind, 2,000 vs 22,000 calls)", per_call, "<", 0.01,
                {"allocs_at_2000": a, "allocs_at_22000": b}, "")


def peak_rss(port, *options):
    result = wsasend(port, *options, wrapper=("/usr/bin/time", "-f", "MAXRSS %M"))
    return int(re.search(r"MAXRSS (\d+)", result.stderr).group(1))


def bench_rss(port, rounds):
    low = peak_rss(port, "--buffers", "1x64", "--count", "10000")
    high = peak_rss(port, "--buffers", "1x64", "--count", "1000000")
    return goal("peak RSS, 1,000,000 calls / 10,000 calls", high / low, "<=", 1.05,
                {"rss_kib_at_10000": low, "rss_kib_at_1000000": high}, "")


def bench_overlapped_calls(port, rounds):
    count = 300_000
    r = alternate(port, rounds, (1, 64, count),
                  ("--mode", "event", "--outstanding", "64", "--buffers", "1x64", "--count", str(count)),
                  "calls_per_second")
    return goal("overlapped calls/s at 1x64, 64 outstanding, vs one sendmsg per call", r["ratio"], ">=", 3.0, r,
                "calls/s")


def bench_overlapped_throughput(port, rounds):
    count = 100_000
    r = alternate(port, rounds, (4, 4096, count),
                  ("--mode", "event", "--outstanding", "16", "--buffers", "4x4096", "--count", str(count)),
                  "bytes_per_second")
    return goal("overlapped throughput at 4x4096, 16 outstanding", r["ratio"], ">=", 0.97, r, "B/s")


def bench_connections(port, rounds):
    kib = peak_rss(port, "--mode", "event", "--connections", "10000", "--buffers", "1x4096", "--count", "1")
    return goal("peak RSS of 10,000 connections x one 4 KiB call, event mode (MiB)", kib / 1024, "<=", 128,
                {"rss_kib": kib}, "")


BENCHES = {
    "throughput": bench_throughput,
    "calls": bench_calls,
    "syscalls": bench_syscalls,
    "allocations": bench_allocations,
    "rss": bench_rss,
    "overlapped-calls": bench_overlapped_calls,
    "overlapped-throughput": bench_overlapped_throughput,
    "connections": bench_connections,
}


def goal(name, value, op, target, details, unit):
    met = {">=": value >= target, "<=": value <= target, "<": value < target, "==": abs(value - target) < 1e-9}[op]
    return {"name": name, "value": value, "goal": f"{op} {target}", "met": met, "details": details, "unit": unit}


def skipped(name, reason):
    return {"name": name, "value": None, "goal": None, "met": None, "details": {"skipped": reason}, "unit": ""}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    names = options.only.split(",")
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        sys.exit(f"bench: unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
    build()
    results = []
    with Sink() as sink:
        for name in names:
            results.append(BENCHES[name](sink.port, options.rounds))
            report(results[-1], options.json)
    if options.json:
        print(json.dumps(results, indent=2))


def report(result, as_json):
    if as_json:
        return
    if result["value"] is None:
        print(f"SKIP  {result['name']}: {result['details']['skipped']}")
        return
    status = "MET " if result["met"] else "MISS"
    print(f"{status}  {result['name']}: {result['value']:.3f} (goal {result['goal']})  {json.dumps(result['details'])}",
          flush=True)


if __name__ == "__main__":
    main()
