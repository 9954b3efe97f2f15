import Histogram

extension LatencyRecorder {
    /// The recorded latencies as a histogram of nanoseconds (the unit the reports and the encoded
    /// histograms state), nil when nothing was recorded. Values recorded in clock ticks are converted slot
    /// by slot with the run's clock (its one rate), each slot's count kept whole.
    public func nanosecondHistogram(clock: LatencyClock?) -> Histogram<UInt64>? {
        guard count > 0 else { return nil }
        let histogram = self.histogram
        guard unit != .nanoseconds, let clock else { return fullRange(histogram) }
        var converted = Histogram<UInt64>(highestTrackableValue: Self.anHour, numberOfSignificantValueDigits: .three)
        for slot in histogram.recordedValues() {
            _ = converted.record(min(clock.nanoseconds(slot.value), Self.anHour), count: slot.count)
        }
        return converted
    }
}
