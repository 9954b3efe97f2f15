import ArgumentParser
import Winsock

/// The options of a send run, as the command line and a REPL parse them; `makePlan` turns them into a
/// `RunPlan`. Grammar errors surface while parsing, cross-field rules in `validate()`.
///
/// Numbers, sizes, durations, rates, flags, modes and listen addresses take the next word whatever it
/// looks like
/// (`parsing: .unconditional`): `--count -1` is a negative count and `--count -q` an option where the
/// count belongs (`ValueSign`), where ArgumentParser would read either as an option and report the value
/// missing.
public struct SendOptions: ParsableArguments, Sendable {
    @Argument(
        help: ArgumentHelp(
            "The host to send to: HOST:PORT, with a name, an IPv4 address or [IPV6] in brackets.", valueName: "target"),
        transform: { try Target.parse($0).parsed() })
    public var target: Target?

    @OptionGroup public var call: CallOptions

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The number of buffer sets each connection sends (default 1, or until the file ends).", valueName: "n"),
        transform: { try NumberGrammar.parse($0, what: "--count", in: OptionLimits.count).parsed() })
    public var count: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How long each connection sends instead of a count, such as 10s, 500ms or 1h30m (a bare number is seconds).",
            valueName: "duration"),
        transform: { try DurationGrammar.parse($0).parsed() })
    public var duration: UInt64?

    @Flag(help: "Set MSG_OOB: send the data as urgent (out-of-band) data.")
    public var oob = false

    @Flag(help: "Set MSG_DONTROUTE: ask the transport not to route the data.")
    public var dontroute = false

    @Flag(help: "Set MSG_PARTIAL, which TCP and UDP refuse with WSAEOPNOTSUPP.")
    public var partial = false

    @Flag(help: "Send datagrams on a connected UDP socket instead of a TCP stream.")
    public var udp = false

    @Flag(help: "With --udp, leave the socket unconnected and send each datagram to the target with WSASendTo.")
    public var noConnect = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The number of connections, each sending the whole run and ending its stream when done, \(OptionLimits.connections.lowerBound) to \(OptionLimits.connections.upperBound).",
            valueName: "n"),
        transform: { try NumberGrammar.parse($0, what: "--connections", in: OptionLimits.connections).parsed() })
    public var connections: UInt64 = 1

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Bind each connection to these source addresses in turn before connecting, such as 127.0.0.2,127.0.0.3.",
            valueName: "addresses"),
        transform: { try SourceAddresses.parse($0).parsed() })
    public var bind: SourceAddresses?

    @Option(
        help: ArgumentHelp(
            "Send the bytes of this file (- for standard input) in consecutive buffers; the run ends with it. "
                + "A pipe's bytes are sent as they come.",
            valueName: "path"),
        completion: .file())
    public var file: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Wait for connections on [HOST:]PORT (127.0.0.1 when no host is given), then send.", valueName: "address"),
        transform: { try ListenAddress.parse($0).parsed() })
    public var listen: ListenAddress?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Hold each connection to this rate: bits per second (100M, 100Mbit, 100Mbps) or bytes (12.5MB/s).",
            valueName: "rate"),
        transform: { try RateGrammar.parse($0).parsed() })
    public var rate: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Set SO_SNDTIMEO: a blocking call that cannot finish this soon fails with WSAETIMEDOUT, such as 2s or 500ms.",
            valueName: "duration"),
        transform: { try DurationGrammar.parse($0).parsed() })
    public var sndtimeo: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How long a connect (or, with --listen, the wait for a connection) may take, such as 3s.",
            valueName: "duration"),
        transform: { try DurationGrammar.parse($0).parsed() })
    public var connectTimeout: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "After the last call, wait until the peer has acknowledged every byte, at most this long (default 10s).",
            valueName: "timeout"),
        transform: { try DurationGrammar.parse($0).parsed() })
    public var drain: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Print a progress line on standard error every so often, 10ms or more, such as 1s; 0 turns it off. Also the interval of --json-stream and --histogram-log.",
            valueName: "duration"),
        transform: { try DurationGrammar.parseInterval($0).parsed() })
    public var interval: UInt64?

    @OptionGroup(title: "Shards and histograms") public var sharding: ShardOptions

    @Flag(help: "Print the report as one JSON object on standard output.")
    public var json = false

    @Flag(
        help:
            "Print NDJSON on standard output as the run goes: one object per --interval (default 1s; with --rate, latency from the schedule too), then the report on the last line."
    )
    public var jsonStream = false

    @Flag(name: [.customShort("v"), .long], help: "Print a line for every WSASend call.")
    public var verbose = false

    @Flag(name: [.customShort("q"), .long], help: "Print nothing but errors (and the JSON report with --json).")
    public var quiet = false

    public init() {}

    /// The WSABUF array of each call (shared with the REPL: `CallOptions`).
    public var buffers: BufferSpec {
        get { call.buffers }
        set { call.buffers = newValue }
    }
    /// The flags given with `--flags`, before `--oob`, `--dontroute` and `--partial` add theirs.
    public var flags: DWORD? {
        get { call.flags }
        set { call.flags = newValue }
    }
    public var mode: SendMode {
        get { call.mode }
        set { call.mode = newValue }
    }
    public var outstanding: UInt64? {
        get { call.outstanding }
        set { call.outstanding = newValue }
    }
    public var sndbuf: UInt64? {
        get { call.sndbuf }
        set { call.sndbuf = newValue }
    }
    public var nodelay: Bool {
        get { call.nodelay }
        set { call.nodelay = newValue }
    }

    public mutating func validate() throws {
        if let outstanding, !mode.isOverlapped {
            throw ValidationError(
                "--outstanding \(outstanding) needs an overlapped mode (--mode event or routine); --mode \(mode.rawValue) makes one call at a time."
            )
        }
        switch (target, listen) {
        case (nil, nil):
            throw ValidationError("Missing the target: give HOST:PORT to connect to, or --listen [HOST:]PORT.")
        case (let target?, let listen?):
            throw ValidationError("--listen \(listen) and the target \(target) exclude each other: give one.")
        default: break
        }
        if count != nil && duration != nil {
            throw ValidationError("--count and --duration exclude each other: give one.")
        }
        if verbose && quiet { throw ValidationError("-v and -q exclude each other: give one.") }
        if json && jsonStream {
            throw ValidationError(
                "--json and --json-stream exclude each other: give one (--json-stream's last line is the --json report)."
            )
        }
        if interval == 0 {
            if jsonStream {
                throw ValidationError("--json-stream writes one object per --interval; --interval 0 leaves it none.")
            }
            if let log = sharding.histogramLog {
                throw ValidationError(
                    "--histogram-log \(log) writes one histogram per --interval; --interval 0 leaves it none.")
            }
        }
        if listen != nil && udp {
            throw ValidationError("--listen waits for a TCP connection; it cannot be combined with --udp.")
        }
        if let bind, let listen {
            throw ValidationError(
                "--bind \(bind) chooses where connections come from; --listen \(listen) accepts them instead: give one."
            )
        }
        if let sndtimeo, sndtimeo < 1_000_000 || sndtimeo / 1_000_000 > OptionLimits.sendTimeoutMilliseconds {
            throw ValidationError(
                "--sndtimeo \(Units.duration(Double(sndtimeo))) is out of range: SO_SNDTIMEO takes 1ms to \(OptionLimits.sendTimeoutMilliseconds)ms (0 would mean no timeout)."
            )
        }
        if drain != nil && udp {
            throw ValidationError("--drain waits for TCP acknowledgements; it cannot be combined with --udp.")
        }
        if nodelay && udp { throw ValidationError("--nodelay is a TCP option; it cannot be combined with --udp.") }
        if noConnect && !udp {
            throw ValidationError(
                "--no-connect sends datagrams with WSASendTo; it needs --udp (a TCP stream must connect).")
        }
        if let file {
            if connections > 1 {
                throw ValidationError("--file \(file) is one stream; it needs --connections 1, not \(connections).")
            }
            if sharding.shard != nil {
                throw ValidationError("--file \(file) is one stream; it cannot be split with --shard.")
            }
            if buffers.totalBytes == 0 {
                throw ValidationError("--file \(file) needs buffers that hold at least one byte, not '\(buffers)'.")
            }
        }
    }

    /// The plan these options describe.
    ///
    /// - Parameter stderrIsTerminal: Progress lines are on by default (every second) only on a terminal.
    public func makePlan(stderrIsTerminal: Bool = false) -> RunPlan {
        let endpoint: RunPlan.Endpoint = listen.map { .listen($0) } ?? .connect(target ?? Target(host: "", port: 0))
        var plan = RunPlan(endpoint: endpoint)
        plan.transport = udp ? .udp : .tcp
        plan.buffers = buffers
        var flags = self.flags ?? 0
        if oob { flags |= DWORD(MSG_OOB) }
        if dontroute { flags |= DWORD(MSG_DONTROUTE) }
        if partial { flags |= DWORD(MSG_PARTIAL) }
        plan.flags = flags
        plan.mode = mode
        plan.outstanding = Int(outstanding ?? 1)
        plan.connections = Int(connections)
        plan.count = count ?? (file != nil || duration != nil ? nil : 1)
        plan.duration = duration
        plan.payload = file.map { .file($0) } ?? .pattern
        plan.sendBufferSize = sndbuf.map { UInt32($0) }
        plan.noDelay = nodelay
        plan.noConnect = noConnect
        plan.sourceAddresses = bind?.addresses ?? []
        plan.rate = rate
        plan.connectTimeout = connectTimeout
        plan.drainTimeout = drain
        plan.sendTimeoutMilliseconds = sndtimeo.map { UInt32($0 / 1_000_000) }
        plan.verbose = verbose
        plan.startAt = sharding.startAt
        if let interval {
            plan.progressInterval = interval == 0 ? nil : interval
        } else {
            plan.progressInterval = stderrIsTerminal && !quiet ? 1_000_000_000 : nil
        }
        if jsonStream || sharding.histogramLog != nil {
            plan.reportInterval = interval ?? 1_000_000_000
        }
        return plan
    }
}
