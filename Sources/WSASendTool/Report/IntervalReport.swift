import Histogram
import Winsock

/// One interval of a run (`--json-stream`, `--histogram-log`): what its calls did between two boundaries
/// of `--interval`, counted as the final report counts the whole run.
///
/// The intervals add up to the run: their calls, bytes and codes to the summary's, their histograms to
/// the summary's histogram. A call belongs to the interval in which its thread recorded it (a call still
/// blocked across a boundary counts where it returned).
public struct IntervalReport: Sendable {
    /// 0 for the first interval.
    public var index: Int
    /// From the run's start, in nanoseconds.
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    /// When the run started sending (the wall clock), for the histogram log's header.
    public var runStartedAt: WallClockTime
    /// The interval's calls, as the summary counts them.
    public var counters: CallCounters
    public var latency: LatencySummary?
    /// The interval's latencies in nanoseconds; nil when no call was timed in it.
    public var histogram: Histogram<UInt64>?
    /// With `--rate`: the latencies from the schedule of the buffer sets that ended in the interval, as
    /// the final report's `scheduled_latency_*` figures count them; nil without `--rate`.
    public var scheduled: ScheduledLatency?

    /// The latency from the `--rate` schedule in one interval.
    public struct ScheduledLatency: Sendable {
        public var latency: LatencySummary?
        /// In nanoseconds; nil when no set ended in the interval.
        public var histogram: Histogram<UInt64>?
    }

    /// One NDJSON line: `{"event": "interval", ...}`; `merge` skips such lines and reads the report that
    /// follows them.
    public var json: JSONValue {
        let seconds = Double(endNanoseconds &- startNanoseconds) / 1e9
        let rate = seconds > 0 ? Double(counters.bytesSent) / seconds : 0
        let fields: [(String, JSONValue)] = [
            ("event", .string(Self.eventName)),
            ("interval", .int(Int64(index))),
            ("start_seconds", .seconds(startNanoseconds)),
            ("end_seconds", .seconds(endNanoseconds)),
            ("calls", .uint(counters.calls)),
            ("bytes_requested", .uint(counters.bytesRequested)),
            ("bytes_sent", .uint(counters.bytesSent)),
            ("completed_immediately", .uint(counters.completedImmediately)),
            ("pending", .uint(counters.pending)),
            ("failed", .uint(counters.failed)),
            ("would_block", .uint(counters.wouldBlock)),
            ("interrupted", .uint(counters.interrupted)),
            ("codes", .array(counters.codes.entries.map(SendReport.codeJSON))),
            ("throughput_bits_per_second", .double(rate * 8)),
            ("latency_count", .uint(latency?.count ?? 0)),
            ("latency_seconds", SendReport.latencyJSON(latency)),
            ("latency_histogram", SendReport.histogramJSON(histogram)),
        ]
        return .object(fields + scheduledJSON)
    }

    /// With `--rate`: the interval's latency from the schedule, under the final report's names.
    private var scheduledJSON: [(String, JSONValue)] {
        guard let scheduled else { return [] }
        return [
            ("scheduled_latency_count", .uint(scheduled.latency?.count ?? 0)),
            ("scheduled_latency_seconds", SendReport.latencyJSON(scheduled.latency)),
            ("scheduled_latency_histogram", SendReport.histogramJSON(scheduled.histogram)),
        ]
    }

    /// The `event` of an interval line.
    public static let eventName = "interval"
}

extension CallCounters {
    /// What was counted since `earlier` (an earlier reading of the same counters).
    func since(_ earlier: CallCounters) -> CallCounters {
        var delta = CallCounters()
        delta.calls = calls &- earlier.calls
        delta.completedImmediately = completedImmediately &- earlier.completedImmediately
        delta.partial = partial &- earlier.partial
        delta.wouldBlock = wouldBlock &- earlier.wouldBlock
        delta.pending = pending &- earlier.pending
        delta.failed = failed &- earlier.failed
        delta.interrupted = interrupted &- earlier.interrupted
        delta.sets = sets &- earlier.sets
        delta.bytesRequested = bytesRequested &- earlier.bytesRequested
        delta.bytesSent = bytesSent &- earlier.bytesSent
        delta.cancelledByRun = cancelledByRun &- earlier.cancelledByRun
        for (code, count) in zip(codes.codes, codes.counts) {
            let before = earlier.codes.count(of: code)
            if count > before { delta.codes.add(code, count: count - before) }
        }
        for (code, count) in zip(completionCodes.codes, completionCodes.counts) {
            let before = earlier.completionCodes.count(of: code)
            if count > before { delta.completionCodes.add(code, count: count - before) }
        }
        return delta
    }
}
