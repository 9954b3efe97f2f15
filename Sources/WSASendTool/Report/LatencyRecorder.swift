import Histogram

/// Per-call latencies, in an HdrHistogram: a fixed array of counts, so recording allocates nothing and
/// memory stays flat however many calls a run makes.
///
/// The values are nanoseconds, or readings of the run's `LatencyClock` (ticks, converted when the
/// summary is made, at the rate the run's clock measured). One recorder belongs to one worker thread (a
/// connection in the non-overlapped modes, the driving thread of the overlapped modes); recorders merge
/// after the threads have ended.
///
/// Beside the histogram it keeps the exact smallest and largest value and the exact sum: min, max and
/// mean are then exact, and the percentiles (the histogram's, within 0.1 %) are held between min and
/// max, so that a run's figures never contradict each other (a one-call run's mean outside its min..max,
/// a p50 above the max).
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
    /// Made at the first value: a histogram of this range is about 290 KB of counts, and a recorder that
    /// never records (each blocking connection's `--rate` recorder without `--rate`, a driver's
    /// placeholder) should not cost that. 1,000 blocking connections took 580 MB with two made each.
    private var recorded: Histogram<UInt64>?
    private var smallest = UInt64.max
    private var largest: UInt64 = 0
    /// Wrapping: at an hour per value, more than 500,000 hour-long calls would be needed to wrap it.
    private var total: UInt64 = 0

    public init(unit: Unit = .nanoseconds) {
        self.unit = unit
        highestTrackable = unit == .nanoseconds ? Self.anHour : Self.anHour * 10
    }

    /// The values recorded so far (an empty histogram of the recorder's range when there are none).
    public var histogram: Histogram<UInt64> { recorded ?? Self.emptyHistogram(highestTrackable) }

    /// How many values were recorded.
    public var count: UInt64 { recorded?.totalCount ?? 0 }

    /// True once the histogram's counts exist (after the first value, or a merge that brought some).
    var holdsHistogram: Bool { recorded != nil }

    /// Where every recorder's histogram keeps a value: lowest discernible value 1, three significant
    /// digits, as `emptyHistogram` makes them.
    static let layout = HistogramLayout(lowestDiscernibleValue: 1, significantDigits: 3)

    /// The range a histogram starts with, in the recorded units: 65 us in nanoseconds, less in ticks. Its
    /// buckets are laid out as a full-range one's, so every percentile is the same, but a run of
    /// microsecond calls holds 8 buckets' counts (64 KB) rather than the hour's 36 (about 290 KB), and
    /// each blocking connection has one.
    static let startingRange: UInt64 = 1 << 16

    private static func emptyHistogram(_ highestTrackable: UInt64) -> Histogram<UInt64> {
        Histogram(highestTrackableValue: min(startingRange, highestTrackable), numberOfSignificantValueDigits: .three)
    }

    /// `histogram` in a wider one that holds `value`: eight times the value (up to `limit`), so that a
    /// maximum that creeps up widens a few times, not at each step. HdrHistogram's own auto-resize
    /// grows just enough each time, through an unspecialized append of zeros that took 26 million
    /// instructions in a 20,000-call run.
    private static func widened(
        _ histogram: Histogram<UInt64>, toHold value: UInt64, limit: UInt64
    ) -> Histogram<UInt64> {
        let (eightTimes, overflow) = max(value, histogram.highestTrackableValue).multipliedReportingOverflow(by: 8)
        let range = overflow ? limit : min(eightTimes, limit)
        var wider = Histogram<UInt64>(highestTrackableValue: range, numberOfSignificantValueDigits: .three)
        wider.add(histogram)
        return wider
    }

    /// The histogram with the recorder's whole range (an hour), as the encoded reports state it.
    func fullRange(_ histogram: Histogram<UInt64>) -> Histogram<UInt64> {
        var full = Histogram<UInt64>(highestTrackableValue: highestTrackable, numberOfSignificantValueDigits: .three)
        full.add(histogram)
        return full
    }

    @inline(__always)
    public mutating func record(_ value: UInt64) {
        withUnsafePointer(to: value) { record(UnsafeBufferPointer(start: $0, count: 1)) }
    }

    /// Records `values` in one loop: the histogram is looked up (or made) once, not once a value.
    public mutating func record(_ values: UnsafeBufferPointer<UInt64>) {
        guard !values.isEmpty else { return }
        // Out of `recorded` while it records, so that its counts are not shared and are written in place.
        var histogram = recorded ?? Self.emptyHistogram(highestTrackable)
        recorded = nil
        for value in values {
            let value = min(value, highestTrackable)
            // The histogram says when a value is past its range (a check it makes anyway): widen, then record.
            if !histogram.record(value) {
                histogram = Self.widened(histogram, toHold: value, limit: highestTrackable)
                histogram.record(value)
            }
            smallest = min(smallest, value)
            largest = max(largest, value)
            total &+= value
        }
        recorded = histogram
    }

    /// Adds values counted in the histogram's own slots (`LatencyBatch`): `counts[i]` values fell in slot
    /// `first + i`, and `smallest`, `largest` and `total` are the exact figures of all of them. Each
    /// slot's count is recorded at the slot's lowest value, which lands in that same slot, so the counts
    /// are those of recording every value.
    mutating func record(
        counts: UnsafeBufferPointer<UInt16>, from first: Int, smallest: UInt64, largest: UInt64, total: UInt64
    ) {
        var histogram = recorded ?? Self.emptyHistogram(highestTrackable)
        recorded = nil
        for (offset, count) in counts.enumerated() where count != 0 {
            guard let value = Self.layout.value(at: first + offset) else { continue }
            let bounded = min(value, highestTrackable)
            if !histogram.record(bounded, count: UInt64(count)) {
                histogram = Self.widened(histogram, toHold: bounded, limit: highestTrackable)
                histogram.record(bounded, count: UInt64(count))
            }
        }
        recorded = histogram
        self.smallest = min(self.smallest, smallest)
        self.largest = max(self.largest, largest)
        self.total &+= total
    }

    /// Adds another recorder's values; an empty recorder takes the other's values whole (its unit and
    /// its counts array, shared until either records again).
    public mutating func merge(_ other: LatencyRecorder) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        absorb(other)
    }

    /// Adds `other`'s values, always into this recorder's own counts: unlike `merge`, an empty recorder
    /// never takes the other's storage, so that the two never share a counts array and `reset` never
    /// copies one (an interval cut allocates nothing).
    mutating func absorb(_ other: LatencyRecorder) {
        guard let theirs = other.recorded, theirs.totalCount > 0 else { return }
        precondition(unit == other.unit, "latencies of one run are recorded in one unit")
        var histogram = recorded ?? Self.emptyHistogram(highestTrackable)
        recorded = nil
        if theirs.highestTrackableValue > histogram.highestTrackableValue {
            histogram = Self.widened(histogram, toHold: theirs.highestTrackableValue, limit: highestTrackable)
        }
        histogram.add(theirs)
        recorded = histogram
        smallest = min(smallest, other.smallest)
        largest = max(largest, other.largest)
        total &+= other.total
    }

    /// Forgets every value, keeping the counts array (for the next interval).
    mutating func reset() {
        recorded?.reset()
        smallest = .max
        largest = 0
        total = 0
    }

    /// The summary of values in nanoseconds; nil when nothing was recorded.
    public var summary: LatencySummary? {
        precondition(unit == .nanoseconds, "clock readings need the clock that made them: summary(clock:)")
        return summary(clock: nil)
    }

    /// The summary the reports print, in nanoseconds, readings converted by `clock` (the run's own
    /// calibration); nil when nothing was recorded.
    ///
    /// Every figure goes through one conversion (`LatencyClock.nanoseconds(_:)`, the one the `-v` lines
    /// use), and the mean is converted before it is rounded, so that one call's figures are one figure.
    public func summary(clock: LatencyClock?) -> LatencySummary? {
        guard let histogram = recorded, histogram.totalCount > 0 else { return nil }
        let count = histogram.totalCount
        let converting = unit != .nanoseconds ? clock : nil
        func nanoseconds(_ value: UInt64) -> UInt64 { converting?.nanoseconds(value) ?? value }
        let low = nanoseconds(smallest)
        let high = nanoseconds(largest)
        func percentile(_ value: Double) -> UInt64 {
            min(max(nanoseconds(histogram.valueAtPercentile(value)), low), high)
        }
        // The exact mean, in the recorded units, converted and rounded as each value is, and held within
        // min..max against that rounding.
        let meanUnits = Double(total) / Double(count)
        let converted = converting.map { (meanUnits * $0.nanosecondsPerUnit()).rounded() } ?? meanUnits
        let mean = Swift.min(Swift.max(converted, Double(low)), Double(high))
        return LatencySummary(
            min: low, p50: percentile(50), p90: percentile(90), p99: percentile(99), max: high, mean: mean,
            count: count)
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
