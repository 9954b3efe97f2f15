import Histogram
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
        arguments: [[7], [1, 1_000, 50_000, 3], [5, 70_000_000, 9], Array(stride(from: 100, to: 90_000, by: 37))]
            as [[UInt64]])
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

    @Test(
        "A histogram that grows to its largest value gives the full range's percentiles and encoding",
        arguments: [[7], [850, 1_200, 3_400, 99_000], [1, 1_000_000, 5_000_000_000, LatencyRecorder.anHour * 2]]
            as [[UInt64]])
    func grownMatchesFullRange(values: [UInt64]) {
        var recorder = LatencyRecorder(unit: .nanoseconds)
        var full = Histogram<UInt64>(
            highestTrackableValue: LatencyRecorder.anHour, numberOfSignificantValueDigits: .three)
        for value in values {
            recorder.record(value)
            _ = full.record(min(value, LatencyRecorder.anHour))
        }
        for percentile in [0.0, 50, 90, 99, 99.9, 100] {
            #expect(recorder.histogram.valueAtPercentile(percentile) == full.valueAtPercentile(percentile))
        }
        let reported = recorder.nanosecondHistogram(clock: nil)
        #expect(reported.map(HistogramEncoding.base64) == HistogramEncoding.base64(full))
    }
}
