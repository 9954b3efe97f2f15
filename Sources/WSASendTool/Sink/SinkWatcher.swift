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
        let started = MonotonicClock.now()
        var nextProgress = plan.progressInterval.map { started &+ $0 }
        var lastBytes: UInt64 = 0
        var lastTime = started
        while !done.load(ordering: .acquiring) {
            sleepNanoseconds(20_000_000)
            let now = MonotonicClock.now()
            let last = ledger.lastActivity.load(ordering: .relaxed)
            if let idle = plan.idle, last != 0, now &- last >= idle { control.requestStop() }
            if let due = nextProgress, now >= due, let interval = plan.progressInterval {
                let bytes = ledger.bytes.load(ordering: .relaxed)
                let rate = Double(bytes &- lastBytes) * 1e9 / Double(max(now &- lastTime, 1))
                events.progress?(
                    "[\(Units.fixed(Double(now &- started) / 1e9, decimals: 1)) s] \(Units.grouped(bytes)) bytes "
                        + "received, \(Units.rate(rate * 8, unit: "bit"))")
                lastBytes = bytes
                lastTime = now
                nextProgress = due &+ interval
            }
        }
    }
}
