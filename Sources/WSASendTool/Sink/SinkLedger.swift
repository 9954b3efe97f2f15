import Locking
import Synchronization
import Winsock

/// The sink's finished connections, shared between the receiving threads and whoever watches the sink
/// (the report at the end, the demo after each step).
public final class SinkLedger: Sendable {
    private let finished = Locked<[SinkConnectionReport]>([])
    /// Bytes received so far on every connection, for progress lines and `--idle`.
    let bytes = Atomic<UInt64>(0)
    /// When the last byte arrived (monotonic ns), 0 before the first.
    let lastActivity = Atomic<UInt64>(0)

    public init() {}

    func add(_ connection: SinkConnectionReport) {
        finished.withLock { $0.append(connection) }
    }

    /// The connections that have ended, in the order they ended.
    public var connections: [SinkConnectionReport] { finished.withLock { $0 } }

    /// Waits up to `timeout` nanoseconds until `count` connections have ended; the ended ones then.
    public func waitForConnections(_ count: Int, timeout: UInt64) -> [SinkConnectionReport] {
        let deadline = MonotonicClock.now() &+ timeout
        while true {
            let current = connections
            if current.count >= count || MonotonicClock.now() >= deadline { return current }
            sleepNanoseconds(2_000_000)
        }
    }

    @inline(__always)
    func received(_ count: Int, at time: UInt64) {
        bytes.add(UInt64(count), ordering: .relaxed)
        lastActivity.store(time, ordering: .relaxed)
    }
}
