import Testing

@testable import WSASendTool

/// The blocking loop's latency batch: every value reaches the histogram, whatever the count, once the
/// loop's last flush has run.
@Suite("Latency batch")
struct LatencyBatchTests {
    @Test(
        "Every recorded value is in the histogram after the last flush",
        arguments: [
            0, 1, LatencyBatch.capacity - 1, LatencyBatch.capacity, LatencyBatch.capacity + 1,
            3 * LatencyBatch.capacity + 7,
        ])
    func everyValueArrives(count: Int) {
        var recorder = LatencyRecorder()
        var batch = LatencyBatch()
        for value in 0..<count { batch.record(UInt64(1_000 + value), into: &recorder) }
        // Only whole batches have reached the histogram before the flush.
        #expect(recorder.histogram.totalCount == UInt64(count / LatencyBatch.capacity * LatencyBatch.capacity))
        batch.flush(into: &recorder)
        #expect(recorder.histogram.totalCount == UInt64(count))
        if count > 0 {
            let summary = recorder.summary
            #expect(summary?.min == 1_000)
            #expect(summary.map { $0.max >= UInt64(1_000 + count - 1) } == true)
            #expect(summary.map { $0.max <= UInt64(1_000 + count - 1) * 1_001 / 1_000 } == true)
        }
        // A second flush adds nothing.
        batch.flush(into: &recorder)
        #expect(recorder.histogram.totalCount == UInt64(count))
    }
}
