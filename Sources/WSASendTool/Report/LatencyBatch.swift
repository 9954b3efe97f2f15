/// Per-call latencies counted by the send loops of every mode in a table of their own, and handed to the
/// HdrHistogram a table at a time.
///
/// At 1x64 a blocking loop makes a call every few hundred nanoseconds, and on loopback the user-space work
/// between two sendmsg calls costs more than its own time: past about 20 ns per call, each further ns
/// adds about 2 ns in the kernel (the sender's socket lock meets the ACK processing on the peer's CPU
/// more often; README, Benchmarks). HdrHistogram's own `record` costs some 70 instructions a value
/// (callgrind, release): a uniqueness check of its counts array, trapping arithmetic, its own minimum and
/// maximum. Counting here is one increment in a slot laid out as the histogram's (`HistogramLayout`), so
/// the histogram later takes each slot's count in one `record(_:count:)` and ends with the same counts
/// it would have had value by value. The exact smallest, largest and sum are kept beside the table, as
/// the recorder keeps them, so its min, max and mean stay exact.
///
/// Values below the batch's `limit` are counted; larger ones wait in a short list and are recorded as
/// they are. Each slot above 2,048 covers a range of values (HdrHistogram's three significant digits), so
/// the table grows by 1,024 slots (2 KB) for each doubling of the limit.
struct LatencyBatch: ~Copyable {
    /// The limit of an overlapped driver's batch: 2^24 clock units, 7 ms of a 2.3 GHz counter, a 30 KB
    /// table. Its latencies run from a post to the completion's collection, with dozens of operations
    /// ahead: on loopback tens of microseconds at the median and milliseconds at the 99th percentile
    /// (1x64 with 64 outstanding: p50 17 us, p99 0.3 ms; 4x4096 with 16: p50 45 us, p99 2 ms).
    static let overlappedLimit: UInt64 = 1 << 24
    /// The limit of a blocking or non-blocking loop's batch: 65,536 clock units, 28 us of a 2.3 GHz
    /// counter, a 14 KB table; each connection of those modes has one. A call that returns at once takes
    /// a few microseconds at most; one that waits for room is long, and rarer.
    static let callLimit: UInt64 = 1 << 16
    /// How many values from `limit` up wait before they are recorded.
    static let capacity = 512
    /// The most values counted between two hand-overs, so that no slot's 16-bit count can overflow: a
    /// hand-over every 65,535 calls costs well under an instruction a call.
    static let tallyCapacity = Int(UInt16.max)

    /// The values counted in the table; at most `overlappedLimit`.
    let limit: UInt64
    private let layout = LatencyRecorder.layout
    /// One count per histogram slot below `limit`; zero outside the slots of `smallest...largest`.
    private let counts: UnsafeMutablePointer<UInt16>
    private var tallied = 0
    private var smallest = UInt64.max
    private var largest: UInt64 = 0
    private var total: UInt64 = 0
    private let outliers = UnsafeMutablePointer<UInt64>.allocate(capacity: LatencyBatch.capacity)
    private var outlierCount = 0

    init(limit: UInt64 = overlappedLimit) {
        precondition(limit >= 2_048 && limit <= Self.overlappedLimit, "a table of 2,048 to 2^24 values")
        self.limit = limit
        let slots = layout.index(of: limit - 1) + 1
        counts = .allocate(capacity: slots)
        counts.initialize(repeating: 0, count: slots)
    }

    deinit {
        counts.deallocate()
        outliers.deallocate()
    }

    @inline(__always)
    mutating func record(_ value: UInt64, into recorder: inout LatencyRecorder) {
        guard value < limit else { return hold(value, into: &recorder) }
        // A pointer's pointee, not the subscript's `&+=`: that form made Swift 6.3's compiler emit an invalid
        // bitcast under --sanitize=thread (it crashed building this file).
        let place = counts + Self.slot(of: value)
        place.pointee = place.pointee &+ 1
        smallest = min(smallest, value)
        largest = max(largest, value)
        total &+= value
        tallied &+= 1
        if tallied == Self.tallyCapacity { flush(into: &recorder) }
    }

    /// `LatencyRecorder.layout.index(of:)` with that layout's constants written in (lowest discernible
    /// value 1: no unit shift; three digits: 2,048 sub-buckets), for `value` below `overlappedLimit`. The
    /// general form loads and shifts by the layout's fields, some 20 instructions more a call (callgrind).
    /// A test holds the two equal for every value the table counts.
    @inline(__always)
    static func slot(of value: UInt64) -> Int {
        let bucket = 53 &- (value | 2047).leadingZeroBitCount
        return ((bucket &+ 1) &<< 10) &+ Int(truncatingIfNeeded: value &>> UInt64(truncatingIfNeeded: bucket)) &- 1024
    }

    /// A value past the table: it waits in the list, which is recorded when full.
    @inline(never)
    private mutating func hold(_ value: UInt64, into recorder: inout LatencyRecorder) {
        outliers[outlierCount] = value
        outlierCount += 1
        if outlierCount == Self.capacity { flush(into: &recorder) }
    }

    /// Records every value held so far and empties the table; the loop calls it once more when it ends
    /// (and at each interval report).
    @inline(never)
    mutating func flush(into recorder: inout LatencyRecorder) {
        if outlierCount > 0 {
            recorder.record(UnsafeBufferPointer(start: outliers, count: outlierCount))
            outlierCount = 0
        }
        guard tallied > 0 else { return }
        // Only the slots from the smallest value's to the largest's can hold counts.
        let first = layout.index(of: smallest)
        let used = layout.index(of: largest) - first + 1
        recorder.record(
            counts: UnsafeBufferPointer(start: counts + first, count: used), from: first,
            smallest: smallest, largest: largest, total: total)
        (counts + first).update(repeating: 0, count: used)
        tallied = 0
        smallest = .max
        largest = 0
        total = 0
    }
}
