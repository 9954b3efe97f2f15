import Histogram
import Winsock

/// `merge`: several shards' reports added up as if one process had made every call. Counters and codes
/// are summed; the latency histograms are added slot by slot, so the percentiles are those of every call
/// (to the histogram's 3 significant digits), with min, max and mean exact; the elapsed time runs from
/// the earliest start to the latest end, over every host's wall clock.
public struct MergedReport: Sendable {
    public let shards: [ShardReport]
    public let target: String
    public let counters: [(String, UInt64)]
    public let codes: CodeCounts
    public let completionCodes: CodeCounts
    public let histogram: Histogram<UInt64>?
    public let latency: LatencySummary?
    public let startedAt: WallClockTime?
    public let endedAt: WallClockTime?

    /// The merge of `reports`, or one error per input that does not fit (no partial merge).
    public static func merge(_ reports: [ShardReport]) -> Result<MergedReport, MergeFailure> {
        guard let first = reports.first else {
            return .failure(MergeFailure(errors: [MergeError(source: "merge", reason: "no report to merge")]))
        }
        var errors: [MergeError] = []
        var seen: [UInt64: String] = [:]
        for report in reports {
            if report.target != first.target {
                errors.append(
                    MergeError(
                        source: report.source,
                        reason: "its target \(report.target) is not \(first.target) of \(first.source)"))
            }
            if report.buffers != first.buffers {
                errors.append(
                    MergeError(
                        source: report.source,
                        reason:
                            "its buffers \(describe(report.buffers)) are not \(describe(first.buffers)) of \(first.source)"
                    ))
            }
            if let shard = report.shard {
                if let count = first.shard?.count, shard.count != count {
                    errors.append(
                        MergeError(
                            source: report.source, reason: "it is shard \(shard), but \(first.source) is of \(count)"))
                }
                if let other = seen[shard.index] {
                    errors.append(
                        MergeError(source: report.source, reason: "shard \(shard) is already merged from \(other)"))
                }
                seen[shard.index] = report.source
            }
        }
        guard errors.isEmpty else { return .failure(MergeFailure(errors: errors)) }

        var counters = ShardReport.counterNames.map { ($0, UInt64(0)) }
        var codes = CodeCounts()
        var completionCodes = CodeCounts()
        var histogram: Histogram<UInt64>?
        var low = UInt64.max
        var high: UInt64 = 0
        var weightedMean = 0.0
        for report in reports {
            for index in counters.indices { counters[index].1 &+= report.count(counters[index].0) }
            codes.merge(report.codes)
            completionCodes.merge(report.completionCodes)
            if let shardHistogram = report.histogram, let latency = report.latency {
                if histogram == nil {
                    histogram = shardHistogram
                } else {
                    histogram?.add(shardHistogram)
                }
                low = min(low, latency.min)
                high = max(high, latency.max)
                weightedMean += latency.mean * Double(shardHistogram.totalCount)
            }
        }
        var latency: LatencySummary?
        if let histogram, histogram.totalCount > 0 {
            func percentile(_ value: Double) -> UInt64 { min(max(histogram.valueAtPercentile(value), low), high) }
            let mean = min(max(weightedMean / Double(histogram.totalCount), Double(low)), Double(high))
            latency = LatencySummary(
                min: low, p50: percentile(50), p90: percentile(90), p99: percentile(99), max: high, mean: mean,
                count: histogram.totalCount)
        }
        return .success(
            MergedReport(
                shards: reports, target: first.target, counters: counters, codes: codes,
                completionCodes: completionCodes,
                histogram: histogram, latency: latency, startedAt: reports.compactMap(\.startedAt).min(),
                endedAt: reports.compactMap(\.endedAt).max()))
    }

    static func describe(_ buffers: [UInt64]) -> String {
        buffers.isEmpty ? "(none)" : buffers.map(String.init).joined(separator: ",")
    }

    public func count(_ name: String) -> UInt64 { counters.first { $0.0 == name }?.1 ?? 0 }

    /// From the earliest start to the latest end; the longest shard's elapsed time when no report has
    /// wall-clock times.
    public var elapsedNanoseconds: UInt64 {
        if let startedAt, let endedAt, endedAt >= startedAt {
            return endedAt.nanosecondsSinceEpoch - startedAt.nanosecondsSinceEpoch
        }
        return shards.map(\.elapsedNanoseconds).max() ?? 0
    }

    public var bytesPerSecond: Double {
        elapsedNanoseconds == 0 ? 0 : Double(count("bytes_sent")) * 1e9 / Double(elapsedNanoseconds)
    }

    public var callsPerSecond: Double {
        elapsedNanoseconds == 0 ? 0 : Double(count("calls")) * 1e9 / Double(elapsedNanoseconds)
    }

    /// 1 when a call failed in any shard or any shard's run did not succeed, as a run's status would be.
    public var exitStatus: ExitStatus {
        count("failed") > 0 || shards.contains { $0.exitStatus != 0 } ? .failure : .success
    }
}
