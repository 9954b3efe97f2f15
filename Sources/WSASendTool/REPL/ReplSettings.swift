import Winsock

/// What the next `send` does and how the next socket is set up: the send command's options, as the REPL
/// keeps them between lines. `wsasend repl`'s own options give the first values.
public struct ReplSettings: Sendable, Equatable {
    public var buffers: BufferSpec = .default
    /// WSASend's dwFlags.
    public var flags: DWORD = 0
    public var mode: SendMode = .blocking
    /// Overlapped calls in flight at most.
    public var outstanding = 1
    /// SO_SNDBUF in bytes; nil leaves the system's.
    public var sendBufferSize: UInt64?
    /// TCP_NODELAY.
    public var noDelay = false
    /// SO_SNDTIMEO in nanoseconds; 0 for none.
    public var sendTimeout: UInt64 = 0
    /// How long a connect or a listen's wait may take, in nanoseconds; nil waits until Ctrl-C.
    public var connectTimeout: UInt64?

    public init() {}

    /// Applies one `set` command.
    public mutating func apply(_ setting: ReplSetting) {
        switch setting {
        case .buffers(let spec): buffers = spec
        case .flags(let value): flags = value
        case .mode(let value): mode = value
        case .outstanding(let value): outstanding = value
        case .sndbuf(let value): sendBufferSize = value
        case .nodelay(let value): noDelay = value
        case .sndtimeo(let value): sendTimeout = value
        }
    }

    /// The lines `settings` prints, each spelled as the command that sets it.
    public var lines: [String] {
        [
            "buffers     \(buffers) (\(Units.grouped(buffers.totalBytes)) bytes per call)",
            "flags       \(flags == 0 ? "none" : FlagList.names(flags).joined(separator: ","))",
            "mode        \(mode.rawValue)",
            "outstanding \(outstanding)",
            "sndbuf      \(sendBufferSize.map { Units.grouped($0) } ?? "system default")",
            "nodelay     \(noDelay ? "on" : "off")",
            "sndtimeo    \(sendTimeout == 0 ? "0 (none)" : Units.duration(Double(sendTimeout)))",
        ]
    }
}
