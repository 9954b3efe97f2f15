import Synchronization
import Winsock

/// The sink's watcher thread: progress lines, and `--idle` (the end of a UDP run, which has no close
/// to end it).
final class SinkWatcher: Sendable {
    private let plan: SinkPlan
    private let control: RunControl
    private let events: RunEvents
    private let ledger: SinkLedger
    private let done = Atomic<Bool>(false)

    init(plan: SinkPlan, control: RunControl, events: RunEvents, ledger: SinkLedger) {
        self.plan = plan
        self.control = control
        self.events = events
        self.ledger = ledger
    }

    func finish() { done.store(true, ordering: .releasing) }

    /// True when bytes have arrived and none for `idle` nanoseconds. A receiving thread may store a time
    /// later than the `now` this thread read a moment before: that is activity, not a wrapped-around
    /// idle time (which once ended sinks in the middle of a transfer, resetting every connection).
    static func isIdle(now: UInt64, lastActivity: UInt64, idle: UInt64) -> Bool {
        lastActivity != 0 && now > lastActivity && now - lastActivity >= idle
    }

    func watch() {
        var progress = ProgressLines(
            interval: plan.progressInterval, events: events, started: MonotonicClock.now())
        while !done.load(ordering: .acquiring) {
            sleepNanoseconds(20_000_000)
            let now = MonotonicClock.now()
            let last = ledger.lastActivity.load(ordering: .relaxed)
            if let idle = plan.idle, Self.isIdle(now: now, lastActivity: last, idle: idle) { control.requestStop() }
            progress?.report(now: now, bytes: ledger.bytes.load(ordering: .relaxed))
        }
    }
}
