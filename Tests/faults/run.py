#!/usr/bin/env python3
"""Fault tests: wsasend between two test hosts whose link is damaged, and peers that misbehave.

Each test states the outcome it expects, runs the real binary in one network namespace against a
receiver in another (see hosts.py), and checks the report against what the receiver got. Every run is
bounded in time. Where namespaces cannot be made (no root, a container that refuses them) every test is
reported as skipped with the reason, never as passed.

Usage: Tests/faults/run.py [--only NAME[,NAME...]] [--table] [--mib N]
  --table   also print the results as the Markdown table the README carries
  --mib N   the payload of the lossless tests (default 64, or FAULT_MIB)
Environment: WSASEND, the binary to test (default .build/debug/wsasend).
The last line is "faults: N passed, N failed, N skipped"; the exit status is 1 when any test failed.
"""
import argparse
import hashlib
import json
import os
import shutil
import shlex
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hosts as hostlib  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WSASEND = os.environ.get("WSASEND", os.path.join(ROOT, ".build", "debug", "wsasend"))
PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers.py")
RECEIVER = hostlib.RECEIVER_ADDRESS
WSAECONNRESET, WSAECONNABORTED, WSAETIMEDOUT = 10054, 10053, 10060
LOSSLESS_MODES = {
    "blocking": ["--mode", "blocking"],
    "nonblocking": ["--mode", "nonblocking"],
    "event x64": ["--mode", "event", "--outstanding", "64"],
    "routine x64": ["--mode", "routine", "--outstanding", "64"],
}


class Failure(Exception):
    pass


RUNNING = []


def kill_running():
    """Kills every program the tests started that still runs (on a signal to this runner)."""
    for process in RUNNING:
        if process.poll() is None:
            process.kill()


def check(condition, sentence):
    if not condition:
        raise Failure(sentence)


class Sender:
    """One wsasend run on the sender's host, its JSON report parsed."""

    def __init__(self, hosts, arguments, timeout):
        self.argv = hosts.on_sender([WSASEND, *arguments, "--json"])
        self.timeout = timeout
        self.process = None

    def start(self):
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        RUNNING.append(self.process)
        return self

    def finish(self):
        try:
            out, err = self.process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise Failure(f"wsasend did not end within {self.timeout} s: {' '.join(self.argv[4:])}")
        self.elapsed = time.monotonic() - self.started
        self.status = self.process.returncode
        self.stderr = err
        try:
            self.report = json.loads(out)
        except json.JSONDecodeError:
            raise Failure(f"stdout is not one JSON object (exit {self.status}): {out[:200]!r} {err[:300]!r}")
        return self

    def run(self):
        return self.start().finish()

    def codes(self):
        """Every WSA code the report carries: call codes, completion codes and connection errors."""
        summary = self.report.get("summary") or {}
        found = {entry["code"] for entry in summary.get("codes", []) + summary.get("completion_codes", [])}
        for connection in self.report.get("connections") or []:
            if connection.get("error"):
                found.add(connection["error"]["code"])
        if self.report.get("error"):
            found.add(self.report["error"].get("code"))
        return found


class Background:
    """A receiver-side program (a wsasend sink or a misbehaving peer) and the port it listens on."""

    def __init__(self, argv, port_from_stderr):
        self.out = tempfile.NamedTemporaryFile("w+", delete=False)
        self.err = tempfile.NamedTemporaryFile("w+", delete=False)
        self.process = subprocess.Popen(argv, stdout=self.out, stderr=self.err, text=True)
        RUNNING.append(self.process)
        deadline = time.monotonic() + 10
        self.port = None
        while self.port is None and time.monotonic() < deadline:
            text = open(self.err.name if port_from_stderr else self.out.name).read()
            if port_from_stderr:
                for line in text.splitlines():
                    if "listening on " in line:
                        self.port = int(line.split("listening on ")[1].split(" ")[0].rsplit(":", 1)[1])
            elif text.strip():
                self.port = int(text.split()[0])
            if self.process.poll() is not None and self.port is None:
                break
            time.sleep(0.02)
        if self.port is None:
            self.stop()
            raise Failure(f"the receiver did not start: {open(self.err.name).read()[:300]}")

    def wait(self, timeout):
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise Failure(f"the receiver did not end within {timeout} s")
        return open(self.out.name).read()

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self):
        self.stop()
        for f in (self.out, self.err):
            f.close()
            os.unlink(f.name)


