/// The REPL's commands as `help` shows them (the manual's REPL section says the same).
public enum ReplHelp {
    /// One command: its name, its usage line, and what it does.
    public struct Entry: Sendable {
        public let name: String
        public let usage: String
        public let summary: String
    }

    /// Every command, in the order `help` lists them.
    public static let entries: [Entry] = [
        Entry(
            name: "connect", usage: "connect HOST:PORT [--udp [--no-connect]]",
            summary:
                "Close the current socket, if any, and connect a new one (a connected UDP socket with --udp; "
                + "with --no-connect too, an unconnected one that sendto sends to HOST:PORT)."),
        Entry(
            name: "listen", usage: "listen [HOST:]PORT",
            summary: "Wait for one peer on PORT (127.0.0.1 when no host is given) and take its connection."),
        Entry(
            name: "close", usage: "close",
            summary: "closesocket: every pending send completes with WSA_OPERATION_ABORTED (995), printed in order."),
        Entry(
            name: "shutdown", usage: "shutdown send|receive|both",
            summary: "shutdown with SD_SEND, SD_RECEIVE or SD_BOTH; later sends fail with WSAESHUTDOWN."),
        Entry(
            name: "buffers", usage: "buffers SPEC",
            summary: "The WSABUF array of each call, as --buffers: [COUNTx]SIZE items, such as 4x4096 or 2x1K,512."),
        Entry(
            name: "flags", usage: "flags LIST|none",
            summary:
                "WSASend's flags, as --flags: oob, dontroute, partial (or MSG_OOB ..., or a number); none clears them."),
        Entry(
            name: "mode", usage: "mode blocking|nonblocking|event|routine",
            summary: "How WSASend is called, as --mode: a blocking or non-blocking socket, or overlapped calls."),
        Entry(
            name: "outstanding", usage: "outstanding N",
            summary:
                "Overlapped calls in flight at most, \(OptionLimits.outstanding.lowerBound) to \(OptionLimits.outstanding.upperBound); a send past it is refused until one completes."
        ),
        Entry(
            name: "sndbuf", usage: "sndbuf SIZE",
            summary: "The socket's send buffer (SO_SNDBUF), such as 64K; set now and on every later socket."),
        Entry(
            name: "nodelay", usage: "nodelay on|off",
            summary: "TCP_NODELAY: send small segments at once instead of coalescing them."),
        Entry(
            name: "sndtimeo", usage: "sndtimeo DURATION",
            summary: "SO_SNDTIMEO, such as 2s; a blocking send stuck that long fails with WSAETIMEDOUT; 0 for none."),
        Entry(name: "settings", usage: "settings", summary: "Show the settings."),
        Entry(
            name: "send", usage: "send [N] | send \"TEXT\" | send hex BYTES",
            summary:
                "N calls with the current settings (default 1), each printed with its return value, code and bytes; "
                + "or the text (escapes \\r \\n \\t \\\\ \\\" \\xHH) or the hexadecimal bytes in one call."),
        Entry(
            name: "sendto",
            usage: "sendto [HOST:PORT] [N] | sendto [HOST:PORT] \"TEXT\" | sendto [HOST:PORT] hex BYTES",
            summary:
                "As send, with WSASendTo on a UDP socket: each datagram to HOST:PORT, or to the target of "
                + "connect --udp --no-connect; with no socket yet, an unconnected UDP socket is opened for it."),
        Entry(
            name: "recv", usage: "recv [SIZE] [TIMEOUT]",
            summary: "What the peer sent, up to SIZE (default 64K) within TIMEOUT (default 1s): text, or a hex dump."),
        Entry(
            name: "pending", usage: "pending",
            summary: "The overlapped sends in flight: ID, bytes and age of each."),
        Entry(
            name: "wait", usage: "wait [TIMEOUT]",
            summary:
                "An alertable wait that prints every completion routine it runs and every event signalled, until "
                + "nothing is pending or TIMEOUT passes; Ctrl-C ends it."),
        Entry(
            name: "result", usage: "result ID [wait]",
            summary: "WSAGetOverlappedResult for send ID; with wait, fWait is TRUE."),
        Entry(
            name: "flush", usage: "flush",
            summary: "WSAIoctl SIO_FLUSH: the pending sends complete with WSA_OPERATION_ABORTED (995)."),
        Entry(name: "status", usage: "status", summary: "The socket: addresses, transport, mode, pending sends."),
        Entry(
            name: "stats", usage: "stats [--json]",
            summary: "The send command's report for the session so far (one JSON object with --json)."),
        Entry(
            name: "codes", usage: "codes [CODE]",
            summary: "The Winsock error codes, or one in full, by number (10054) or name (WSAECONNRESET)."),
        Entry(name: "history", usage: "history", summary: "The lines entered so far."),
        Entry(name: "help", usage: "help [COMMAND]", summary: "The commands, or one of them."),
        Entry(name: "quit", usage: "quit | exit", summary: "Close the socket, print the stats and leave."),
        Entry(name: "exit", usage: "quit | exit", summary: "Close the socket, print the stats and leave."),
    ]

    /// The entry of a command name; nil for none.
    public static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// "usage: connect HOST:PORT [--udp]"; `send hex` is `send`'s.
    public static func usage(of command: String) -> String {
        let name = command.split(separator: " ").first.map(String.init) ?? command
        return "usage: " + (entry(named: name)?.usage ?? name)
    }

    /// What `help` prints: the list, or one command.
    public static func text(for topic: String?) -> [String] {
        if let topic, let entry = entry(named: topic) {
            return ["usage: \(entry.usage)", "  \(entry.summary)"]
        }
        var lines: [String] = []
        for entry in entries where entry.name != "exit" {
            lines.append(entry.usage)
            lines.append("    " + entry.summary)
        }
        lines.append("Lines starting with # are comments. Ctrl-C interrupts a send or a wait; Ctrl-D leaves.")
        return lines
    }
}
