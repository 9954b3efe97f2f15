import Foundation
import Testing

/// `--json-stream` and `--histogram-log`: one record per `--interval` while the run goes, which add up to
/// the final report.
@Suite("Interval reports: --json-stream and --histogram-log")
struct IntervalStreamTests {
    static func object(_ line: Substring) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    }

    static func summary(_ report: [String: Any]) -> [String: Any] { report["summary"] as? [String: Any] ?? [:] }

    @Test(
        "--json-stream writes each interval's line as the interval ends, before the run does, and ends with the report",
        arguments: [
            ["--mode", "blocking"], ["--mode", "nonblocking", "--connections", "2"],
            ["--mode", "event", "--outstanding", "4", "--connections", "2"], ["--mode", "routine"],
        ])
    func streamsAsItGoes(mode: [String]) throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        // Read from a pipe as a collector would: the first line must arrive while the run still has
        // seconds to go. The run is 4 s long so that a slow start (the tool under ASan or TSan takes more
        // than a second to connect) still leaves a clear gap between "as it goes" and "at the end".
        let process = Process()
        process.executableURL = Tool.url
        process.arguments =
            ["127.0.0.1:\(port)", "--duration", "4s", "--interval", "250ms", "--buffers", "4x1K", "--json-stream"]
            + mode
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = Date()
        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        let firstLineAfter = Date().timeIntervalSince(started)
        #expect(process.isRunning, "the first line came only when the run ended")
        #expect(firstLineAfter < 3, "the first line took \(firstLineAfter) s")
        received += output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let lines = String(decoding: received, as: UTF8.self).split(separator: "\n")
        let records = try lines.map(Self.object)
        guard let report = records.last, records.count >= 5 else {
            Issue.record("\(records.count) lines: \(lines)")
            return
        }
        let intervals = records.dropLast()
        #expect(intervals.allSatisfy { $0["event"] as? String == "interval" })
        #expect(report["event"] == nil && report["summary"] != nil, "the last line is the report")
        #expect(intervals.map { $0["interval"] as? Int } == Array(0..<intervals.count).map { $0 })
        // The intervals follow one another, a --interval long each but the last, which ends with the run.
        for (earlier, later) in zip(intervals, intervals.dropFirst()) {
            #expect(earlier["end_seconds"] as? Double == later["start_seconds"] as? Double)
        }
        for interval in intervals.dropLast() {
            let length = (interval["end_seconds"] as? Double ?? 0) - (interval["start_seconds"] as? Double ?? 0)
            #expect(abs(length - 0.25) < 1e-9, "\(interval)")
        }
        // Together they are the run: calls, bytes, and a latency value for every call.
        let summary = Self.summary(report)
        func total(_ key: String) -> Int { intervals.reduce(0) { $0 + ($1[key] as? Int ?? 0) } }
        #expect(total("calls") == summary["calls"] as? Int)
        #expect(total("bytes_sent") == summary["bytes_sent"] as? Int)
        #expect(total("completed_immediately") == summary["completed_immediately"] as? Int)
        #expect(total("pending") == summary["pending"] as? Int)
        #expect(total("latency_count") == summary["calls"] as? Int)
        #expect((summary["calls"] as? Int ?? 0) > 0)
        let busy = intervals.filter { ($0["calls"] as? Int ?? 0) > 0 }
        #expect(busy.count >= 4, "calls in only \(busy.count) intervals")
        for interval in busy {
            let latency = interval["latency_seconds"] as? [String: Double] ?? [:]
            #expect((latency["min"] ?? -1) <= (latency["p50"] ?? 0) && (latency["p50"] ?? 0) <= (latency["max"] ?? 0))
            #expect((interval["latency_histogram"] as? [String: Any])?["data"] is String)
        }
    }

    @Test("merge reads --json-stream output: interval lines are passed over, each stream's last line is its report")
    func streamMerges() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        var streams = Data()
        for index in 0..<2 {
            let outcome = try Tool.run([
                "127.0.0.1:\(port)", "--count", "3000", "--connections", "2", "--shard", "\(index)/2", "--interval",
                "20ms", "--json-stream", "-q",
            ])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let lines = outcome.stdout.split(separator: "\n")
            #expect(lines.count >= 2, "\(outcome.stdout)")
            #expect(
                Self.summary(try Self.object(lines.last ?? ""))["calls"] as? Int == 3000, "the last line is the report")
            streams += outcome.stdoutData
        }
        let input = TemporaryFile(bytes: streams)
        let merged = try Tool.run(["merge", "-", "--json"], stdin: input.url)
        #expect(merged.status == 0, "\(merged.stderr)")
        let report = try JSONSerialization.jsonObject(with: merged.stdoutData) as? [String: Any] ?? [:]
        #expect(Self.summary(report)["calls"] as? Int == 6000)
        #expect((report["shards"] as? [Any])?.count == 2)
    }

    @Test(
        "HdrHistogram's Python HistogramLogReader reads --histogram-log: its intervals hold the report's histogram",
        .enabled(
            if: PythonPackages.has("hdrh"), "the hdrhistogram package is not installed (make test-deps installs it)"),
        arguments: [
            ["--mode", "blocking"], ["--mode", "event"],
            // With --rate, lines tagged "scheduled" hold the latency from the schedule.
            ["--mode", "event", "--rate", "40M", "--buffers", "1x16K"],
            ["--mode", "blocking", "--rate", "40M", "--buffers", "1x16K"],
        ])
    func logReadsInPython(arguments: [String]) throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let log = TemporaryFile()
        let outcome = try Tool.run(
            ["127.0.0.1:\(port)", "--duration", "1s", "--interval", "200ms", "--histogram-log", log.path, "--json"]
                + arguments)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try String(contentsOf: log.url, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "#[Histogram log format version 1.3]")
        #expect(lines.contains { $0.hasPrefix("#[StartTime: ") } && lines.contains { $0.hasPrefix("#[BaseTime: ") })
        #expect(
            lines.contains("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""))
        let report = TemporaryFile(bytes: outcome.stdoutData)
        let check = try PythonPackages.run("hdr_log_check.py", [log.path, report.path])
        #expect(check.status == 0, "\(check.output)")
        let scheduledLines = lines.filter { $0.hasPrefix("Tag=scheduled,") }.count
        #expect((scheduledLines > 0) == arguments.contains("--rate"), "\(scheduledLines) lines tagged scheduled")
    }

    @Test(
        "Bad combinations get one line and exit 64; a --histogram-log that cannot be created is exit 73 before connecting",
        arguments: [
            (["--json", "--json-stream"], 64, "--json and --json-stream exclude each other"),
            (["--json-stream", "--interval", "0"], 64, "--json-stream writes one object per --interval"),
            (["--histogram-log", "/tmp/h.log", "--interval", "0"], 64, "--histogram-log /tmp/h.log writes one"),
            (
                ["--histogram-log", "/nonexistent/dir/h.log"], 73,
                "--histogram-log /nonexistent/dir/h.log: cannot create"
            ),
        ] as [([String], Int32, String)])
    func refusesBadInput(arguments: [String], status: Int32, phrase: String) throws {
        let outcome = try Tool.run(["127.0.0.1:9", "--count", "1"] + arguments)
        #expect(outcome.status == status)
        #expect(outcome.stderrLines.count == 1 && outcome.stderr.contains(phrase), "\(outcome.stderr)")
        // With --json or --json-stream standard output holds a JSON object that says so; otherwise nothing.
        if arguments.contains("--json") || arguments.contains("--json-stream") {
            let object = try JSONSerialization.jsonObject(with: outcome.stdoutData) as? [String: Any] ?? [:]
            #expect(object["exit_status"] as? Int == Int(status))
        } else {
            #expect(outcome.stdout.isEmpty)
        }
    }

    @Test("With --json-stream a failure before the run is one JSON line on standard output, as a collector expects")
    func streamFailureIsOneLine() throws {
        let outcome = try Tool.run(["127.0.0.1:9", "--json-stream", "--histogram-log", "/nonexistent/dir/h.log"])
        #expect(outcome.status == 73)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(try Self.object(lines.first ?? "")["exit_status"] as? Int == 73)
    }
}
