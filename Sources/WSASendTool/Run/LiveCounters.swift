import Synchronization

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
