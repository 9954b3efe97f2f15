import Histogram

/// Per-call latencies in nanoseconds, in an HdrHistogram: a fixed array of counts, so recording
/// allocates nothing and memory stays flat however many calls a run makes.
///
/// One recorder belongs to one worker thread (a connection in the non-overlapped modes, the driving
/// thread of the overlapped modes); recorders merge after the threads have ended.
public struct LatencyRecorder: Sendable {
    /// Values above an hour are recorded as an hour: a WSASend that long is already the story.
    public static let highestTrackable: UInt64 = 3_600_000_000_000

    public private(set) var histogram: Histogram<UInt64>

    public init() {
        histogram = Histogram(highestTrackableValue: Self.highestTrackable, numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        histogram.record(min(nanoseconds, Self.highestTrackable))
    }

    public mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
    }

    /// The summary the reports print; nil when nothing was recorded.
    public var summary: LatencySummary? {
        guard histogram.totalCount > 0 else { return nil }
        return LatencySummary(
            min: histogram.min, p50: histogram.valueAtPercentile(50), p90: histogram.valueAtPercentile(90),
            p99: histogram.valueAtPercentile(99), max: histogram.maxRecorded, mean: histogram.mean,
            count: histogram.totalCount)
    }
}

/// Latency figures in nanoseconds (HdrHistogram values: within 0.1 % of the exact ones).
public struct LatencySummary: Sendable, Equatable {
    public var min: UInt64
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var max: UInt64
    public var mean: Double
    public var count: UInt64

    public init(min: UInt64, p50: UInt64, p90: UInt64, p99: UInt64, max: UInt64, mean: Double, count: UInt64) {
        self.min = min
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
        self.mean = mean
        self.count = count
    }
}
