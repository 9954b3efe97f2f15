import Histogram

extension SendReport {
    /// The encoding the JSON report names for its histograms.
    public static let histogramEncodingName = "HdrHistogram V2 compressed, base64"

    /// `{"unit": "nanoseconds", "encoding": ..., "data": "HISTFAAA..."}`: every call's latency, lossless
    /// (to the histogram's 3 significant digits), for `merge` and for any HdrHistogram library to read.
    static func histogramJSON(_ histogram: Histogram<UInt64>?) -> JSONValue {
        guard let histogram else { return .null }
        return .object([
            ("unit", .string("nanoseconds")),
            ("encoding", .string(histogramEncodingName)),
            ("data", .string(HistogramEncoding.base64(histogram))),
        ])
    }
}

/// `--histogram FILE`: HdrHistogram's percentile distribution text (the format its plotters read), in
/// microseconds as those plotters expect.
public enum PercentileDistribution {
    public static func text(_ histogram: Histogram<UInt64>) -> String {
        var text = ""
        histogram.outputPercentileDistribution(to: &text, outputValueUnitScalingRatio: 1000)
        return text
    }

    /// A histogram of no values, for a run that timed no call: its distribution is still the format's.
    public static var empty: Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: LatencyRecorder.anHour, numberOfSignificantValueDigits: .three)
    }
}
