extension SendReport {
    /// With `--rate`, the text report's line of latencies from the schedule: what a caller waiting for
    /// each buffer set at its intended time saw, stalls of earlier calls included.
    var scheduledLine: String? {
        guard let scheduled = scheduledLatency else { return nil }
        let figures = [
            ("min", Double(scheduled.min)), ("p50", Double(scheduled.p50)), ("p90", Double(scheduled.p90)),
            ("p99", Double(scheduled.p99)), ("max", Double(scheduled.max)), ("mean", scheduled.mean),
        ]
        return Self.line(
            "scheduled",
            figures.map { "\($0.0) \(Units.duration($0.1))" }.joined(separator: ", ")
                + " (each buffer set, from its start on the --rate schedule)")
    }
}