def sink(hosts, *arguments):
    return Background(hosts.on_receiver([WSASEND, "sink", f"{RECEIVER}:0", *arguments]), port_from_stderr=True)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The tests. Each returns one sentence of what the report showed, for the table.

TESTS = []


def fault(name, expected):
    def register(function):
        TESTS.append((name, expected, function))
        return function
    return register


def needs_nft():
    return None if shutil.which("nft") else "nftables (nft) is not installed: make test-faults installs it"


class Context:
    def __init__(self, hosts, payload, mib):
        self.hosts, self.payload, self.mib = hosts, payload, mib
        self.clean_p99 = None


def lossless_run(ctx, mode_arguments):
    """Sends the payload over the damaged link into a sink that writes it out; returns the report and the copy."""
    hosts = ctx.hosts
    with tempfile.TemporaryDirectory() as directory:
        copy = os.path.join(directory, "copy.bin")
        receiver = sink(hosts, "--once", "--output", copy, "--json")
        try:
            sender = Sender(hosts, [f"{RECEIVER}:{receiver.port}", "--file", ctx.payload, "--buffers", "4x16K",
                                    *mode_arguments], timeout=240).run()
            sink_report = json.loads(receiver.wait(timeout=30))
        finally:
            receiver.close()
        arrived = os.path.getsize(copy) if os.path.exists(copy) else 0
        same = arrived and sha256(copy) == sha256(ctx.payload)
    return sender, sink_report, arrived, same


def damage(ctx):
    ctx.hosts.clear_damage()
    ctx.hosts.limit_rate(50)
    ctx.hosts.drop_randomly(5)


for label, mode_arguments in LOSSLESS_MODES.items():
    def lossless(ctx, mode_arguments=mode_arguments, label=label):
        if needs_nft():
            return "skip: " + needs_nft()
        if ctx.clean_p99 is None:
            ctx.hosts.clear_damage()
            clean, _, _, _ = lossless_run(ctx, ["--mode", "blocking"])
            ctx.clean_p99 = clean.report["summary"]["latency_seconds"]["p99"]
        damage(ctx)
        sender, sink_report, arrived, same = lossless_run(ctx, mode_arguments)
        summary = sender.report["summary"]
        size = os.path.getsize(ctx.payload)
        check(sender.status == 0, f"exit {sender.status}, expected 0: {sender.stderr[:300]}")
        check(same, f"the copy differs from the payload ({arrived} of {size} bytes arrived)")
        check(summary["bytes_sent"] == size == arrived,
              f"bytes_sent {summary['bytes_sent']}, payload {size}, arrived {arrived}")
        p99 = summary["latency_seconds"]["p99"]
        if label == "nonblocking":
            # A non-blocking call never waits: the stalls show as WSAEWOULDBLOCK answers, not as latency.
            check(summary["would_block"] > 0, "no call would block although the link stalls")
            stalls = f"{summary['would_block']:,} calls would block"
        else:
            check(p99 > 2 * ctx.clean_p99,
                  f"p99 {p99:.6f} s is not well above the clean link's {ctx.clean_p99:.6f} s")
            stalls = f"p99 {p99 * 1e3:.1f} ms vs {ctx.clean_p99 * 1e3:.2f} ms clean"
        return f"{summary['bytes_sent']:,} bytes sent = arrived, sha256 equal; {stalls}; {sender.elapsed:.1f} s"
    shows = ("WSAEWOULDBLOCK answers show the stalls" if label == "nonblocking"
             else "p99 shows the retransmission stalls")
    fault(f"lossless {label}",
          f"5 % loss, 50 Mbit/s: the file arrives byte-exact in {label} mode; bytes_sent = bytes arrived; "
          f"{shows}")(lossless)


@fault("lossless event x4 connections",
       "5 % loss, 50 Mbit/s, 4 connections in event mode: the sink counts every byte the report says was sent")
