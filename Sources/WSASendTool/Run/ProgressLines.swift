import Winsock

/// The progress lines of a run or a sink (`--interval`): every interval, the bytes so far (and the calls,
/// for a run) and the rate since the previous line. Watcher threads write them; a lone run's loop writes
/// them itself between calls.
struct ProgressLines {
    let interval: UInt64
    let started: UInt64
    let events: RunEvents
    /// When the next line is due (monotonic nanoseconds).
    private(set) var due: UInt64
    private var lastBytes: UInt64 = 0
    private var lastTime: UInt64

    /// Nil when there is nothing to write: no interval, or no one to write to (`-q`).
    init?(interval: UInt64?, events: RunEvents, started: UInt64) {
        guard let interval, events.progress != nil else { return nil }
        self.interval = interval
        self.started = started
        self.events = events
        due = started &+ interval
        lastTime = started
    }

    init?(plan: RunPlan, events: RunEvents, started: UInt64) {
        self.init(interval: plan.progressInterval, events: events, started: started)
    }

    /// Writes the line when it is due at `now`: "[1.0 s] 1,024 bytes, 16 calls, ..." for a run (`calls`
    /// given), "[1.0 s] 1,024 bytes received, ..." for a sink.
    mutating func report(now: UInt64, bytes: UInt64, calls: UInt64? = nil) {
        guard now >= due else { return }
        let rate = Double(bytes &- lastBytes) * 1e9 / Double(max(now &- lastTime, 1))
        let counts = calls.map { "\(Units.count(bytes, "byte", "bytes")), \(Units.count($0, "call", "calls"))" }
        events.progress?(
            "[\(Units.fixed(Double(now &- started) / 1e9, decimals: 1)) s] "
                + (counts ?? "\(Units.count(bytes, "byte", "bytes")) received")
                + ", \(Units.rate(rate * 8, unit: "bit"))")
        lastBytes = bytes
        lastTime = now
        due &+= interval
        if due <= now { due = now &+ interval }
    }
}
