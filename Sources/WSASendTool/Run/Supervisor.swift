import Synchronization
import Winsock

/// Watches a run from its own thread while the driver sends: prints progress lines every
/// `progressInterval`, and ends calls still blocked a second after `--duration` (closing their sockets,
/// which makes a blocked WSASend return) so that a peer that stopped reading cannot hold the run.
final class Supervisor: Sendable {
    private let plan: RunPlan
    private let control: RunControl
    private let events: RunEvents
    private let live: [LiveCounters]
    private let started: UInt64
    private let done = Atomic<Bool>(false)

    /// How long calls may stay blocked past the end of `--duration`.
    static let grace: UInt64 = 1_000_000_000
    /// How often the supervisor looks.
    static let tick: UInt64 = 20_000_000

    init(plan: RunPlan, control: RunControl, events: RunEvents, live: [LiveCounters], started: UInt64) {
        self.plan = plan
        self.control = control
        self.events = events
        self.live = live
        self.started = started
    }

    /// Tells `watch` to return.
    func finish() { done.store(true, ordering: .releasing) }

    func watch() {
        var progress = ProgressLines(plan: plan, events: events, started: started)
        let hardStop = plan.duration.map { started &+ $0 &+ Self.grace }
        while !done.load(ordering: .acquiring) {
            sleepNanoseconds(Self.tick)
            let now = MonotonicClock.now()
            if let hardStop, now >= hardStop, !control.isStopping {
                control.requestStop()
                control.closeAll()
            }
            if progress != nil {
                let bytes = live.reduce(0) { $0 &+ $1.bytes.load(ordering: .relaxed) }
                let calls = live.reduce(0) { $0 &+ $1.calls.load(ordering: .relaxed) }
                progress?.report(now: now, bytes: bytes, calls: calls)
            }
        }
    }
}