def lossless_connections(ctx):
    if needs_nft():
        return "skip: " + needs_nft()
    damage(ctx)
    per_connection = ctx.mib * (1 << 20) // 4 // (4 * 16384)
    # The sink ends when no byte has come for --idle. Under 5 % loss a connection can wait out several
    # retransmission timeouts in a row (0.2 + 0.4 + 0.8 + 1.6 s ...); 10 s is past six of them on all four
    # at once. (With 3 s the sink once left mid-transfer and the sender saw WSAECONNRESET on every pending
    # send; the cause was the sink's idle check, which read a byte's time stored just after its own clock
    # reading as 2^64 ns of silence, and now counts it as activity: SinkIdle.isIdle.)
    receiver = sink(ctx.hosts, "--json", "--idle", "10s")
    try:
        sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--mode", "event", "--outstanding", "16",
                                    "--connections", "4", "--buffers", "4x16K", "--count", str(per_connection)],
                        timeout=240).run()
        sink_report = json.loads(receiver.wait(timeout=30))
    finally:
        receiver.close()
    expected = 4 * per_connection * 4 * 16384
    sent = sender.report["summary"]["bytes_sent"]
    received = sink_report["summary"]["bytes_received"]
    sink_seen = (f"the sink received {received:,} bytes in {sink_report['summary'].get('elapsed_seconds')} s")
    check(sender.status == 0, f"exit {sender.status}: {sender.stderr[:300].strip()}; {sink_seen}")
    check(sent == expected, f"bytes_sent {sent}, expected {expected}")
    check(received == sent, f"the sink received {received} bytes, the report says {sent} were sent")
    return f"{sent:,} bytes sent over 4 connections = {received:,} received; {sender.elapsed:.1f} s"


@fault("delivered, not only accepted (TCP_INFO, --drain)",
       "5 % loss, 50 Mbit/s, 8 MiB blocking: the report's TCP view shows retransmitted segments (> 0); "
       "without --drain bytes are still unacknowledged after the last call, with --drain they end at 0")
def delivery(ctx):
    if needs_nft():
        return "skip: " + needs_nft()
    damage(ctx)
    runs = {}
    for label, extra in (("plain", []), ("drain", ["--drain", "60s"])):
        receiver = sink(ctx.hosts, "--once", "--json")
        try:
            sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--buffers", "4x16K", "--count", "128",
                                        *extra], timeout=120).run()
            sink_report = json.loads(receiver.wait(timeout=60))
        finally:
            receiver.close()
        check(sender.status == 0, f"{label}: exit {sender.status}: {sender.stderr[:300]}")
        tcp = sender.report["connections"][0]["tcp"]
        check(tcp is not None, f"{label}: the connection has no TCP view")
        sent = sender.report["summary"]["bytes_sent"]
        received = sink_report["summary"]["bytes_received"]
        check(received == sent, f"{label}: sent {sent}, arrived {received}")
        check(tcp["retransmitted_segments"] > 0, f"{label}: no retransmitted segment under 5 % loss")
        runs[label] = (sender, tcp)
    plain_tcp = runs["plain"][1]
    drained, drained_tcp = runs["drain"]
    drain = drained.report["drain"]
    check(plain_tcp["unacknowledged_bytes"] > 0,
          "without --drain no byte was unacknowledged after the last call: the gap this view reports is not shown")
    check(drain is not None and drain["complete"], f"--drain did not see every byte acknowledged: {drain}")
    check(drain["unacknowledged_bytes"] == 0 and drained_tcp["unacknowledged_bytes"] == 0,
          f"--drain ended with bytes unacknowledged: {drain}, {drained_tcp}")
    return (f"{plain_tcp['retransmitted_segments']} and {drained_tcp['retransmitted_segments']} segments "
            f"retransmitted; without --drain {plain_tcp['unacknowledged_bytes']:,} bytes unacknowledged at the end, "
            f"with --drain 0 after {drain['seconds'] * 1e3:.1f} ms")


@fault("peer stops reading, blocking, --sndtimeo 1s",
       "the blocked WSASend fails with WSAETIMEDOUT (10060) after the timeout (not before it): exit 1, no hang")
