import ArgumentParser

/// The options of `wsasend sink`.
public struct SinkOptions: ParsableArguments, Sendable {
    @Argument(
        help: ArgumentHelp(
            "Where to listen: [HOST:]PORT; without a host, 127.0.0.1; port 0 picks a free port.", valueName: "address"),
        transform: { try ListenAddress.parse($0).parsed() })
    public var address: ListenAddress

    @Flag(help: "Receive UDP datagrams instead of TCP connections.")
    public var udp = false

    @Option(
        help: ArgumentHelp(
            "Write the received bytes to this file (- for standard output), one connection at a time.",
            valueName: "path"), completion: .file())
    public var output: String?

    @Flag(help: "Exit when the first connection closes.")
    public var once = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Exit when no byte has arrived for this long after the first one, such as 2s.", valueName: "duration"),
        transform: { try DurationGrammar.parse($0).parsed() })
    public var idle: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Print a progress line on standard error every so often, 10ms or more, such as 1s; 0 turns it off.",
            valueName: "duration"),
        transform: { try DurationGrammar.parseInterval($0).parsed() })
    public var interval: UInt64?

    @Flag(help: "Print the report as one JSON object on standard output.")
    public var json = false

    @Flag(name: [.customShort("v"), .long], help: "Print a line when a connection opens and closes.")
    public var verbose = false

    @Flag(name: [.customShort("q"), .long], help: "Print nothing but errors (and the JSON report with --json).")
    public var quiet = false

    public init() {}

    public mutating func validate() throws {
        if once && udp {
            throw ValidationError(
                "--once waits for a connection to close, and UDP has none: use --idle DURATION with --udp.")
        }
        if verbose && quiet { throw ValidationError("-v and -q exclude each other: give one.") }
        if output == "-" && json {
            throw ValidationError("--output - writes the received bytes to standard output, where --json would go.")
        }
    }

    /// The plan these options describe; progress lines by default only on a terminal.
    public func makePlan(stderrIsTerminal: Bool = false) -> SinkPlan {
        var plan = SinkPlan(address: address)
        plan.transport = udp ? .udp : .tcp
        plan.output = output
        plan.once = once
        plan.idle = idle
        plan.verbose = verbose
        if let interval {
            plan.progressInterval = interval == 0 ? nil : interval
        } else {
            plan.progressInterval = stderrIsTerminal && !quiet ? 1_000_000_000 : nil
        }
        return plan
    }
}
