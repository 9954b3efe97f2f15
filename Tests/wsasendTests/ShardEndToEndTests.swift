import Foundation
import Testing

/// Shards run as cluster launchers start them (each engine's variables in the environment), against one
/// sink on loopback, merged: the merge is one process's run of the same work.
@Suite("Shards and merge, end to end")
struct ShardEndToEndTests {
    /// Each launcher's variables (and options) for shard `index` of `count`.
    static func launch(_ engine: String, index: Int, count: Int) -> ([String: String], [String]) {
        switch engine {
        case "Kubernetes": (["JOB_COMPLETION_INDEX": "\(index)"], ["--shards", "\(count)"])
        case "Slurm": (["SLURM_PROCID": "\(index)", "SLURM_NTASKS": "\(count)"], [])
        default: (["OMPI_COMM_WORLD_RANK": "\(index)", "OMPI_COMM_WORLD_SIZE": "\(count)"], [])
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    static func summary(_ report: [String: Any]) -> [String: Any] { report["summary"] as? [String: Any] ?? [:] }

    @Test(
        "N shards under each engine's environment add up to one process's sockets, calls, bytes and codes",
        arguments: ["Kubernetes", "Slurm", "Open MPI"])
    func shardsAddUp(name: String) throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let work = ["127.0.0.1:\(port)", "--buffers", "2x512", "--count", "301", "--connections", "2", "--json"]
        let whole = try Tool.run(work)
        #expect(whole.status == 0, "stderr: \(whole.stderr)")
        var files: [TemporaryFile] = []
        // More shards than connections: the last shard gets no connection, and no connection is shared.
        let shards = 3
        var sockets: [[String: Any]] = []
        let launched = try (0..<shards).map { index -> Background in
            let (environment, extra) = Self.launch(name, index: index, count: shards)
            return try Background(work + ["--shard", "auto"] + extra, environment: environment)
        }
        for (index, shard) in launched.enumerated() {
            let outcome = try shard.finish()
            #expect(outcome.status == 0, "\(name) shard \(index): \(outcome.stderr)")
            files.append(TemporaryFile(bytes: outcome.stdoutData))
            let report = try Self.json(outcome.stdout)
            let shardObject = report["shard"] as? [String: Any]
            #expect(shardObject?["index"] as? Int == index && shardObject?["count"] as? Int == shards, "\(name)")
            sockets += report["connections"] as? [[String: Any]] ?? []
            if index >= 2 { #expect(outcome.stderr.contains("shard \(index)/\(shards) has nothing to do"), "\(name)") }
        }
        #expect(sockets.count == 2, "\(name): one process opens 2 sockets, and so do the shards together")
        #expect(sockets.allSatisfy { $0["calls"] as? Int == 301 }, "\(name): each connection makes the whole count")
        let merged = try Tool.run(["merge", "--json"] + files.map(\.path))
        #expect(merged.status == 0, "stderr: \(merged.stderr)")
        let mergedSummary = Self.summary(try Self.json(merged.stdout))
        let wholeSummary = Self.summary(try Self.json(whole.stdout))
        for key in ["calls", "bytes_requested", "bytes_sent", "completed_immediately", "failed", "sets"] {
            #expect(mergedSummary[key] as? Int == wholeSummary[key] as? Int, "\(name): \(key)")
        }
        #expect(mergedSummary["calls"] as? Int == 2 * 301)
        #expect((mergedSummary["codes"] as? [Any])?.count == (wholeSummary["codes"] as? [Any])?.count)
        let rows = try Self.json(merged.stdout)["shards"] as? [[String: Any]] ?? []
        #expect(rows.count == shards)
    }

    @Test(
        "HdrHistogram's Python library reads the encoded histograms: the merged p50, p90, p99, min and max are those of every shard's values",
        .enabled(
            if: PythonPackages.has("hdrh"), "the hdrhistogram package is not installed (make test-deps installs it)"))
    func independentReader() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        var files: [TemporaryFile] = []
        // Three connections over three shards: one each, with the whole count.
        for index in 0..<3 {
            let outcome = try Tool.run([
                "127.0.0.1:\(port)", "--buffers", "4x1024", "--count", "2000", "--connections", "3", "--shard",
                "\(index)/3", "--json",
            ])
            #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
            files.append(TemporaryFile(bytes: outcome.stdoutData))
        }
        let merged = try Tool.run(["merge", "--json"] + files.map(\.path))
        #expect(merged.status == 0, "stderr: \(merged.stderr)")
        let mergedFile = TemporaryFile(bytes: merged.stdoutData)
        let check = try PythonPackages.run("hdr_check.py", [mergedFile.path] + files.map(\.path))
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("\"count\": 6000"), "\(check.output)")
        // A merge read by itself again is the same report (merges merge).
        let again = try Tool.run(["merge", "--json", mergedFile.path])
        let figures = Self.summary(try Self.json(again.stdout))["latency_seconds"] as? [String: Double]
        let first = Self.summary(try Self.json(merged.stdout))["latency_seconds"] as? [String: Double]
        #expect(figures == first)
    }