def send_timeout(ctx):
    ctx.hosts.clear_damage()
    receiver = Background(ctx.hosts.on_receiver([sys.executable, PEERS, "noread", RECEIVER]), port_from_stderr=False)
    try:
        sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--buffers", "4x256K", "--duration", "30s",
                                    "--sndtimeo", "1s"], timeout=20).run()
    finally:
        receiver.close()
    summary = sender.report["summary"]
    check(sender.status == 1, f"exit {sender.status}, expected 1: {sender.stderr[:300]}")
    check(WSAETIMEDOUT in sender.codes(), f"codes {sorted(sender.codes())}, expected WSAETIMEDOUT (10060)")
    check(summary["failed"] == 1, f"{summary['failed']} calls failed, expected the one that timed out")
    slowest = summary["latency_seconds"]["max"]
    check(1.0 <= slowest < 3.0, f"the call that timed out took {slowest:.3f} s for a 1 s SO_SNDTIMEO")
    check(sender.elapsed < 10, f"took {sender.elapsed:.1f} s")
    return f"WSAETIMEDOUT after {slowest:.2f} s (the failing call), exit 1 after {sender.elapsed:.1f} s"


@fault("connect to a host that drops SYNs",
       "--connect-timeout 2s: WSAETIMEDOUT (10060), exit 69, within the timeout")
def syn_drop(ctx):
    if needs_nft():
        return "skip: " + needs_nft()
    ctx.hosts.clear_damage()
    ctx.hosts.drop_syns_to(9)
    sender = Sender(ctx.hosts, [f"{RECEIVER}:9", "--connect-timeout", "2s"], timeout=20).run()
    check(sender.status == 69, f"exit {sender.status}, expected 69: {sender.stderr[:300]}")
    check(WSAETIMEDOUT in sender.codes(), f"codes {sorted(sender.codes())}, expected WSAETIMEDOUT (10060)")
    check(sender.elapsed < 6, f"took {sender.elapsed:.1f} s for a 2 s timeout")
    return f"WSAETIMEDOUT, exit 69 after {sender.elapsed:.1f} s"


for label, mode_arguments in LOSSLESS_MODES.items():
    def reset(ctx, mode_arguments=mode_arguments):
        ctx.hosts.clear_damage()
        limit = 1 << 20
        receiver = Background(ctx.hosts.on_receiver([sys.executable, PEERS, "reset", RECEIVER, str(limit)]),
                              port_from_stderr=False)
        try:
            sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--buffers", "4x16K", "--duration", "20s",
                                        *mode_arguments], timeout=40).run()
            read = int(receiver.wait(timeout=10).split()[1])
        finally:
            receiver.close()
        codes = sender.codes()
        check(sender.status == 1, f"exit {sender.status}, expected 1: {sender.stderr[:300]}")
        check(codes & {WSAECONNRESET, WSAECONNABORTED}, f"codes {sorted(codes)}: no WSAECONNRESET")
        check(sender.elapsed < 10, f"took {sender.elapsed:.1f} s: the reset did not end the run")
        sent = sender.report["summary"]["bytes_sent"]
        check(sent >= read, f"bytes_sent {sent} is less than the {read} bytes the peer read")
        return f"WSAECONNRESET, exit 1 after {sender.elapsed:.1f} s; {sent:,} bytes sent, peer read {read:,}"
    fault(f"peer resets mid-run, {label}",
          "the peer reads 1 MiB then closes with SO_LINGER 0: WSAECONNRESET in the report, the bytes taken "
          "before it, exit 1, no hang")(reset)


@fault("peer stops reading, event x64, --duration 2s",
       "sends stay pending until --duration ends the run: exit 0, the pending sends reported as "
       "WSA_OPERATION_ABORTED (995)")
def stalled_overlapped(ctx):
    ctx.hosts.clear_damage()
    receiver = Background(ctx.hosts.on_receiver([sys.executable, PEERS, "noread", RECEIVER]), port_from_stderr=False)
    try:
        sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--mode", "event", "--outstanding", "64",
                                    "--buffers", "4x16K", "--duration", "2s"], timeout=20).run()
    finally:
        receiver.close()
    summary = sender.report["summary"]
    aborted = sum(e["count"] for e in summary.get("completion_codes", []) if e["code"] == 995)
    check(sender.status == 0, f"exit {sender.status}, expected 0: {sender.stderr[:300]}")
    check(aborted > 0, "no send was reported as aborted at the end")
    check(summary["bytes_sent"] < summary["bytes_requested"], "every byte was reported as sent to a peer that read none")
    check(sender.elapsed < 6, f"took {sender.elapsed:.1f} s for a 2 s run")
    return f"exit 0 after {sender.elapsed:.1f} s, {aborted} sends aborted (995)"


