import Foundation
import Testing

/// A shard with nothing to do writes every output a working shard writes, each of no calls: a collector
/// that expects one JSON report, one `--histogram` and one `--histogram-log` per shard finds them, and
/// they merge and read as the others do.
@Suite("An idle shard's outputs")
struct IdleShardOutputTests {
    /// Runs shard `index` of 3 over 2 connections against `port`, writing its histogram and log.
    static func shard(
        _ index: Int, port: UInt16, stream: Bool = false
    ) throws -> (outcome: Tool.Outcome, histogram: TemporaryFile, log: TemporaryFile) {
        let histogram = TemporaryFile()
        let log = TemporaryFile()
        let outcome = try Tool.run([
            "127.0.0.1:\(port)", "--count", "300", "--connections", "2", "--shard", "\(index)/3", "--interval",
            "100ms", stream ? "--json-stream" : "--json", "--histogram", histogram.path, "--histogram-log", log.path,
        ])
        return (outcome, histogram, log)
    }

    @Test(
        "An idle shard writes a report of no calls, the distribution of no values and a log of no intervals; merge takes them",
        arguments: [false, true])
    func writesEveryOutput(stream: Bool) throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let shards = try (0..<3).map { try Self.shard($0, port: port, stream: stream) }
        for (index, shard) in shards.enumerated() {
            #expect(shard.outcome.status == 0, "shard \(index): \(shard.outcome.stderr)")
        }
        let idle = shards[2]
        #expect(idle.outcome.stderr.contains("shard 2/3 has nothing to do"), "\(idle.outcome.stderr)")
        let histogram = try String(contentsOf: idle.histogram.url, encoding: .utf8)
        #expect(histogram.contains("Value     Percentile TotalCount"), "\(histogram)")
        #expect(histogram.contains("Total count    =            0"), "\(histogram)")
        let log = try String(contentsOf: idle.log.url, encoding: .utf8).split(separator: "\n")
        #expect(log.first == "#[Histogram log format version 1.3]", "\(log)")
        #expect(log.contains { $0.hasPrefix("#[StartTime: ") } && log.contains { $0.hasPrefix("#[BaseTime: ") })
        #expect(
            log.last == "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"",
            "a log of no intervals ends with its legend: \(log)")
        // The working shards' logs have intervals: the idle one is the same format, with none.
        let busyLog = try String(contentsOf: shards[0].log.url, encoding: .utf8).split(separator: "\n")
        #expect(busyLog.count > log.count && busyLog.prefix(1) == log.prefix(1))
        // merge takes every shard's output, the idle one's included (streams through standard input, as a
        // collector would pipe them).
        let files = shards.map { TemporaryFile(bytes: $0.outcome.stdoutData) }
        let streams = TemporaryFile(bytes: shards.reduce(into: Data()) { $0 += $1.outcome.stdoutData })
        let merged =
            stream
            ? try Tool.run(["merge", "-", "--json"], stdin: streams.url)
            : try Tool.run(["merge", "--json"] + files.map(\.path))
        #expect(merged.status == 0, "\(merged.stderr)")
        let report = try JSONSerialization.jsonObject(with: merged.stdoutData) as? [String: Any] ?? [:]
        #expect((report["summary"] as? [String: Any])?["calls"] as? Int == 600)
        #expect((report["shards"] as? [Any])?.count == 3)
    }

    @Test(
        "HdrHistogram's Python HistogramLogReader reads an idle shard's log: no intervals, as its report has no calls",
        .enabled(
            if: PythonPackages.has("hdrh"), "the hdrhistogram package is not installed (make test-deps installs it)"))
    func logReadsInPython() throws {
        let idle = try Self.shard(2, port: 9)
        #expect(idle.outcome.status == 0, "\(idle.outcome.stderr)")
        let report = TemporaryFile(bytes: idle.outcome.stdoutData)
        let check = try PythonPackages.run("hdr_log_check.py", [idle.log.path, report.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("\"intervals\": []"), "\(check.output)")
    }
}
