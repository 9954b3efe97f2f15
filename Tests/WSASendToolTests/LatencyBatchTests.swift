import Testing

@testable import WSASendTool

/// The send loops' latency batch: every value reaches the histogram, whatever the count, once the
/// loop's last flush has run; before it, only whole tables (and whole lists of outliers) have.
@Suite("Latency batch")
struct LatencyBatchTests {
    @Test(
        "Every recorded value is in the histogram after the last flush",
        arguments: [
            0, 1, LatencyBatch.tallyCapacity - 1, LatencyBatch.tallyCapacity, LatencyBatch.tallyCapacity + 1,
            2 * LatencyBatch.tallyCapacity + 7,
        ])
    func everyValueArrives(count: Int) {
        var recorder = LatencyRecorder()
        var batch = LatencyBatch()
        for value in 0..<count { batch.record(UInt64(1_000 + value % 50_000), into: &recorder) }
        let whole = count / LatencyBatch.tallyCapacity * LatencyBatch.tallyCapacity
        #expect(recorder.histogram.totalCount == UInt64(whole))
        batch.flush(into: &recorder)
        #expect(recorder.histogram.totalCount == UInt64(count))
        if count > 0 {
            let summary = recorder.summary
            #expect(summary?.min == 1_000)
            #expect(summary?.max == UInt64(1_000 + min(count, 50_000) - 1))
        }
        // A second flush adds nothing.
        batch.flush(into: &recorder)
        #expect(recorder.histogram.totalCount == UInt64(count))
    }

    @Test(
        "Values past the table wait in a list of their own until it is full or flushed",
        arguments: [1, LatencyBatch.capacity - 1, LatencyBatch.capacity, 3 * LatencyBatch.capacity + 7])
    func outliersArrive(count: Int) {
        var recorder = LatencyRecorder()
        var batch = LatencyBatch()
        for value in 0..<count { batch.record(batch.limit + UInt64(value), into: &recorder) }
        #expect(recorder.histogram.totalCount == UInt64(count / LatencyBatch.capacity * LatencyBatch.capacity))
        batch.flush(into: &recorder)
        #expect(recorder.histogram.totalCount == UInt64(count))
        #expect(recorder.summary?.min == LatencyBatch.overlappedLimit)
    }
}

/// The table the send loops count latencies in: the same histogram as recording each value.
@Suite("Latency tally")
struct LatencyTallyTests {
    @Test("The table's slot of every value it counts is the histogram layout's")
    func slotsMatchTheLayout() {
        let layout = LatencyRecorder.layout
        // Every value of the exact slots and the first doublings, then each slot's first and last values
        // and its middle, up to the largest table.
        var values = Array(0..<UInt64(1 << 16))
        for slot in 1...layout.index(of: LatencyBatch.overlappedLimit) {
            guard let first = layout.value(at: slot), let previous = layout.value(at: slot - 1) else { continue }
            values += [first - 1, first, (previous + first) / 2]
        }
        let mismatches = values.filter {
            $0 < LatencyBatch.overlappedLimit && LatencyBatch.slot(of: $0) != layout.index(of: $0)
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    /// Values spread over the table's range and past it (outliers, up to seconds), in runs long enough
    /// to make the table hand over mid-way. Named, so that the test log names a case, not its values.
    enum Values: String, CaseIterable {
        case oneValue = "one value"
        case edges = "zero and the table's edges"
        case fastLoop = "a fast loop's calls"
        case moreThanATable = "a table's worth and more"
        case overlapped = "an overlapped run's completions"
        case mostlyOutliers = "mostly outliers"

        var values: [UInt64] {
            switch self {
            case .oneValue: [1_234]
            case .edges:
                [0, 1, 2_047, 2_048, 2_049, 65_535, 65_536, 65_537, 1 << 20, (1 << 24) - 1, 1 << 24, (1 << 24) + 1]
            case .fastLoop: (0..<5_000).map { UInt64(300 + ($0 * 7_919) % 4_000) }
            case .moreThanATable: (0..<(LatencyBatch.tallyCapacity + 1_000)).map { UInt64(500 + $0 % 30_000) }
            case .overlapped: (0..<5_000).map { UInt64(20_000 + ($0 * 104_729) % 5_000_000) }
            case .mostlyOutliers: (0..<2_000).map { UInt64(60_000 + $0 * 1_000_003) }
            }
        }
    }

    @Test(
        "Counting in the table gives the histogram and figures of recording each value",
        arguments: Values.allCases, [LatencyBatch.callLimit, LatencyBatch.overlappedLimit])
    func sameAsRecordingEachValue(_ values: Values, limit: UInt64) {
        var direct = LatencyRecorder()
        for value in values.values { direct.record(value) }
        var tallied = LatencyRecorder()
        var batch = LatencyBatch(limit: limit)
        for value in values.values { batch.record(value, into: &tallied) }
        batch.flush(into: &tallied)
        #expect(tallied.count == UInt64(values.values.count))
        #expect(tallied.summary == direct.summary)
        let recorded = direct.histogram
        let counted = tallied.histogram
        var differing = 0
        for value in Set(values.values)
        where recorded.count(within: value...value) != counted.count(within: value...value) {
            differing += 1
        }
        #expect(differing == 0, "\(values.rawValue): \(differing) values counted differently")
        for percentile in [0.1, 1, 25, 50, 75, 90, 99, 99.9] {
            #expect(recorded.valueAtPercentile(percentile) == counted.valueAtPercentile(percentile))
        }
    }

    @Test("A flush empties the table: the next values are counted once")
    func flushEmpties() {
        var recorder = LatencyRecorder()
        var batch = LatencyBatch()
        for value in [700, 900, 70_000] as [UInt64] { batch.record(value, into: &recorder) }
        batch.flush(into: &recorder)
        batch.record(800, into: &recorder)
        batch.flush(into: &recorder)
        batch.flush(into: &recorder)
        #expect(recorder.count == 4)
        #expect(recorder.summary?.min == 700)
        #expect(recorder.summary?.max == 70_000)
        #expect(recorder.summary?.mean == Double(700 + 900 + 70_000 + 800) / 4)
    }
}
