#!/usr/bin/env python3
"""wsasend benchmarks: every figure is a ratio against a plain C program or a peer tool measured in the same run.

Builds wsasend (release) and the C programs in bench/c/ with cc (sendloop.c: one blocking sendmsg per call,
or one send() with "send"; nbsendloop.c: the same on a non-blocking socket, polling on EAGAIN;
udpsendloop.c: one send per datagram on a connected UDP socket; connectloop.c: non-blocking connects one
after another; roundrobin.c: sends taken in turn over many connections; sink.c: an epoll receiver for TCP
and UDP that discards), starts the C sink on loopback, then runs wsasend and its opponent
alternately, several rounds, and prints each row with the median of the per-round ratios and their spread
(min-max), after one line that names the machine.

Usage: bench/run.py [--rounds N] [--only NAME[,NAME...]] [--json]
Names: throughput, calls, syscalls, allocations, rss, overlapped-calls, overlapped-throughput, connections,
       nonblocking, udp, iperf3, sockperf, socat, connection-memory, connect-rate, cost
Loopback throughput varies a lot between runs minutes apart, so only ratios of runs taken side by side
mean anything; the median of the per-round ratios is the figure. The peers (iperf3, sockperf, socat;
`make bench-deps` installs them) are skipped, saying so, where they are not installed. `cost` runs once
whatever --rounds says and prints a table of per-call cost and peak RSS as the calls and connections grow.

Datagrams are counted at the sender, for wsasend and the C loop alike: both send into the same C sink,
which drains its socket with recvmmsg so that every datagram takes the whole path to a receiving socket,
but a datagram the receiver drops when its buffer is full has cost the sender just as much, and the rows
compare the senders.
"""
import argparse
import json
import random
import os
import re
import resource
import shutil
import socket
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
    # swift build's progress goes to stderr, so that --json leaves stdout one JSON document.
    # The release build as `make release` makes it: the Swift runtime linked in, by lld where there is one.
    static = ["--static-swift-stdlib"] + (["-Xswiftc", "-use-ld=lld"] if shutil.which("ld.lld") else [])
    subprocess.run(["swift", "build", "-c", "release", "--product", "wsasend", *static], cwd=ROOT, check=True,
                   stdout=sys.stderr)
    for name in PROGRAMS:
        sh(["cc", "-O2", "-o", os.path.join(OUT, name), os.path.join(ROOT, "bench", "c", name + ".c")])


PROGRAMS = ("sink", "sendloop", "nbsendloop", "udpsendloop", "connectloop", "roundrobin")


def machine():
    """nproc, the CPU model and the kernel: the line every table is printed under."""
    model = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": os.uname().release}


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


def c_program(name, *args):
    """Runs one of the C programs and returns its key=value fields."""
    out = sh([os.path.join(OUT, name), *[str(a) for a in args]], preexec_fn=raise_fd_limit).stdout
    return dict(item.split("=") for item in out.split())


def c_loop(port, buffers, size, count, program="sendloop"):
    fields = c_program(program, port, buffers, size, count)
    seconds = float(fields["seconds"])
    return {"calls_per_second": int(fields["calls"]) / seconds, "bytes_per_second": int(fields["bytes"]) / seconds}


def c_program_rate(port, *args):
    """Calls per second of sendloop with these arguments (after the port)."""
    fields = c_program("sendloop", port, *args)
    return int(fields["calls"]) / float(fields["seconds"])


def c_udp_loop(port, size, count):
    fields = c_program("udpsendloop", port, size, count)
    seconds = float(fields["seconds"])
    if int(fields["errors"]):
        sys.exit(f"bench: the C UDP loop had {fields['errors']} failed sends")
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


def alternate(port, rounds, c_args, ws_args, key, c_run=None):
    """Runs the C loop and wsasend alternately; returns the per-round ratios and both medians."""
    c_run = c_run or (lambda: c_loop(port, *c_args)[key])
    return alternate_runs(rounds, c_run, lambda: summary(wsasend(port, *ws_args))[key])


def alternate_runs(rounds, theirs_run, ours_run, name="c"):
    """Runs the opponent and wsasend alternately, each round a ratio ours / theirs (higher is better)."""
    ratios, ours, theirs = [], [], []
    for _ in range(rounds):
        t = theirs_run()
        w = ours_run()
        theirs.append(t)
        ours.append(w)
        ratios.append(w / t)
    return {
        "ratio": statistics.median(ratios),
        "spread": [round(min(ratios), 3), round(max(ratios), 3)],
        "ratios": [round(r, 3) for r in ratios],
        "wsasend": statistics.median(ours),
        name: statistics.median(theirs),
    }