@fault("link down for 2 s mid-run, then up",
       "blocking run of 6 s: TCP retransmits across the outage; exit 0, every byte sent arrives, max latency "
       "shows the outage")
def link_flap(ctx):
    ctx.hosts.clear_damage()
    receiver = sink(ctx.hosts, "--once", "--json")
    try:
        sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--buffers", "4x16K", "--rate", "20M",
                                    "--duration", "6s"], timeout=40).start()
        time.sleep(1.5)
        ctx.hosts.set_link(False)
        time.sleep(2)
        ctx.hosts.set_link(True)
        sender.finish()
        sink_report = json.loads(receiver.wait(timeout=30))
    finally:
        ctx.hosts.set_link(True)
        receiver.close()
    summary = sender.report["summary"]
    received = sink_report["summary"]["bytes_received"]
    check(sender.status == 0, f"exit {sender.status}: {sender.stderr[:300]}")
    check(received == summary["bytes_sent"], f"sent {summary['bytes_sent']}, arrived {received}")
    check(summary["latency_seconds"]["max"] > 1.0, f"max latency {summary['latency_seconds']['max']} s hides the outage")
    return (f"exit 0, {received:,} bytes sent = arrived, max latency {summary['latency_seconds']['max']:.2f} s")


@fault("sink killed with SIGKILL mid-stream",
       "the sender sees the reset: WSAECONNRESET, exit 1 (never killed by SIGPIPE), no hang")
def sink_killed(ctx):
    ctx.hosts.clear_damage()
    receiver = sink(ctx.hosts, "--json")
    try:
        sender = Sender(ctx.hosts, [f"{RECEIVER}:{receiver.port}", "--buffers", "4x16K", "--duration", "20s"],
                        timeout=40).start()
        time.sleep(1)
        receiver.stop()
        sender.finish()
    finally:
        receiver.close()
    check(sender.status == 1, f"exit {sender.status}, expected 1 (a signal would be negative): {sender.stderr[:300]}")
    check(sender.codes() & {WSAECONNRESET, WSAECONNABORTED}, f"codes {sorted(sender.codes())}: no WSAECONNRESET")
    check(sender.elapsed < 10, f"took {sender.elapsed:.1f} s")
    return f"WSAECONNRESET, exit 1 after {sender.elapsed:.1f} s"


def interrupt(ctx, arguments, signal_number, expected_status, receiver_argv=None):
    receiver = (Background(ctx.hosts.on_receiver(receiver_argv), port_from_stderr=False) if receiver_argv else None)
    try:
        port = receiver.port if receiver else 9
        sender = Sender(ctx.hosts, [f"{RECEIVER}:{port}", *arguments], timeout=20).start()
        time.sleep(1)
        sender.process.send_signal(signal_number)
        sender.finish()
    finally:
        if receiver:
            receiver.close()
    check(sender.status == expected_status, f"exit {sender.status}, expected {expected_status}: {sender.stderr[:300]}")
    check(sender.report.get("interrupted") is True, "the JSON report does not say it was interrupted")
    check(sender.elapsed < 4, f"took {sender.elapsed:.1f} s to stop after the signal")
    return f"partial JSON report, interrupted, exit {sender.status} after {sender.elapsed:.1f} s"


NOREAD = [sys.executable, PEERS, "noread", RECEIVER]


@fault("SIGINT while connecting (SYNs dropped)", "the partial report, exit 130")
def sigint_connecting(ctx):
    if needs_nft():
        return "skip: " + needs_nft()
    ctx.hosts.clear_damage()
    ctx.hosts.drop_syns_to(9)
    return interrupt(ctx, ["--connect-timeout", "30s"], signal.SIGINT, 130)


@fault("SIGINT during a blocked send", "blocking mode, a peer that does not read: the partial report, exit 130")
def sigint_sending(ctx):
    ctx.hosts.clear_damage()
    return interrupt(ctx, ["--buffers", "4x256K", "--duration", "30s"], signal.SIGINT, 130, NOREAD)


@fault("SIGINT while waiting for completions",
       "event mode, 64 outstanding, a peer that does not read: the partial report, exit 130")
