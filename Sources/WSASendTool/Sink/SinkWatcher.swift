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

    func watch() {
        var progress = ProgressLines(
            interval: plan.progressInterval, events: events, started: MonotonicClock.now())
        while !done.load(ordering: .acquiring) {
            sleepNanoseconds(20_000_000)
            let now = MonotonicClock.now()
            let last = ledger.lastActivity.load(ordering: .relaxed)
            if let idle = plan.idle, last != 0, now &- last >= idle { control.requestStop() }
            progress?.report(now: now, bytes: ledger.bytes.load(ordering: .relaxed))
        }
    }
}
