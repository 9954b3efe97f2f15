import Synchronization
import Winsock

/// The sink's watcher thread: progress lines. (`--idle` is the reading threads' own decision:
/// `SinkIdle`.)
final class SinkWatcher: Sendable {
    private let plan: SinkPlan
    private let events: RunEvents
    private let ledger: SinkLedger
    private let done = Atomic<Bool>(false)

    init(plan: SinkPlan, events: RunEvents, ledger: SinkLedger) {
        self.plan = plan
        self.events = events
        self.ledger = ledger
    }

    func finish() { done.store(true, ordering: .releasing) }

    func watch() {
        var progress = ProgressLines(
            interval: plan.progressInterval, events: events, started: MonotonicClock.now())
        while !done.load(ordering: .acquiring) {
            sleepNanoseconds(20_000_000)
            progress?.report(now: MonotonicClock.now(), bytes: ledger.bytes.load(ordering: .relaxed))
        }
    }
}
