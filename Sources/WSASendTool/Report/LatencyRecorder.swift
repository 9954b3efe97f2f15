import Histogram

/// Per-call latencies, in an HdrHistogram: a fixed array of counts, so recording allocates nothing and
/// memory stays flat however many calls a run makes.
///
/// The values are nanoseconds, or readings of the run's `LatencyClock` (ticks, converted when the
/// summary is made, at the rate the run's clock measured). One recorder belongs to one worker thread (a
/// connection in the non-overlapped modes, the driving thread of the overlapped modes); recorders merge
/// after the threads have ended.
public struct LatencyRecorder: Sendable {
    /// What the recorded values count.
    public enum Unit: Sendable, Equatable {
        case nanoseconds
        /// Readings of a `LatencyClock`.
        case latencyClock
    }

    /// Values above an hour are recorded as an hour: a WSASend that long is already the story. In
    /// clock units, an hour of a counter of up to 10 GHz.
    static let anHour: UInt64 = 3_600_000_000_000

    public let unit: Unit
    private let highestTrackable: UInt64
    public private(set) var histogram: Histogram<UInt64>

    public init(unit: Unit = .nanoseconds) {
        self.unit = unit
        highestTrackable = unit == .nanoseconds ? Self.anHour : Self.anHour * 10
        histogram = Histogram(highestTrackableValue: highestTrackable, numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    public mutating func record(_ value: UInt64) {
        histogram.record(min(value, highestTrackable))
    }

    /// Adds another recorder's values; an empty recorder takes the other's unit.
    public mutating func merge(_ other: LatencyRecorder) {
        guard other.histogram.totalCount > 0 else { return }
        guard histogram.totalCount > 0 else {
            self = other
            return
        }
        precondition(unit == other.unit, "latencies of one run are recorded in one unit")
        histogram.add(other.histogram)
    }

    /// The summary of values in nanoseconds; nil when nothing was recorded.
    public var summary: LatencySummary? {
        precondition(unit == .nanoseconds, "clock readings need the clock that made them: summary(clock:)")
        return summary(clock: nil)
    }

    /// The summary the reports print, in nanoseconds, readings converted at `clock`'s rate (the run's
    /// own calibration); nil when nothing was recorded.
    public func summary(clock: LatencyClock?) -> LatencySummary? {
        guard histogram.totalCount > 0 else { return nil }
        let scale = unit == .nanoseconds ? 1 : (clock?.nanosecondsPerUnit() ?? 1)
        func nanoseconds(_ value: UInt64) -> UInt64 {
            scale == 1 ? value : UInt64((Double(value) * scale).rounded())
        }
        return LatencySummary(
            min: nanoseconds(histogram.min), p50: nanoseconds(histogram.valueAtPercentile(50)),
            p90: nanoseconds(histogram.valueAtPercentile(90)), p99: nanoseconds(histogram.valueAtPercentile(99)),
            max: nanoseconds(histogram.maxRecorded), mean: histogram.mean * scale, count: histogram.totalCount)
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