def bench_throughput(port, rounds):
    count = 100_000
    r = alternate(port, rounds, (4, 4096, count), ("--buffers", "4x4096", "--count", str(count)), "bytes_per_second")
    return goal("throughput at 4x4096, blocking", r["ratio"], ">=", 0.97, r, "B/s")


def bench_calls(port, rounds):
    """Against the C loop's sendmsg (the goal), and, for information, against a C loop of send(): wsasend
    sends a one-buffer call with sendto, which the kernel serves more cheaply than a sendmsg of one iovec,
    so the second row shows what is left of wsasend's own cost; the third, the C loop against itself, shows
    how far a single round strays here when both sides are the same program."""
    count = 300_000
    ws_args = ("--buffers", "1x64", "--count", str(count))
    r = alternate(port, rounds, (1, 64, count), ws_args, "calls_per_second")
    s = alternate(port, rounds, None, ws_args, "calls_per_second",
                  c_run=lambda: c_program_rate(port, 1, 64, count, "send"))
    def c_run():
        return c_loop(port, 1, 64, count)["calls_per_second"]

    n = alternate_runs(rounds, c_run, c_run)
    n["c_second"] = n.pop("wsasend")
    return [goal("calls/s at 1x64, blocking", r["ratio"], ">=", 0.90, r, "calls/s"),
            info("calls/s at 1x64, blocking, vs a C loop of send() (the system call wsasend makes)", s["ratio"], s,
                 "calls/s"),
            info("calls/s at 1x64, the C loop against itself (one round's noise on this machine)", n["ratio"], n,
                 "calls/s")]


def bench_syscalls(port, rounds):
    """Send system calls per WSASend call at 4x4096 (a sendmsg each) and at 1x64 (a sendto each)."""
    name = "send system calls (sendmsg or sendto) per WSASend call, at 4x4096 and at 1x64 (strace -c)"
    if not shutil.which("strace"):
        return skipped(name, "strace is not installed")
    count = 20_000
    details = {"wsasend_calls_each": count}
    worst = 1.0
    for buffers in ("4x4096", "1x64"):
        trace = tempfile.mktemp()
        wsasend(port, "--buffers", buffers, "--count", str(count),
                wrapper=("strace", "-f", "-c", "-o", trace, "-e", "trace=sendmsg,sendto,write,writev"))
        table = open(trace).read()
        os.unlink(trace)
        for syscall in ("sendmsg", "sendto"):
            match = re.search(rf"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?{syscall}\s*$", table, re.M)
            details[f"{syscall}_at_{buffers}"] = int(match.group(1)) if match else 0
        per_call = (details[f"sendmsg_at_{buffers}"] + details[f"sendto_at_{buffers}"]) / count
        if abs(per_call - 1.0) > abs(worst - 1.0):
            worst = per_call
    return goal(name, worst, "==", 1.0, details, "")


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


def bench_nonblocking(port, rounds):
    # Sends that took data per second: a call that says WSAEWOULDBLOCK (EAGAIN in C) is a wait, not a send,
    # so both sides are compared on bytes, 64 to a send.
    count = 300_000
    r = alternate_runs(
        rounds, lambda: c_loop(port, 1, 64, count, "nbsendloop")["bytes_per_second"] / 64,
        lambda: summary(wsasend(port, "--mode", "nonblocking", "--buffers", "1x64", "--count", str(count)))[
            "bytes_per_second"] / 64)
    return goal("sends/s at 1x64, non-blocking, vs a C loop polling on EAGAIN", r["ratio"], ">=", 0.95, r,
                "sends/s")


def udp_row(port, rounds, size, overlapped):
    count = 200_000
    options = ["--udp", "--buffers", f"1x{size}", "--count", str(count)]
    if overlapped:
        options += ["--mode", "event", "--outstanding", "64"]

    def ours():
        result = summary_full(wsasend(port, *options))
        if result["failed"]:
            sys.exit(f"bench: wsasend {' '.join(options)}: {result['failed']} calls failed")
        return result["calls_per_second"]

    r = alternate_runs(rounds, lambda: c_udp_loop(port, size, count)["calls_per_second"], ours)
    how = "overlapped, 64 outstanding" if overlapped else "blocking"
    return goal(f"datagrams/s, connected UDP 1x{size}, {how}, vs a C send loop", r["ratio"], ">=", 0.95, r,
                "datagrams/s")


