import ArgumentParser
import Winsock

/// The options of `wsasend repl`: a target to connect to first, the send command's options as the
/// session's first settings (same grammars, same errors), and how the lines are run.
public struct ReplOptions: ParsableArguments, Sendable {
    @Argument(
        help: ArgumentHelp("Connect to HOST:PORT first (or later, with connect).", valueName: "target"),
        transform: { try Target.parse($0).parsed() })
    public var target: Target?

    @OptionGroup public var call: CallOptions

    @Flag(help: "Connect the target with a UDP socket instead of a TCP stream.")
    public var udp = false

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "SO_SNDTIMEO: how long a blocking send may be stuck before WSAETIMEDOUT, such as 2s (0 for none).",
            valueName: "duration"),
        transform: { try DurationGrammar.parse($0, allowZero: true).parsed() })
    public var sndtimeo: UInt64 = 0

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How long a connect (or listen's wait for a peer) may take, such as 3s.", valueName: "duration"),
        transform: { try DurationGrammar.parse($0).parsed() })
    public var connectTimeout: UInt64?

    @Flag(help: "Keep no history file (the history is in $XDG_STATE_HOME/wsasend/history otherwise).")
    public var noHistory = false

    @Flag(help: "Print each line of a script before its result.")
    public var echo = false

    @Flag(help: "Stop a script at the first failing command.")
    public var stopOnError = false

    @Flag(help: "Print one JSON object per command (NDJSON) on standard output.")
    public var json = false

    public init() {}

    public mutating func validate() throws {
        if udp && target == nil { throw ValidationError("--udp needs a target: wsasend repl HOST:PORT --udp.") }
        if call.nodelay && udp { throw ValidationError("--nodelay is a TCP option; it cannot be combined with --udp.") }
        if sndtimeo / 1_000_000 > OptionLimits.sendTimeoutMilliseconds {
            throw ValidationError("--sndtimeo is too long: SO_SNDTIMEO counts milliseconds in 32 bits.")
        }
    }

    /// The session's first settings.
    public var settings: ReplSettings {
        var settings = ReplSettings()
        settings.buffers = call.buffers
        settings.flags = call.flags ?? 0
        settings.mode = call.mode
        settings.outstanding = Int(call.outstanding ?? 1)
        settings.sendBufferSize = call.sndbuf
        settings.noDelay = call.nodelay
        settings.sendTimeout = sndtimeo
        settings.connectTimeout = connectTimeout
        return settings
    }

    /// How the driver runs the lines.
    public func driverOptions(interactive: Bool) -> ReplDriver.Options {
        var options = ReplDriver.Options()
        options.echo = echo
        options.stopOnError = stopOnError
        options.json = json
        options.interactive = interactive
        return options
    }
}
