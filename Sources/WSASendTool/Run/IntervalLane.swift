import Locking
import Winsock

/// Where one sending thread leaves its interval figures for the watcher (`--json-stream`,
/// `--histogram-log`): the latencies recorded since the watcher last took them, and the thread's running
/// counters as of its last cut.
///
/// The sending thread comes here only at an interval boundary (`IntervalCuts`), and the watcher once per
/// interval: the lock is taken twice an interval, never per call, and almost never waited for.
final class IntervalLane: Sendable {
    private struct Deposit {
        var latency = LatencyRecorder(unit: .latencyClock)
        var counters = CallCounters()
    }

    private let deposit = Locked(Deposit())

    /// The sending thread's side: adds `latency` (its values since its last cut) and replaces the counters.
    func deposit(_ latency: LatencyRecorder, counters: CallCounters) {
        deposit.withLock { deposit in
            deposit.latency.absorb(latency)
            deposit.counters = counters
        }
    }

    /// The watcher's side: moves the waiting latencies into `latency` and returns the running counters.
    func take(into latency: inout LatencyRecorder) -> CallCounters {
        deposit.withLock { deposit in
            latency.absorb(deposit.latency)
            deposit.latency.reset()
            return deposit.counters
        }
    }
}

/// The interval boundaries as a sending thread sees them: every `every` nanoseconds from the run's start
/// (the watcher's boundaries too), the thread's latencies are cut there and left in its `IntervalLane`.
///
/// The send loop records into its recorder as it always does; at a boundary `cut` hands the values since
/// the last one to the lane, adds them to `total`, and empties the recorder (keeping its counts array).
/// At the end `finish` hands over the rest and leaves the whole run's values in the recorder, so that the
/// report's figures are the sum of the intervals'. Nothing here runs per call: the loop compares one
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

    init?(lane: IntervalLane?, every: UInt64?, started: UInt64, clock: LatencyClock) {
        guard let lane, let every else { return nil }
        // Made here, after the guard: a run without interval reports allocates no histogram for it.
        total = LatencyRecorder(unit: .latencyClock)
        self.lane = lane
        self.every = every
        self.clock = clock
        due = started &+ every
        dueReading = clock.reading(at: due)
    }

    /// True when the boundary may have come by `reading` (a reading of the run's clock).
    @inline(__always)
    func isDue(_ reading: UInt64) -> Bool { reading >= dueReading }

    /// Cuts at the boundary if it has come: hands over the values in `recorder` and the running
    /// `counters`. Returns false (and only re-estimates `dueReading`) when the clock's estimate was early.
    @discardableResult
    mutating func cut(_ recorder: inout LatencyRecorder, counters: CallCounters) -> Bool {
        let now = MonotonicClock.now()
        guard now >= due else {
            dueReading = clock.reading(at: due)
            return false
        }
        lane.deposit(recorder, counters: counters)
        total.absorb(recorder)
        recorder.reset()
        // A thread held up past several boundaries (a stalled call) cuts once, at the next one ahead.
        due &+= every * ((now &- due) / every &+ 1)
        dueReading = clock.reading(at: due)
        return true
    }

    /// The end of the thread's sending: hands over the rest, and leaves every value of the run in
    /// `recorder`.
    mutating func finish(_ recorder: inout LatencyRecorder, counters: CallCounters) {
        lane.deposit(recorder, counters: counters)
        total.absorb(recorder)
        recorder.reset()
        recorder.absorb(total)
    }
}