def bench_udp(port, rounds):
    return [udp_row(port, rounds, size, overlapped) for size in (1400, 64) for overlapped in (False, True)]


def summary_full(result):
    report = json.loads(result.stdout)
    s = report["summary"]
    figures = summary(result)
    figures["failed"] = s["failed"]
    figures["calls"] = s["calls"]
    return figures


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A peer's own receiver, started for one row and killed after it."""

    def __init__(self, args, port, probe=True):
        self.args, self.port, self.probe = args, port, probe

    def __enter__(self):
        self.process = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while self.probe and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        if not self.probe:
            time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def bench_iperf3(port, rounds):
    """iperf3 -c -l 16K into iperf3 -s; wsasend --buffers 1x16K into the C sink (iperf3's server speaks
    its own protocol, so wsasend cannot send into it). Same bytes; each tool's own elapsed time."""
    name = "bytes/s at 1x16K, TCP, vs iperf3 -c -l 16K (each into its own receiver)"
    if not shutil.which("iperf3"):
        return skipped(name, "iperf3 is not installed (make bench-deps)")
    total = 1 << 30

    def theirs():
        server_port = free_port()
        # No probe connection: iperf3 -s -1 would take it for its one client.
        with Server(["iperf3", "-s", "-1", "-p", str(server_port)], server_port, probe=False):
            for _ in range(3):
                result = subprocess.run(["iperf3", "-c", "127.0.0.1", "-p", str(server_port), "-l", "16K",
                                         "-n", str(total), "-J"], capture_output=True, text=True)
                # iperf3 -J can exit 0 with an "error" and no sums (a server that did not take the test):
                # that is a failed attempt too.
                try:
                    sent = json.loads(result.stdout)["end"]["sum_sent"] if result.returncode == 0 else None
                except (ValueError, KeyError):
                    sent = None
                if sent and sent.get("seconds"):
                    return sent["bytes"] / sent["seconds"]
                time.sleep(0.2)
            sys.exit(f"bench: iperf3 -c failed: {result.stdout[-300:]} {result.stderr.strip()}")

    r = alternate_runs(rounds, theirs, lambda: summary(
        wsasend(port, "--buffers", "1x16K", "--count", str(total // 16384)))["bytes_per_second"], "iperf3")
    return goal(name, r["ratio"], ">=", 1.0, r, "B/s")


def bench_sockperf(port, rounds):
    """sockperf tp and wsasend --duration 2s, each for 2 s into the same C sink. sockperf's throughput
    client expects no reply, so it needs no sockperf server: the two senders meet the same receiver,
    whose speed decides how often a datagram is dropped at a full queue (cheaper for the sender) or
    delivered and woken for."""
    rows = []
    for transport in ("tcp", "udp"):
        for size in (64, 1400):
            name = f"messages/s, {transport.upper()} 1x{size}, vs sockperf tp (same receiver)"
            if not shutil.which("sockperf"):
                rows.append(skipped(name, "sockperf is not installed (make bench-deps)"))
                continue
            flag = ["--tcp"] if transport == "tcp" else []

            def theirs():
                out = sh(["sockperf", "tp", *flag, "-i", "127.0.0.1", "-p", str(port), "-m", str(size),
                          "-t", "2"]).stdout
                return float(re.search(r"Message Rate is (\d+)", out).group(1))

            options = ["--buffers", f"1x{size}", "--duration", "2s"] + (["--udp"] if transport == "udp" else [])
            r = alternate_runs(rounds, theirs, lambda: summary(wsasend(port, *options))["calls_per_second"],
                               "sockperf")
            rows.append(goal(name, r["ratio"], ">=", 1.0, r, "messages/s"))
    return rows


def bench_socat(port, rounds):
    """socat -b 16384 from /dev/zero and wsasend --buffers 1x16K, the same bytes into the same C sink,
    each timed as a whole process (socat reports no figures of its own)."""
    name = "bytes/s at 16 KiB reads/calls, TCP, vs socat -b 16384 from /dev/zero (same receiver)"
    if not shutil.which("socat"):
        return skipped(name, "socat is not installed (make bench-deps)")
    total = 1 << 30

    def timed(args):
        started = time.monotonic()
        sh(args)
        return total / (time.monotonic() - started)

    r = alternate_runs(
        rounds,
        lambda: timed(["socat", "-u", "-b", "16384", f"OPEN:/dev/zero,readbytes={total}", f"TCP:127.0.0.1:{port}"]),
        lambda: timed([WSASEND, f"127.0.0.1:{port}", "-q", "--buffers", "1x16K", "--count", str(total // 16384)]),
        "socat")
    return goal(name, r["ratio"], ">=", 1.0, r, "B/s")


# Each run of many connections binds to a fresh set of loopback source addresses: closed connections wait
# in TIME_WAIT for a minute and hold their ports, a source address has only about 28,000 of them, and
# bind() looks longer for a free port as they fill up. The 127.A.B.0/24 blocks are drawn at random, so that
# an invocation started within a minute of the last one does not meet its ports either.
_SOURCE_BLOCKS = random.Random().sample(range(10 * 256, 250 * 256), 200)


def fresh_sources(connections):
    """Enough 127.A.B.x source addresses for `connections`, none used lately, 14,000 to an address (half
    its ports)."""
    high, low = divmod(_SOURCE_BLOCKS.pop(), 256)
    return [f"127.{high}.{low}.{i + 1}" for i in range(max(1, -(-connections // 14_000)))]


def open_file_limits():
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def connections_run(port, connections, wrapper=()):
    sources = ",".join(fresh_sources(connections))
    args = list(wrapper) + [WSASEND, f"127.0.0.1:{port}", "--json", "-q", "--mode", "event", "--connections",
                            str(connections), "--bind", sources, "--buffers", "1x64", "--count", "1"]
    return subprocess.run(args, capture_output=True, text=True, preexec_fn=raise_fd_limit)


def bench_connection_memory(port, rounds):
    """Peak RSS at N connections in event mode (one 64-byte call each) less the peak at one connection,
    per connection. 100,000 needs an open-file limit above 100,000 in wsasend and in the sink."""
    base = peak_rss(port, "--mode", "event", "--buffers", "1x64", "--count", "1")
    rows = []
    for connections, budget_mib in ((1_000, None), (10_000, 24), (100_000, 256)):
        name = f"peak RSS of {connections:,} connections, event mode (MiB), and KiB per connection"
        result = connections_run(port, connections, wrapper=("/usr/bin/time", "-f", "MAXRSS %M"))
        if result.returncode != 0:
            reason = result.stderr.strip().splitlines()
            reason = next((line for line in reason if line.startswith("wsasend:")), " ".join(reason[-1:]))
            rows.append(skipped(name, f"wsasend exited {result.returncode}: {reason}"))
            continue
        kib = int(re.search(r"MAXRSS (\d+)", result.stderr).group(1))
        details = {"rss_kib": kib, "rss_kib_one_connection": base,
                   "kib_per_connection": round((kib - base) / connections, 2)}
        if budget_mib is None:
            rows.append({"name": name, "value": kib / 1024, "goal": None, "met": None, "details": details,
                         "unit": "MiB"})
        else:
            rows.append(goal(name, kib / 1024, "<=", budget_mib, details, "MiB"))
    return rows


def bench_connect_rate(port, rounds):
    """Connections set up per second: wsasend's (the sum of its connections' connect_seconds) against the
    C non-blocking connect loop making the same number the same way, each from fresh source addresses."""
    connections = 10_000

    def theirs():
        fields = c_program("connectloop", port, connections, ",".join(fresh_sources(connections)))
        return int(fields["connections"]) / float(fields["seconds"])

    def ours():
        result = connections_run(port, connections)
        if result.returncode != 0:
            sys.exit(f"bench: wsasend --connections {connections} exited {result.returncode}: {result.stderr.strip()}")
        report = json.loads(result.stdout)
        return connections / sum(c["connect_seconds"] for c in report["connections"])

    r = alternate_runs(rounds, theirs, ours)
    return goal(f"connections set up per second ({connections:,}), vs a C non-blocking connect loop",
                r["ratio"], ">=", 0.9, r, "connections/s")


def bench_cost(port, rounds):
    """Per-call cost and peak RSS as the work grows: 1e3 to 1e7 blocking 1x64 calls on one connection,
    then 1 to 10,000 connections in event mode sharing 1,000,000 calls, each beside a C loop that sends
    the same calls in turn over as many connections (roundrobin.c): spreading calls over more sockets
    costs the kernel more (their state leaves the caches), so the C column says how much of the growth is
    the kernel's. Runs once; a table, not a goal."""
    rows = []

    def measure(label, *options, connections=None):
        sources = ",".join(fresh_sources(connections)) if connections else None
        extra = ("--bind", sources) if sources else ()
        result = wsasend(port, *options, *extra, wrapper=("/usr/bin/time", "-f", "MAXRSS %M"))
        s = json.loads(result.stdout)["summary"]
        rss = int(re.search(r"MAXRSS (\d+)", result.stderr).group(1))
        row = {"work": label, "calls": s["calls"], "ns_per_call": 1e9 * s["elapsed_seconds"] / s["calls"],
               "rss_kib": rss}
        if connections:
            fields = c_program("roundrobin", port, connections, 1_000_000, 64,
                               ",".join(fresh_sources(connections)))
            row["c_ns_per_call"] = 1e9 * float(fields["seconds"]) / int(fields["calls"])
        rows.append(row)

    for exponent in range(3, 8):
        measure(f"1 connection, 1e{exponent} calls", "--buffers", "1x64", "--count", str(10 ** exponent))
    for connections in (1, 10, 100, 1_000, 10_000):
        measure(f"{connections:,} connection{'s' if connections > 1 else ''}, event, 1e6 calls in all", "--mode",
                "event", "--connections", str(connections), "--buffers", "1x64",
                "--count", str(1_000_000 // connections), connections=connections)
    lines = ["| work | calls | ns per call | C round-robin ns per call | peak RSS (KiB) |",
             "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['work']} | {r['calls']:,} | {r['ns_per_call']:.0f} | "
              f"{format(r['c_ns_per_call'], '.0f') if 'c_ns_per_call' in r else ''} | {r['rss_kib']:,} |"
              for r in rows]
    return {"name": "cost as work grows", "value": None, "goal": None, "met": None,
            "details": {"rows": rows}, "unit": "", "table": "\n".join(lines)}


BENCHES = {
    "throughput": bench_throughput,
    "calls": bench_calls,
    "syscalls": bench_syscalls,
    "allocations": bench_allocations,
    "rss": bench_rss,
    "overlapped-calls": bench_overlapped_calls,
    "overlapped-throughput": bench_overlapped_throughput,
    "connections": bench_connections,
    "nonblocking": bench_nonblocking,
    "udp": bench_udp,
    "iperf3": bench_iperf3,
    "sockperf": bench_sockperf,
    "socat": bench_socat,
    "connection-memory": bench_connection_memory,
    "connect-rate": bench_connect_rate,
    "cost": bench_cost,
}


def goal(name, value, op, target, details, unit):
    met = {">=": value >= target, "<=": value <= target, "<": value < target, "==": abs(value - target) < 1e-9}[op]
    return {"name": name, "value": value, "goal": f"{op} {target}", "met": met, "details": details, "unit": unit}


def info(name, value, details, unit):
    """A row with no goal: a figure that explains another row."""
    return {"name": name, "value": value, "goal": None, "met": None, "details": details, "unit": unit}


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
    started = time.monotonic()
    host = machine()
    if not options.json:
        print(f"machine: {host['nproc']} CPUs, {host['cpu']}, Linux {host['kernel']}; {options.rounds} rounds",
              flush=True)
    with Sink() as sink:
        for name in names:
            began = time.monotonic()
            produced = BENCHES[name](sink.port, options.rounds)
            for result in produced if isinstance(produced, list) else [produced]:
                result["seconds"] = round(time.monotonic() - began, 1)
                results.append(result)
                report(result, options.json)
            if not options.json:
                print(f"time  {name}: {time.monotonic() - began:.1f} s", flush=True)
    if options.json:
        print(json.dumps({"machine": host, "rounds": options.rounds, "results": results}, indent=2))
    else:
        print(f"bench: {time.monotonic() - started:.0f} s", flush=True)


def report(result, as_json):
    if as_json:
        return
    if "table" in result:
        print(f"TABLE {result['name']}\n{result['table']}", flush=True)
        return
    if result["value"] is None:
        print(f"SKIP  {result['name']}: {result['details']['skipped']}", flush=True)
        return
    status = "INFO" if result["met"] is None else "MET " if result["met"] else "MISS"
    spread = result["details"].get("spread")
    spread = f" spread {spread[0]:.3f}-{spread[1]:.3f}" if spread else ""
    print(f"{status}  {result['name']}: {result['value']:.3f}{spread} (goal {result['goal'] or 'none'})  "
          f"{json.dumps(result['details'])}", flush=True)


if __name__ == "__main__":
    main()