def sigint_waiting(ctx):
    ctx.hosts.clear_damage()
    return interrupt(ctx, ["--mode", "event", "--outstanding", "64", "--buffers", "4x16K", "--duration", "30s"],
                     signal.SIGINT, 130, NOREAD)


SILENT_NAME = "unanswered.wsasend.test"


def sigint_resolving(ctx, arguments):
    if needs_nft():
        return "skip: " + needs_nft()
    ctx.hosts.clear_damage()
    ctx.hosts.silent_nameserver()
    sender = Sender(ctx.hosts, arguments, timeout=90).start()
    time.sleep(1.5)
    check(sender.process.poll() is None, "wsasend ended before the signal: the lookup did not wait on the nameserver")
    signalled = time.monotonic()
    sender.process.send_signal(signal.SIGINT)
    sender.finish()
    after = time.monotonic() - signalled
    check(sender.status == 130, f"exit {sender.status}, expected 130: {sender.stderr[:300]}")
    check(sender.report.get("interrupted") is True, "the JSON report does not say it was interrupted")
    check(after < 2, f"took {after:.1f} s to stop after the signal: getaddrinfo was not given up")
    summary = sender.report.get("summary") or {}
    if "calls" in summary:
        calls = summary["calls"]
        check(calls == 0, f"{calls} calls reported for a name that never resolved")
        return f"partial JSON report (0 calls), interrupted, exit 130 {after:.2f} s after the signal"
    received = summary.get("bytes_received")
    check(received == 0, f"the sink reports {received} bytes for a name that never resolved")
    return f"the sink's JSON report (0 bytes), interrupted, exit 130 {after:.2f} s after the signal"


for label, arguments in {
        "blocking": [f"{SILENT_NAME}:9", "--mode", "blocking"],
        "event, 4 connections": [f"{SILENT_NAME}:9", "--mode", "event", "--connections", "4"],
        "--listen": ["--listen", f"{SILENT_NAME}:0"],
        "sink": ["sink", f"{SILENT_NAME}:0"]}.items():
    fault(f"SIGINT while resolving the name, {label}",
          "getaddrinfo waits on a nameserver whose packets are dropped (resolver timeout 30 s, 2 attempts): "
          "the partial report, exit 130, within 2 s of the signal")(
        lambda ctx, arguments=arguments: sigint_resolving(ctx, arguments))


