import Winsock

/// Everything a send run needs, decided before the first socket exists: the command line's options after
/// their grammars and cross-field rules. A REPL or a test builds one the same way.
public struct RunPlan: Sendable {
    /// Whether the sender connects or waits for connections (`--listen`, the spec's example).
    public enum Endpoint: Sendable, Equatable {
        case connect(Target)
        case listen(ListenAddress)
    }

    /// Where the bytes come from.
    public enum Payload: Sendable, Equatable {
        /// A fixed pattern (byte `i` of a buffer set is `i % 251`), written once and sent again each call.
        case pattern
        /// Consecutive bytes of a file ("-" for standard input) in consecutive buffers of consecutive calls;
        /// the run ends when the file does.
        case file(String)
    }

    public var endpoint: Endpoint
    public var transport: Transport = .tcp
    public var buffers: BufferSpec = .default
    /// WSASend's dwFlags.
    public var flags: DWORD = 0
    public var mode: SendMode = .blocking
    /// Overlapped calls in flight per connection (overlapped modes only).
    public var outstanding: Int = 1
    public var connections: Int = 1
    /// Buffer sets per connection; nil for no limit (a file or a duration ends the run).
    public var count: UInt64? = 1
    /// How long each connection sends, in nanoseconds.
    public var duration: UInt64?
    public var payload: Payload = .pattern
    /// SO_SNDBUF in bytes, when given.
    public var sendBufferSize: UInt32?
    /// Bits per second each connection is held to (`--rate`); nil sends as fast as WSASend returns.
    public var rate: UInt64?
    /// SO_SNDTIMEO in milliseconds (`--sndtimeo`), as Windows takes it; nil leaves the system's (none).
    public var sendTimeoutMilliseconds: UInt32?
    /// TCP_NODELAY.
    public var noDelay = false
    /// UDP without connect (`--no-connect`): each datagram goes to the target by WSASendTo.
    public var noConnect = false
    /// Source addresses (`--bind`) the connections bind to in turn; empty lets the system choose.
    public var sourceAddresses: [SocketAddress] = []
    /// How long a connect may take, in nanoseconds; nil waits as long as the system does.
    public var connectTimeout: UInt64?
    /// Format a line per call (`-v`); off, the per-call path formats nothing.
    public var verbose = false
    /// Progress lines every so many nanoseconds; nil for none.
    public var progressInterval: UInt64?
    /// Interval reports (`--json-stream`, `--histogram-log`) every so many nanoseconds; nil for none.
    /// The sending threads cut their latencies at these boundaries, and the watcher reports each interval.
    public var reportInterval: UInt64?
    /// This process's shard (`--shard`), once the plan is narrowed to it; nil for a whole run.
    public var shard: Shard?
    /// When to start connecting (`--start-at`); nil starts at once.
    public var startAt: WallClockTime?
    /// `--drain`: after the last call, wait at most this many nanoseconds for every byte to be acknowledged.
    public var drainTimeout: UInt64?

    public init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    /// True when the run can send from the process's only thread (`SignalStop` says why it should): one
    /// connection, in any mode, and no interval reports (the watcher thread writes them while the loop
    /// sends). `RunSupervisor` decides whether it does.
    public var sendsFromOneThread: Bool {
        connections == 1 && reportInterval == nil
    }

    /// The open files the run holds at most: a socket per connection and a margin for the engine, the
    /// threads' wake-up descriptors, the standard streams and a file (event objects are not descriptors).
    var openFilesNeeded: Int { connections + 64 }

    /// "127.0.0.1:9000" or "listen 127.0.0.1:9000".
    public var endpointDescription: String {
        switch endpoint {
        case .connect(let target): target.description
        case .listen(let address): "listen \(address)"
        }
    }

    /// The socket type for `socket` and getaddrinfo.
    var socketType: Int32 { transport == .tcp ? SOCK_STREAM : SOCK_DGRAM }
}
