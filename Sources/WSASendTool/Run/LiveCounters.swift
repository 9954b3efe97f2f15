import Synchronization

/// Every connection's running totals, published by its sending thread after each call (relaxed stores:
/// one writer a connection, and the progress reader only needs a recent value) and summed by the
/// progress line.
///
/// One block for the run, two words a connection: an object a connection was a heap block each (48
/// bytes with malloc's rounding, half a megabyte at 10,000 connections).
final class LiveCounters: @unchecked Sendable {
    /// Connection i's bytes at 2i, its calls at 2i + 1.
    private let values: UnsafeMutablePointer<Atomic<UInt64>>
    let connections: Int

    init(connections: Int) {
        self.connections = connections
        values = .allocate(capacity: 2 * max(connections, 1))
        for index in 0..<2 * connections { (values + index).initialize(to: Atomic(0)) }
    }

    deinit {
        values.deinitialize(count: 2 * connections)
        values.deallocate()
    }

    /// Where connection `index` publishes. The lane does not keep the table: the drive's context holds it
    /// until every sending thread has returned.
    func lane(_ index: Int) -> Lane {
        precondition(index >= 0 && index < connections, "a connection the run does not have")
        return Lane(values: values + 2 * index)
    }

    /// The sums over every connection, as recently as each was published.
    var totals: (bytes: UInt64, calls: UInt64) {
        var bytes: UInt64 = 0
        var calls: UInt64 = 0
        for index in 0..<connections {
            bytes &+= values[2 * index].load(ordering: .relaxed)
            calls &+= values[2 * index + 1].load(ordering: .relaxed)
        }
        return (bytes, calls)
    }

    /// One connection's two counters.
    struct Lane: @unchecked Sendable {
        fileprivate let values: UnsafeMutablePointer<Atomic<UInt64>>

        @inline(__always)
        func publish(bytes: UInt64, calls: UInt64) {
            values[0].store(bytes, ordering: .relaxed)
            values[1].store(calls, ordering: .relaxed)
        }
    }
}
