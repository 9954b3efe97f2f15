import ArgumentParser
import Winsock

/// How each WSASend call is made and the socket set up for it: the options `wsasend` and `wsasend repl`
/// share, declared once so that their grammars, errors and help texts cannot drift apart.
///
/// Cross-field rules belong to the command: a run refuses `--outstanding` without an overlapped mode,
/// while a REPL session keeps it for a later `mode event`.
public struct CallOptions: ParsableArguments, Sendable {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The WSABUF array of each call: [COUNTx]SIZE items separated by commas, such as 4x4096 or 2x1K,512.",
            valueName: "spec"),
        transform: { try BufferSpec.parse($0).parsed() })
    public var buffers: BufferSpec = .default

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "WSASend flags: oob, dontroute, partial (any case, with or without MSG_, or a number).", valueName: "list"),
        completion: .list(["oob", "dontroute", "partial"]),
        transform: { try FlagList.parse($0).parsed() })
    public var flags: DWORD?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How WSASend is called: blocking, nonblocking, or overlapped with completion by event or routine (any case).",
            valueName: "mode"))
    public var mode: SendMode = .blocking

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Overlapped calls in flight per connection, \(OptionLimits.outstanding.lowerBound) to \(OptionLimits.outstanding.upperBound) (event and routine modes; default 1).",
            valueName: "k"),
        transform: { try NumberGrammar.parse($0, what: "--outstanding", in: OptionLimits.outstanding).parsed() })
    public var outstanding: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The socket's send buffer size (SO_SNDBUF), such as 64K.", valueName: "size"),
        transform: { try ByteSize.parse($0[...], limit: OptionLimits.sendBufferSize).parsed() })
    public var sndbuf: UInt64?

    @Flag(help: "Set TCP_NODELAY: send small segments at once instead of coalescing them.")
    public var nodelay = false

    public init() {}
}
