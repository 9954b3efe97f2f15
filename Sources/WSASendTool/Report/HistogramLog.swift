import Histogram
import Locking

/// `--histogram-log FILE`: one latency histogram per `--interval`, in HdrHistogram's interval log format
/// (the one its Java, C and Python log readers and its plotting tools read):
///
/// ```
/// #[Histogram log format version 1.3]
/// #[StartTime: 1796572800.000 (seconds since epoch), 2026-12-06T16:00:00Z]
/// #[BaseTime: 1796572800.000 (seconds since epoch)]
/// "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
/// 0.000,1.000,0.052,HISTFAAAA...
/// ```
///
/// Each line is an interval's start (seconds after BaseTime, the run's start), its length in seconds, its
/// largest latency in milliseconds (HdrHistogram's default unit ratio for nanosecond values), and its
/// histogram of nanoseconds in the V2 compressed encoding, base64, as the JSON report carries it. The
/// intervals' histograms add up to the report's.
///
/// With `--rate`, each interval has a second line tagged `scheduled` (the log format's `Tag=NAME,` prefix,
/// which HdrHistogram's log readers hand back as the histogram's tag): the latencies from the schedule
/// of the buffer sets that ended in the interval, adding up to the report's `scheduled_latency_histogram`.
/// The untagged lines stay the per-call latencies, so a reader that ignores tags reads what it did before.
public final class HistogramLog: Sendable {
    private let file: OutputFile
    private let option = "--histogram-log"
    /// The first write that failed; the run goes on, and reports it at the end (exit 73).
    private let state = Locked<(headerWritten: Bool, failure: ToolFailure?)>((false, nil))

    private init(file: OutputFile) { self.file = file }

    /// Creates (or truncates) the log before the run, so that a path that cannot be written stops the
    /// run before it connects (exit 73).
    public static func create(_ path: String) -> Result<HistogramLog, ToolFailure> {
        switch OutputFile.create(path) {
        case .success(let file): .success(HistogramLog(file: file))
        case .failure(let error):
            .failure(.unwritableTextFile(option: "--histogram-log", path: path, created: false, errno: error.code))
        }
    }

    /// Writes the interval's line, and the header before the first one.
    public func write(_ interval: IntervalReport) {
        state.withLock { state in
            guard state.failure == nil else { return }
            var text = state.headerWritten ? "" : Self.header(startedAt: interval.runStartedAt)
            state.headerWritten = true
            text += Self.line(interval)
            if let scheduled = interval.scheduled {
                text +=
                    "Tag=\(Self.scheduledTag)," + Self.line(interval, latency: scheduled.latency, scheduled.histogram)
            }
            var bytes = Array(text.utf8)
            let result = bytes.withUnsafeMutableBytes { file.write(UnsafeRawBufferPointer($0)) }
            if case .failure(let error) = result {
                state.failure = .unwritableTextFile(option: option, path: file.path, created: true, errno: error.code)
            }
        }
    }

    /// Writes the header if no interval did, so that a run that timed nothing (an idle shard, a run that
    /// never connected) leaves a valid log of no intervals, as HdrHistogram's readers expect, rather than
    /// an empty file. `startedAt` is the run's start, or now when it never started.
    public func finish(startedAt: WallClockTime) {
        state.withLock { state in
            guard state.failure == nil, !state.headerWritten else { return }
            state.headerWritten = true
            var bytes = Array(Self.header(startedAt: startedAt).utf8)
            let result = bytes.withUnsafeMutableBytes { file.write(UnsafeRawBufferPointer($0)) }
            if case .failure(let error) = result {
                state.failure = .unwritableTextFile(option: option, path: file.path, created: true, errno: error.code)
            }
        }
    }

    /// The first write that failed, if one did.
    public var failure: ToolFailure? { state.withLock { $0.failure } }

    /// The header: format version, start and base time (the run's start), and the column legend.
    static func header(startedAt: WallClockTime) -> String {
        let seconds = Self.seconds(startedAt.nanosecondsSinceEpoch)
        return "#[Histogram log format version 1.3]\n"
            + "#[StartTime: \(seconds) (seconds since epoch), \(startedAt)]\n"
            + "#[BaseTime: \(seconds) (seconds since epoch)]\n"
            + "#[wsasend: latencies of WSASend calls in nanoseconds; Interval_Max in milliseconds]\n"
            + "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n"
    }

    /// The tag of the lines of latencies from the `--rate` schedule.
    static let scheduledTag = "scheduled"

    /// One interval: start and length in seconds, max in milliseconds, the encoded histogram (the per-call
    /// latencies unless others are given). An interval with no timed call has an empty histogram (its
    /// line keeps the log's intervals contiguous).
    static func line(_ interval: IntervalReport) -> String {
        line(interval, latency: interval.latency, interval.histogram)
    }

    private static func line(
        _ interval: IntervalReport, latency: LatencySummary?, _ histogram: Histogram<UInt64>?
    ) -> String {
        let histogram =
            histogram
            ?? Histogram<UInt64>(highestTrackableValue: LatencyRecorder.anHour, numberOfSignificantValueDigits: .three)
        let max = Double(latency?.max ?? 0) / 1e6
        return "\(seconds(interval.startNanoseconds)),\(seconds(interval.endNanoseconds &- interval.startNanoseconds)),"
            + "\(Units.fixed(max, decimals: 3)),\(HistogramEncoding.base64(histogram))\n"
    }

    /// Nanoseconds as seconds with three decimals, as HdrHistogram's log writers print them.
    private static func seconds(_ nanoseconds: UInt64) -> String {
        Units.fixed(Double(nanoseconds) / 1e9, decimals: 3)
    }
}
