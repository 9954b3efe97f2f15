import Histogram
import Testing
import WSASendTool

@Suite("HdrHistogram V2 encoding")
struct HistogramEncodingTests {
    static func histogram(_ values: [UInt64]) -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(
            highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        for value in values { _ = histogram.record(value) }
        return histogram
    }

    @Test(
        "A histogram survives encoding and decoding slot for slot",
        arguments: [
            [1],
            [5220, 8391, 39327],
            [0, 0, 1, 2047, 2048, 2049, 1_000_000, 3_600_000_000_000],
            Array(stride(from: UInt64(100), to: 2_000_000, by: 997)),
        ] as [[UInt64]])
    func roundTrips(values: [UInt64]) throws {
        let original = Self.histogram(values)
        let decoded = try HistogramEncoding.decode(base64: HistogramEncoding.base64(original)).get()
        // The encoding carries slots, not the exact extremes: each slot's count, and every percentile
        // within the slot it falls in.
        #expect(decoded.totalCount == original.totalCount)
        for slot in original.recordedValues() {
            #expect(decoded.countForValue(slot.value) == slot.count, "slot of \(slot.value)")
        }
        for percentile in [0.0, 50, 90, 99, 99.9, 100] {
            let (got, want) = (decoded.valueAtPercentile(percentile), original.valueAtPercentile(percentile))
            #expect(original.valuesAreEquivalent(got, want), "p\(percentile): \(got) against \(want)")
        }
    }

    @Test("The compressed form starts with HdrHistogram's V2 compressed cookie (base64 'HISTFAAA')")
    func cookie() {
        #expect(HistogramEncoding.base64(Self.histogram([1, 2, 3])).hasPrefix("HISTFAAA"))
    }

    @Test(
        "Text that is not an encoded histogram is refused with a reason, never a trap",
        arguments: [
            "", "not base64!", "AAAA", "HISTFAAAACp4nJNpmSzMwMDAyQABzFCaEch0M9ixgMH+A0RgownTb26mp0pMAIdT",
            "HISTFAAAACp4nJNpmSzMwMDAyQABzFCaEch0M9ixgMH+A0RgownTb26mp0pMAIdTB0A=",
            "HISTFAAAAAR4nAMAAAAAAQ==",
        ])
    func refusesDamage(text: String) {
        guard case .failure(let error) = HistogramEncoding.decode(base64: text) else {
            Issue.record("decoded '\(text)'")
            return
        }
        #expect(!error.description.isEmpty)
    }

    @Test("A histogram HdrHistogram's Python library encoded decodes to its figures (1, 5220, 8391, 39327, 1000000)")
    func decodesForeign() throws {
        // Written by the `hdrhistogram` package (HdrHistogram(1, 3600000000000, 3), those five values, encode()).
        let decoded = try HistogramEncoding.decode(
            base64: "HISTFAAAAC54nJNpmSzMwMDAxwABzFCaEch0M9ixgMH+A1SAaa0J029upqdKTMu9mQCpTwhE"
        ).get()
        #expect(decoded.totalCount == 5)
        #expect(decoded.valueAtPercentile(50) == 8391)
        #expect(decoded.max == 1_000_447)
    }
}
