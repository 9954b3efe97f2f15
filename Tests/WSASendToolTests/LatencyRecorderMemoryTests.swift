import Testing

@testable import WSASendTool

@Suite("Latency recorder memory")
struct LatencyRecorderMemoryTests {
    @Test("A recorder makes its histogram at its first value: one that records nothing holds no counts")
    func madeAtFirstValue() {
        var recorder = LatencyRecorder(unit: .nanoseconds)
        #expect(!recorder.holdsHistogram)
        recorder.merge(LatencyRecorder(unit: .nanoseconds))
        #expect(!recorder.holdsHistogram)
        #expect(recorder.summary == nil)
        #expect(recorder.nanosecondHistogram(clock: nil) == nil)
        recorder.record(1_000)
        #expect(recorder.holdsHistogram)
        #expect(recorder.count == 1)
    }

    @Test(
        "Values recorded one at a time, in a batch, or merged from two recorders give the same figures",
        arguments: [[7], [1, 1_000, 50_000, 3], Array(stride(from: 100, to: 90_000, by: 37))] as [[UInt64]])
    func sameFigures(values: [UInt64]) {
        var single = LatencyRecorder(unit: .nanoseconds)
        for value in values { single.record(value) }
        var batched = LatencyRecorder(unit: .nanoseconds)
        values.withUnsafeBufferPointer { batched.record($0) }
        var first = LatencyRecorder(unit: .nanoseconds)
        var second = LatencyRecorder(unit: .nanoseconds)
        for (index, value) in values.enumerated() {
            if index % 2 == 0 { first.record(value) } else { second.record(value) }
        }
        first.merge(second)
        #expect(single.summary != nil)
        #expect(batched.summary == single.summary)
        #expect(first.summary == single.summary)
        #expect(batched.histogram == single.histogram)
        #expect(first.histogram == single.histogram)
    }
}
