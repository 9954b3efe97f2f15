import Locking
import Winsock

/// Where one sending thread leaves its interval figures for the watcher (`--json-stream`,
/// `--histogram-log`): the latencies recorded since the watcher last took them (per call, and with `--rate`
/// from the schedule), and the thread's running counters as of its last cut.
///
/// The sending thread comes here only at an interval boundary (`IntervalCuts`), and the watcher once per
/// interval: the lock is taken twice an interval, never per call, and almost never waited for.
final class IntervalLane: Sendable {
    private struct Deposit {
        var latency = LatencyRecorder(unit: .latencyClock)
        var scheduled = LatencyRecorder(unit: .nanoseconds)
        var counters = CallCounters()
    }

    private let deposit = Locked(Deposit())

    /// The sending thread's side: adds `latency` and `scheduled` (its values since its last cut) and
    /// replaces the counters.
    func deposit(_ latency: LatencyRecorder, scheduled: LatencyRecorder, counters: CallCounters) {
        deposit.withLock { deposit in
            deposit.latency.absorb(latency)
            deposit.scheduled.absorb(scheduled)
            deposit.counters = counters
        }
    }

    /// The watcher's side: moves the waiting latencies into `latency` and `scheduled`, and returns the
    /// running counters.
    func take(into latency: inout LatencyRecorder, scheduled: inout LatencyRecorder) -> CallCounters {
        deposit.withLock { deposit in
            latency.absorb(deposit.latency)
            deposit.latency.reset()
            scheduled.absorb(deposit.scheduled)
            deposit.scheduled.reset()
            return deposit.counters
        }
    }
}

/// The interval boundaries as a sending thread sees them: every `every` nanoseconds from the run's start
/// (the watcher's boundaries too), the thread's latencies are cut there and left in its `IntervalLane`.
///
/// The send loop records into its recorders as it always does (per call, and with `--rate` from the
/// schedule); at a boundary `cut` hands the values since the last one to the lane, adds them to the
/// totals, and empties the recorders (keeping their counts arrays). At the end `finish` hands over the
/// rest and leaves the whole run's values in the recorders, so that the report's figures are the sum of
/// the intervals'. Nothing here runs per call: the loop compares one
/// clock reading with `dueReading`.
struct IntervalCuts {
    let lane: IntervalLane
    let every: UInt64
    let clock: LatencyClock
    /// The next boundary (monotonic nanoseconds).
    private(set) var due: UInt64
    /// `due` in the clock's readings (an estimate, confirmed with `MonotonicClock` when it comes).
    private(set) var dueReading: UInt64
    private var total: LatencyRecorder
    private var scheduledTotal: LatencyRecorder

    init?(lane: IntervalLane?, every: UInt64?, started: UInt64, clock: LatencyClock) {
        guard let lane, let every else { return nil }
        // Made here, after the guard: a run without interval reports allocates no histogram for it.
        total = LatencyRecorder(unit: .latencyClock)
        scheduledTotal = LatencyRecorder(unit: .nanoseconds)
        self.lane = lane
        self.every = every
        self.clock = clock
        due = started &+ every
        dueReading = clock.reading(at: due)
    }

    /// True when the boundary may have come by `reading` (a reading of the run's clock).
    @inline(__always)
    func isDue(_ reading: UInt64) -> Bool { reading >= dueReading }

    /// Cuts at the boundary if it has come: hands over the values in `recorder` and `scheduled` and the
    /// running `counters`. Returns false (and only re-estimates `dueReading`) when the clock's estimate
    /// was early.
    @discardableResult
    mutating func cut(
        _ recorder: inout LatencyRecorder, scheduled: inout LatencyRecorder, counters: CallCounters
    ) -> Bool {
        let now = MonotonicClock.now()
        guard now >= due else {
            dueReading = clock.reading(at: due)
            return false
        }
        hand(&recorder, scheduled: &scheduled, counters: counters)
        // A thread held up past several boundaries (a stalled call) cuts once, at the next one ahead.
        due &+= every * ((now &- due) / every &+ 1)
        dueReading = clock.reading(at: due)
        return true
    }

    /// The end of the thread's sending: hands over the rest, and leaves every value of the run in
    /// `recorder` and `scheduled`.
    mutating func finish(_ recorder: inout LatencyRecorder, scheduled: inout LatencyRecorder, counters: CallCounters) {
        hand(&recorder, scheduled: &scheduled, counters: counters)
        recorder.absorb(total)
        scheduled.absorb(scheduledTotal)
    }

    /// Leaves the values since the last cut in the lane, keeps them in the totals, and empties the recorders.
    private mutating func hand(
        _ recorder: inout LatencyRecorder, scheduled: inout LatencyRecorder, counters: CallCounters
    ) {
        lane.deposit(recorder, scheduled: scheduled, counters: counters)
        total.absorb(recorder)
        recorder.reset()
        scheduledTotal.absorb(scheduled)
        scheduled.reset()
    }
}
