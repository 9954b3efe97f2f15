import Winsock

/// The progress lines of a run (`--interval`): every interval, the bytes and calls so far and the rate
/// since the previous line. The supervisor thread writes them for runs with threads; a lone run's loop
/// writes them itself between calls.
struct ProgressLines {
    let interval: UInt64
    let started: UInt64
    let events: RunEvents
    /// When the next line is due (monotonic nanoseconds).
    private(set) var due: UInt64
    private var lastBytes: UInt64 = 0
    private var lastTime: UInt64

    init?(plan: RunPlan, events: RunEvents, started: UInt64) {
        guard let interval = plan.progressInterval, events.progress != nil else { return nil }
        self.interval = interval
        self.started = started
        self.events = events
        due = started &+ interval
        lastTime = started
    }

    /// Writes the line when it is due at `now`.
    mutating func report(now: UInt64, bytes: UInt64, calls: UInt64) {
        guard now >= due else { return }
        let rate = Double(bytes &- lastBytes) * 1e9 / Double(max(now &- lastTime, 1))
        events.progress?(
            "[\(Units.fixed(Double(now &- started) / 1e9, decimals: 1)) s] \(Units.grouped(bytes)) bytes, "
                + "\(Units.grouped(calls)) calls, \(Units.rate(rate * 8, unit: "bit"))")
        lastBytes = bytes
        lastTime = now
        due &+= interval
        if due <= now { due = now &+ interval }
    }
}
