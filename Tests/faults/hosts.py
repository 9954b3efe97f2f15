"""Two test hosts joined by one damaged link: network namespaces, a veth pair, tbf and nftables.

The sender's host is 10.77.0.1 and the receiver's 10.77.0.2; both addresses exist only inside the
namespaces this module makes, so no packet of a test leaves the machine. Everything made is removed
when the context ends, when the process gets SIGTERM, SIGINT or SIGHUP, and, for namespaces left by
a process that was killed outright, by the next run (their names carry the creator's process id).
That includes a namespace's own resolver configuration, /etc/netns/NAME/, which `ip netns exec` mounts
over /etc for the programs it runs (see silent_nameserver).
"""
import os
import re
import shutil
import signal
import subprocess
import sys

SENDER_ADDRESS = "10.77.0.1"
RECEIVER_ADDRESS = "10.77.0.2"
PREFIX = "wsft"
NETNS_ETC = "/etc/netns"


def _ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def remove_stale():
    """Deletes the namespaces of earlier runs whose process is gone (a run killed with SIGKILL)."""
    listing = _ip("netns", "list", check=False).stdout
    for line in listing.splitlines():
        match = re.match(rf"^({PREFIX}(\d+)[ab])\b", line)
        if match and not os.path.exists(f"/proc/{match.group(2)}"):
            _ip("netns", "del", match.group(1), check=False)
    for name in os.listdir(NETNS_ETC) if os.path.isdir(NETNS_ETC) else []:
        match = re.match(rf"^{PREFIX}(\d+)[ab]$", name)
        if match and not os.path.exists(f"/proc/{match.group(1)}"):
            shutil.rmtree(os.path.join(NETNS_ETC, name), ignore_errors=True)


def unavailable_reason():
    """Why test hosts cannot be made here, or None where they can."""
    if os.geteuid() != 0:
        return "network namespaces need root (ip netns add); run make test-faults as root"
    if shutil.which("ip") is None or shutil.which("tc") is None:
        return "iproute2 (ip, tc) is not installed"
    probe = f"{PREFIX}{os.getpid()}p"
    made = _ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"this machine refuses network namespaces: {made.stderr.strip()}"
    _ip("netns", "del", probe, check=False)
    return None


class TestHosts:
    """The sender's namespace and the receiver's, joined by a veth pair, with the damage a test asks for."""

    def __init__(self, before_removal=None):
        self.before_removal = before_removal
        pid = os.getpid()
        self.sender = f"{PREFIX}{pid}a"
        self.receiver = f"{PREFIX}{pid}b"
        self.sender_link = f"{PREFIX}{pid}a"
        self.receiver_link = f"{PREFIX}{pid}b"
        self._previous_handlers = {}

    def __enter__(self):
        remove_stale()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self._previous_handlers[sig] = signal.signal(sig, self._on_signal)
        try:
            self._make()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc):
        self.remove()
        for sig, handler in self._previous_handlers.items():
            signal.signal(sig, handler)

    def _on_signal(self, number, _frame):
        # Stop at once: the programs running in the namespaces first, then the namespaces, then this
        # process, without unwinding through tests that would try to use the hosts just removed.
        if self.before_removal:
            self.before_removal()
        self.remove()
        print(f"faults: stopped by signal {number}; the test hosts were removed", file=sys.stderr, flush=True)
        os._exit(128 + number)

    def _make(self):
        _ip("netns", "add", self.sender)
        _ip("netns", "add", self.receiver)
        _ip("link", "add", self.sender_link, "type", "veth", "peer", "name", self.receiver_link)
        _ip("link", "set", self.sender_link, "netns", self.sender)
        _ip("link", "set", self.receiver_link, "netns", self.receiver)
        _ip("-n", self.sender, "addr", "add", f"{SENDER_ADDRESS}/24", "dev", self.sender_link)
        _ip("-n", self.receiver, "addr", "add", f"{RECEIVER_ADDRESS}/24", "dev", self.receiver_link)
        for namespace, link in ((self.sender, self.sender_link), (self.receiver, self.receiver_link)):
            _ip("-n", namespace, "link", "set", "lo", "up")
            _ip("-n", namespace, "link", "set", link, "up")

    def remove(self):
        """Deletes both namespaces (the veth pair goes with them) and their resolver files. Safe to call twice."""
        for namespace in (self.sender, self.receiver):
            _ip("netns", "del", namespace, check=False)
            shutil.rmtree(os.path.join(NETNS_ETC, namespace), ignore_errors=True)
        try:
            os.rmdir(NETNS_ETC)  # only when empty: another tool's namespaces may keep files there
        except OSError:
            pass

    # Running programs on either host.

    def command(self, namespace, argv):
        return ["ip", "netns", "exec", namespace, *argv]

    def on_sender(self, argv):
        return self.command(self.sender, argv)

    def on_receiver(self, argv):
        return self.command(self.receiver, argv)

    # Damage. The kernel here has no netem qdisc: loss is an nftables rule, the rate a tbf qdisc.

    def limit_rate(self, mbit, queue_ms=20):
        """A token bucket on the sender's link: a short queue that drops on overflow."""
        self._tc(["qdisc", "replace", "dev", self.sender_link, "root", "tbf", "rate", f"{mbit}mbit",
                  "burst", "64kb", "latency", f"{queue_ms}ms"])

    def drop_randomly(self, percent):
        """Drops this share of the packets the sender's host sends on the link (data; ACKs come back)."""
        self._nft(self.sender, f"""
table inet wsfault {{
  chain out {{ type filter hook output priority 0; policy accept;
    oifname "{self.sender_link}" numgen random mod 100 < {percent} drop; }}
}}""")

    def drop_syns_to(self, port):
        """The receiver's host ignores connection requests to this port, as a firewalled host does."""
        self._nft(self.receiver, f"""
table inet wsfault {{
  chain in {{ type filter hook input priority 0; policy accept;
    tcp dport {port} tcp flags & (syn | ack) == syn drop; }}
}}""")

    def silent_nameserver(self, options="timeout:30 attempts:2"):
        """The sender's resolver asks the receiver's host, which drops every DNS packet: a name lookup
        waits as long as `options` (resolv.conf's) let it. `ip netns exec` mounts /etc/netns/NAME/resolv.conf
        over /etc/resolv.conf for the sender's programs; an empty hosts file there keeps /etc/hosts out."""
        directory = os.path.join(NETNS_ETC, self.sender)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "resolv.conf"), "w") as f:
            f.write(f"nameserver {RECEIVER_ADDRESS}\noptions {options}\n")
        with open(os.path.join(directory, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n")
        self._nft(self.receiver, """
table inet wsfault {
  chain in { type filter hook input priority 0; policy accept;
    udp dport 53 drop; tcp dport 53 drop; }
}""")

    def clear_damage(self):
        subprocess.run(self.on_sender(["tc", "qdisc", "del", "dev", self.sender_link, "root"]),
                       capture_output=True)
        for namespace in (self.sender, self.receiver):
            subprocess.run(self.command(namespace, ["nft", "flush", "ruleset"]), capture_output=True)
        shutil.rmtree(os.path.join(NETNS_ETC, self.sender), ignore_errors=True)

    def set_link(self, up):
        _ip("-n", self.sender, "link", "set", self.sender_link, "up" if up else "down")

    def _tc(self, args):
        subprocess.run(self.on_sender(["tc", *args]), check=True, capture_output=True, text=True)

    def _nft(self, namespace, ruleset):
        subprocess.run(self.command(namespace, ["nft", "-f", "-"]), input=ruleset, check=True,
                       capture_output=True, text=True)