class Terminal:
    """A program on a tmux terminal of its own (its own server socket, `-L`), on the sender's host: Ctrl-C
    typed there reaches it as a person's would. The shell around it prints its exit status and keeps the
    pane open, so that both can be read."""

    def __init__(self, hosts, argv):
        self.server = f"wsfault-{os.getpid()}"
        script = 'trap : INT; "$@"; echo "wsasend exited with $?"; exec sleep 120'
        words = ["sh", "-c", script, "sh", "env", "INPUTRC=/dev/null", "TERM=xterm",
                 f"XDG_STATE_HOME={tempfile.mkdtemp()}", *hosts.on_sender(argv)]
        self.tmux("new-session", "-d", "-x", "120", "-y", "40", " ".join(shlex.quote(w) for w in words))

    def tmux(self, *arguments):
        return subprocess.run(["tmux", "-L", self.server, *arguments], check=True, capture_output=True,
                              text=True, timeout=10).stdout

    def type(self, text):
        self.tmux("send-keys", "-l", text)

    def wait_for(self, text, timeout=10):
        """The screen once it holds `text`; a Failure after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.tmux("capture-pane", "-p")
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise Failure(f"the terminal never showed {text!r}: {screen.strip()[-400:]!r}")
            time.sleep(0.02)

    def close(self):
        subprocess.run(["tmux", "-L", self.server, "kill-server"], capture_output=True)


@fault("Ctrl-C during the REPL's connect NAME:PORT lookup",
       "getaddrinfo waits on a silent nameserver: Ctrl-C ends the lookup within 2 s, not the session, "
       "which goes on and ends with exit 0")
def repl_interrupt_resolving(ctx):
    if needs_nft():
        return "skip: " + needs_nft()
    if not shutil.which("tmux"):
        return "skip: tmux is not installed: make test-deps installs it"
    ctx.hosts.clear_damage()
    ctx.hosts.silent_nameserver()
    terminal = Terminal(ctx.hosts, [WSASEND, "repl"])
    try:
        terminal.wait_for("(not connected) blocking>")
        terminal.type(f"connect {SILENT_NAME}:9\n")
        # The lookup waits for up to a minute; the line's echo shows the command was read.
        terminal.wait_for(f"connect {SILENT_NAME}:9\n")
        time.sleep(1.5)
        screen = terminal.tmux("capture-pane", "-p")
        check("interrupted" not in screen and "cannot" not in screen,
              f"the connect ended before Ctrl-C: {screen.strip()[-300:]!r}")
        pressed = time.monotonic()
        terminal.tmux("send-keys", "C-c")
        terminal.wait_for(f"connect to {SILENT_NAME}:9 interrupted", timeout=30)
        after = time.monotonic() - pressed
        check(after < 2, f"took {after:.1f} s to end the lookup after Ctrl-C")
        terminal.type("settings\n")
        terminal.wait_for("outstanding 1")
        terminal.tmux("send-keys", "C-d")
        screen = terminal.wait_for("wsasend exited with ")
        status = screen.rsplit("wsasend exited with ", 1)[1].split()[0]
        check(status == "0", f"the session ended with {status}, expected 0 after Ctrl-D")
    finally:
        terminal.close()
    return f"'connect to {SILENT_NAME}:9 interrupted' {after:.2f} s after Ctrl-C; the session went on, exit 0"


@fault("the resolver times out (a nameserver that never answers)",
       "resolv.conf's timeout:1 attempts:1: getaddrinfo gives up, WSATRY_AGAIN (11002), exit 68, no hang")
def resolver_timeout(ctx):
    if needs_nft():
        return "skip: " + needs_nft()
    ctx.hosts.clear_damage()
    ctx.hosts.silent_nameserver("timeout:1 attempts:1")
    sender = Sender(ctx.hosts, [f"{SILENT_NAME}:9"], timeout=30).run()
    check(sender.status == 68, f"exit {sender.status}, expected 68: {sender.stderr[:300]}")
    check(11002 in sender.codes(), f"codes {sorted(sender.codes())}, expected WSATRY_AGAIN (11002)")
    check(SILENT_NAME in sender.stderr, f"stderr does not name the host: {sender.stderr[:300]}")
    check(sender.elapsed < 10, f"took {sender.elapsed:.1f} s for a 1 s resolver timeout")
    return f"WSATRY_AGAIN, exit 68 after {sender.elapsed:.1f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only")
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--mib", type=int, default=int(os.environ.get("FAULT_MIB", "64")))
    options = parser.parse_args()
    selected = [t for t in TESTS if not options.only or any(o.strip() in t[0] for o in options.only.split(","))]
    results = []
    reason = hostlib.unavailable_reason()
    if reason is None and not os.access(WSASEND, os.X_OK):
        reason = f"no wsasend binary at {WSASEND}: build first (make build)"
    if reason:
        for name, expected, _ in selected:
            results.append((name, expected, "SKIP", reason))
            print(f"SKIP  {name}: {reason}", flush=True)
    else:
        with tempfile.TemporaryDirectory() as directory, hostlib.TestHosts(before_removal=kill_running) as test_hosts:
            payload = os.path.join(directory, "payload.bin")
            with open(payload, "wb") as f:
                f.write(os.urandom(options.mib << 20))
            ctx = Context(test_hosts, payload, options.mib)
            for name, expected, function in selected:
                try:
                    observed = function(ctx)
                    verdict = "SKIP" if observed.startswith("skip: ") else "PASS"
                    observed = observed.removeprefix("skip: ")
                except Failure as failure:
                    verdict, observed = "FAIL", str(failure)
                except Exception as error:  # a broken test is a failure, never a pass
                    verdict, observed = "FAIL", f"{type(error).__name__}: {error}"
                results.append((name, expected, verdict, observed))
                print(f"{verdict}  {name}: {observed}", flush=True)
    if options.table:
        print("\n| fault | expected | what the report showed |\n|---|---|---|")
        for name, expected, verdict, observed in results:
            print(f"| {name} | {expected} | {verdict}: {observed} |")
    counts = {v: sum(1 for r in results if r[2] == v) for v in ("PASS", "FAIL", "SKIP")}
    print(f"faults: {counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
