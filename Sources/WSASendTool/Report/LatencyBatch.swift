/// Per-call latencies held back from the HdrHistogram and recorded a batch at a time, by the loops of
/// the blocking and non-blocking modes.
///
/// At 1x64 a blocking loop makes a call every few hundred nanoseconds, and on loopback the user-space work
/// between two sendmsg calls costs more than its own time: past about 20 ns per call, each further ns
/// adds about 2 ns in the kernel (the sender's socket lock meets the ACK processing on the peer's CPU
/// more often; README, Benchmarks). Recording into the histogram is some 45 instructions
/// and a call (the counts array's uniqueness check); appending here is a store and a compare, and the
/// histogram then takes `capacity` values in one tight loop. The figures are the same: a histogram
/// does not depend on the order of its values.
struct LatencyBatch: ~Copyable {
    static let capacity = 512
    private let values = UnsafeMutablePointer<UInt64>.allocate(capacity: LatencyBatch.capacity)
    private var count = 0

    deinit { values.deallocate() }

    @inline(__always)
    mutating func record(_ value: UInt64, into recorder: inout LatencyRecorder) {
        values[count] = value
        count &+= 1
        if count == Self.capacity { flush(into: &recorder) }
    }

    /// Records the values held so far; the loop calls it once more when it ends.
    @inline(never)
    mutating func flush(into recorder: inout LatencyRecorder) {
        recorder.record(UnsafeBufferPointer(start: values, count: count))
        count = 0
    }
}
