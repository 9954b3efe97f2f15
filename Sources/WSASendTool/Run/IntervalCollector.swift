import Winsock

/// The watcher's side of the interval reports (`--json-stream`, `--histogram-log`): a short while after
/// each boundary of `--interval` it takes what every sending thread left in its `IntervalLane`, and hands
/// the interval to `RunEvents.interval`; when the run ends, the rest as the last interval.
struct IntervalCollector: Sendable {
    let lanes: [IntervalLane]
    let every: UInt64
    /// When the run started sending: monotonic nanoseconds, and the wall clock.
    let started: UInt64
    let startedAt: WallClockTime
    let clock: LatencyClock
    let emit: @Sendable (IntervalReport) -> Void
    private var index = 0
    private var start: UInt64
    private var previous = CallCounters()
    private var latency = LatencyRecorder(unit: .latencyClock)
    private var scheduled = LatencyRecorder(unit: .nanoseconds)
    /// With `--rate`, the intervals carry the latency from the schedule too.
    let paced: Bool

    /// How long after a boundary the interval is taken: time for a sending thread to reach its next check
    /// (the overlapped driver's waits last up to 50 ms), at most half an interval.
    let lag: UInt64

    init?(
        lanes: [IntervalLane], plan: RunPlan, events: RunEvents, started: UInt64, startedAt: WallClockTime,
        clock: LatencyClock
    ) {
        guard let every = plan.reportInterval, let emit = events.interval, !lanes.isEmpty else { return nil }
        self.lanes = lanes
        self.every = every
        self.started = started
        self.startedAt = startedAt
        self.clock = clock
        self.emit = emit
        paced = plan.rate != nil
        start = started
        lag = min(every / 2, 100 * TimeUnits.nanosecondsPerMillisecond)
    }

    /// The next boundary (monotonic nanoseconds).
    private var boundary: UInt64 { start &+ every }

    /// Hands over every interval whose boundary passed `lag` ago by `now`.
    mutating func poll(now: UInt64) {
        while now >= boundary &+ lag { hand(until: boundary, last: false) }
    }

    /// The run has ended at `end` (monotonic nanoseconds), and every thread has handed over its rest:
    /// the intervals still due, then the part of an interval before the end, if anything happened in it.
    mutating func finish(end: UInt64) {
        while end >= boundary { hand(until: boundary, last: false) }
        hand(until: max(end, start), last: true)
    }

    private mutating func hand(until end: UInt64, last: Bool) {
        var running = CallCounters()
        for lane in lanes { running.merge(lane.take(into: &latency, scheduled: &scheduled)) }
        let counters = running.since(previous)
        previous = running
        let timed = latency.count + scheduled.count
        defer {
            latency.reset()
            scheduled.reset()
            start = end
        }
        if last && counters.calls == 0 && timed == 0 && index > 0 { return }
        var report = IntervalReport(
            index: index, startNanoseconds: start &- started, endNanoseconds: end &- started, runStartedAt: startedAt,
            counters: counters, latency: latency.summary(clock: clock),
            histogram: latency.nanosecondHistogram(clock: clock))
        if paced {
            report.scheduled = .init(
                latency: scheduled.summary, histogram: scheduled.nanosecondHistogram(clock: nil))
        }
        index += 1
        emit(report)
    }
}
