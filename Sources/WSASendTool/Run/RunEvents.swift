import Synchronization

/// What a run tells its caller while it runs: lines the caller decides where to print (the library never
/// writes to a terminal). Each closure may be called from any worker thread.
public struct RunEvents: Sendable {
    /// One line per WSASend call (`-v`).
    public var callLine: (@Sendable (String) -> Void)?
    /// A progress line (`--interval`).
    public var progress: (@Sendable (String) -> Void)?
    /// A notice such as "listening on 127.0.0.1:9000".
    public var notice: (@Sendable (String) -> Void)?

    public init(
        callLine: (@Sendable (String) -> Void)? = nil, progress: (@Sendable (String) -> Void)? = nil,
        notice: (@Sendable (String) -> Void)? = nil
    ) {
        self.callLine = callLine
        self.progress = progress
        self.notice = notice
    }
}

/// A connection's running totals, published by its worker after each call (relaxed stores: one writer,
/// and the progress reader only needs a recent value) and read by the progress line.
final class LiveCounters: Sendable {
    let bytes = Atomic<UInt64>(0)
    let calls = Atomic<UInt64>(0)

    @inline(__always)
    func publish(bytes: UInt64, calls: UInt64) {
        self.bytes.store(bytes, ordering: .relaxed)
        self.calls.store(calls, ordering: .relaxed)
    }
}