    @Test("merge writes HdrHistogram's percentile text with --histogram, and the elapsed time spans every shard")
    func histogramFileAndSpan() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        var files: [TemporaryFile] = []
        for index in 0..<2 {
            let outcome = try Tool.run(
                ["127.0.0.1:\(port)", "--count", "50", "--connections", "2", "--shard", "\(index)/2", "--json"])
            files.append(TemporaryFile(bytes: outcome.stdoutData))
        }
        let histogram = TemporaryFile()
        let merged = try Tool.run(["merge", "--json", "--histogram", histogram.path] + files.map(\.path))
        #expect(merged.status == 0, "stderr: \(merged.stderr)")
        let text = try String(contentsOf: histogram.url, encoding: .utf8)
        #expect(text.contains("Value     Percentile TotalCount 1/(1-Percentile)"))
        // Two connections dealt over two shards: one each, with the whole --count of 50.
        #expect(text.contains("Total count    =          100]"))
        let report = try Self.json(merged.stdout)
        #expect(
            report["started_at"] as? String == (try Self.json(String(contentsOf: files[0].url, encoding: .utf8)))[
                "started_at"] as? String)
        #expect(
            report["ended_at"] as? String == (try Self.json(String(contentsOf: files[1].url, encoding: .utf8)))[
                "ended_at"] as? String)
    }

    @Test(
        "Bad input to merge gets one line per input and exit 65 (66 for a file that cannot be read), nothing on stdout",
        arguments: [
            ("{\"a\": 1}", 65, "not a wsasend report"),
            (
                "{\"target\": {\"host\": \"127.0.0.1\", \"port\": 1, \"transport\": \"tcp\"}, \"summary\": {", 65,
                "not JSON"
            ),
            ("", 65, "empty: no report in it"),
            ("[1, 2]", 65, "not a wsasend report"),
        ] as [(String, Int32, String)])
    func refusesBadInput(content: String, status: Int32, phrase: String) throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let good = TemporaryFile(bytes: try Tool.run(["127.0.0.1:\(port)", "--count", "5", "--json"]).stdoutData)
        let bad = TemporaryFile(bytes: Data(content.utf8))
        let outcome = try Tool.run(["merge", good.path, bad.path])
        #expect(outcome.status == status)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.count == 1 && outcome.stderr.contains(phrase), "\(outcome.stderr)")
    }

    @Test("Reports of another target, other buffers or a shard seen before are refused, one line each")
    func refusesMismatches() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let other = try Background(["sink", "0"])
        let otherPort = try other.listeningPort()
        func report(_ arguments: [String]) throws -> TemporaryFile {
            TemporaryFile(bytes: try Tool.run(arguments + ["--count", "3", "--json"]).stdoutData)
        }
        let first = try report(["127.0.0.1:\(port)", "--shard", "0/2"])
        let otherTarget = try report(["127.0.0.1:\(otherPort)", "--shard", "1/2"])
        let otherBuffers = try report(["127.0.0.1:\(port)", "--buffers", "2x10", "--shard", "1/2"])
        let twice = try report(["127.0.0.1:\(port)", "--shard", "0/2"])
        let outcome = try Tool.run(["merge", first.path, otherTarget.path, otherBuffers.path, twice.path])
        #expect(outcome.status == 65)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderrLines.count == 4, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("its target 127.0.0.1:\(otherPort) (tcp) is not"))
        #expect(outcome.stderr.contains("its buffers 10,10 are not 4096"))
        #expect(outcome.stderr.contains("shard 0/2 is already merged from"))
        #expect(outcome.stderr.contains("shard 1/2 is already merged from"))
        let missing = try Tool.run(["merge", first.path, "/nonexistent/report.json"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("/nonexistent/report.json: cannot read it"))
    }

    @Test(
        "Bad --shard, --shards and --start-at get one line and exit 64",
        arguments: [
            (["--shard", "0/0"], [:], "has no shards"),
            (["--shard", "3/2"], [:], "out of range"),
            (["--shard", "garbage"], [:], "is not a shard"),
            (["--shard", "auto"], [:], "found no shard in the environment"),
            (["--shard", "auto"], ["JOB_COMPLETION_INDEX": "1"], "give --shards N"),
            (["--shard", "auto", "--shards", "2"], ["JOB_COMPLETION_INDEX": "2"], "not a usable shard number"),
            (["--shard", "0/2", "--shards", "2"], [:], "--shards gives the count to --shard auto"),
            (["--start-at", "tomorrow"], [:], "is not a time"),
        ] as [([String], [String: String], String)])
    func refusesBadShards(arguments: [String], environment: [String: String], phrase: String) throws {
        let outcome = try Tool.run(["127.0.0.1:9", "--count", "4"] + arguments, environment: environment)
        #expect(outcome.status == 64)
        #expect(outcome.stderrLines.count == 1 && outcome.stderr.contains(phrase), "\(outcome.stderr)")
    }

    @Test("send --histogram writes the percentile text of every call; a file that cannot be created is exit 73")
    func sendHistogramFile() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let histogram = TemporaryFile()
        let outcome = try Tool.run(["127.0.0.1:\(port)", "--count", "40", "--histogram", histogram.path, "-q"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = try String(contentsOf: histogram.url, encoding: .utf8)
        #expect(text.contains("Total count    =           40]"), "\(text)")
        let refused = try Tool.run(["127.0.0.1:\(port)", "--count", "1", "--histogram", "/nonexistent/h.txt", "-q"])
        #expect(refused.status == 73)
        #expect(
            refused.stderrLines == [
                "wsasend: --histogram /nonexistent/h.txt: cannot create it: No such file or directory"
            ])
    }

    @Test("The text header names the shard and its part of the connections")
    func headerNamesShard() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let outcome = try Tool.run(["127.0.0.1:\(port)", "--count", "10", "--connections", "4", "--shard", "1/3"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("count 10, shard 1/3"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("1 connection"), "\(outcome.stdout)")
    }

    @Test("A shard with nothing to do says so and exits 0, with a report of no calls under --json")
    func idleShard() throws {
        let outcome = try Tool.run(["127.0.0.1:9", "--count", "2", "--shard", "2/3", "--json"])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("shard 2/3 has nothing to do"))
        #expect(Self.summary(try Self.json(outcome.stdout))["calls"] as? Int == 0)
    }

    @Test("--start-at waits for its instant before connecting, and a past instant starts at once and says so")
    func startAt() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let past = try Tool.run(["127.0.0.1:\(port)", "--start-at", "2020-01-01T00:00:00Z"])
        #expect(past.status == 0)
        #expect(past.stderr.contains("--start-at 2020-01-01T00:00:00Z passed"))
        let instant = Date().timeIntervalSince1970 + 1.5
        let future = try Tool.run(["127.0.0.1:\(port)", "--start-at", String(format: "%.3f", instant), "--json"])
        #expect(future.status == 0, "\(future.stderr)")
        let started = try Self.json(future.stdout)["started_at"] as? String ?? ""
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let startedAt = formatter.date(from: String(started.prefix(23)) + "Z")?.timeIntervalSince1970 ?? 0
        #expect(startedAt >= instant - 0.001, "started \(started), asked for \(instant)")
        #expect(future.stderr.contains("waiting"))
    }
}
