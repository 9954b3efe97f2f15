import Winsock

/// The watcher thread's work (`RunSupervisor`), done by the overlapped loop itself when it runs on the
/// caller's thread: progress lines, the sockets closed when a stopping signal came, and calls still in
/// flight `RunSupervisor.grace` after the end of `--duration` ended the same way.
///
/// The loop can do it between its passes because it never blocks for long: a wait ends after its tick
/// (`OverlappedRun.tick`) whatever happens. So a stopping signal's handler only marks the run (a blocking
/// call's socket is shut down from the handler, `SignalStop`; an overlapped loop has none to name), and
/// the loop closes the socket at its next look, as the watcher's relay would: its calls in flight then end
/// as cancelled by the run (WSA_OPERATION_ABORTED), in either strategy. The one wait no look can reach
/// is a read of `--file -` on a quiet input: the `SignalStop` timer at the same moment ends it.
struct LoopWatch {
    private let control: RunControl
    private let clock: LatencyClock
    private var progress: ProgressLines?
    /// When calls still in flight are ended (monotonic nanoseconds): `--duration` plus the grace.
    private let hardStop: UInt64?
    /// The clock reading at which the next look is due: between two, the loop pays one reading a pass.
    private var nextLook: UInt64
    /// True once the loop closed the run's sockets.
    private var closed = false

    init(plan: RunPlan, control: RunControl, events: RunEvents, started: UInt64, clock: LatencyClock) {
        self.control = control
        self.clock = clock
        progress = ProgressLines(plan: plan, events: events, started: started)
        hardStop = plan.duration.map { started &+ $0 &+ RunSupervisor.grace }
        nextLook = clock.reading(at: started &+ RunSupervisor.tick)
    }

    /// Looks once a tick has passed since the last look. `totals` (the bytes and calls so far) is asked
    /// only for a progress line.
    @inline(__always)
    mutating func look(totals: () -> (bytes: UInt64, calls: UInt64)) {
        guard clock.now() >= nextLook else { return }
        lookNow(totals: totals)
    }

    @inline(never)
    private mutating func lookNow(totals: () -> (bytes: UInt64, calls: UInt64)) {
        let now = MonotonicClock.now()
        nextLook = clock.reading(at: now &+ RunSupervisor.tick)
        if !closed {
            if control.wasInterrupted {
                control.closeAll()
                closed = true
            } else if let hardStop, now >= hardStop {
                // The timer at the same moment may have asked the stop first (`SignalStop.expire`).
                control.requestStop()
                control.closeAll()
                closed = true
            }
        }
        if progress != nil {
            let (bytes, calls) = totals()
            progress?.report(now: now, bytes: bytes, calls: calls)
        }
    }
}
