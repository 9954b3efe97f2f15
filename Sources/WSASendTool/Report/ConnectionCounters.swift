/// One connection's `CallCounters`, held by reference, so that the report's entry for a connection can keep
/// the very object its driver counted in rather than a copy.
///
/// The overlapped driver's connection is one of these: it counts in `counters`, a field of its own object,
/// on the per-call path (no pointer to follow), and at the end of the run the report's entry takes the
/// object itself. With the counters stored in the entry as well, a run kept every connection's counts twice
/// while it went on, 104 bytes a connection in the report's entries (about 1 MB at 10,000 connections).
class ConnectionCounters {
    // One thread counts (the one driving the connection); the report reads only after it is done.
    @exclusivity(unchecked) final var counters: CallCounters

    init(_ counters: CallCounters = CallCounters()) { self.counters = counters }
}

/// A connection report's counters: a `CallCounters` value to whoever reads or sets them, kept in a
/// `ConnectionCounters` object that may be the driver's own.
///
/// Setting makes the entry's own object first when another holder shares it (copy on write), so a copy of
/// a report, or the driver that counted, never sees the change. Unchecked Sendable: the object is written
/// only by the thread that counted, before the report takes it, and by the report's owner after a copy.
struct SharedCallCounters: @unchecked Sendable {
    private var object: ConnectionCounters?

    init() {}

    /// Keeps `object` as the counters, without a copy.
    init(keeping object: ConnectionCounters) { self.object = object }

    var value: CallCounters {
        get { object?.counters ?? CallCounters() }
        set {
            if object == nil || !isKnownUniquelyReferenced(&object) {
                object = ConnectionCounters(newValue)
            } else {
                object?.counters = newValue
            }
        }
    }
}
