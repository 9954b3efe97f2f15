import Foundation
import Testing

/// What the text output says and in which order: the header first, every figure once, counts in the
/// singular where there is one.
@Suite("Output details")
struct OutputDetailsTests {
    @Test(
        "The header comes first, before the -v lines, and names the options that shape the run",
        arguments: [
            (
                ["--count", "3", "--sndbuf", "64K", "--rate", "100M", "--nodelay"],
                ["count 3", "sndbuf 64 KiB", "rate 100 Mbit/s", "nodelay"]
            ),
            (["--duration", "200ms", "--rate", "12.5MB/s"], ["duration 200 ms", "rate 100 Mbit/s"]),
        ] as [([String], [String])])
    func headerFirst(options: [String], expected: [String]) throws {
        let sink = try Background(["sink", "0"])
        defer { sink.interrupt() }
        let port = try sink.listeningPort()
        let outcome = try Tool.run(["127.0.0.1:\(port)", "--buffers", "4K", "-v"] + options, timeout: 20)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n")
        let header = String(lines.first ?? "")
        #expect(header.hasPrefix("wsasend to 127.0.0.1:\(port): tcp, blocking, 1 connection"), "\(outcome.stdout)")
        for part in expected { #expect(header.contains(part), "header: \(header)") }
        #expect(lines.dropFirst().first?.hasPrefix("WSASend = 0") == true, "\(outcome.stdout)")
        #expect(lines.filter { $0.hasPrefix("wsasend to ") }.count == 1, "\(outcome.stdout)")
    }

    @Test("The text report has a calls/s figure beside the throughput")
    func callsPerSecond() throws {
        let sink = try Background(["sink", "0"])
        defer { sink.interrupt() }
        let port = try sink.listeningPort()
        let outcome = try Tool.run(["127.0.0.1:\(port)", "--count", "100"], timeout: 20)
        let line = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("throughput ") } ?? ""
        #expect(line.hasSuffix(" calls/s"), "\(outcome.stdout)")
    }

    @Test("SIGINT is announced once: on standard error, not again in the sink's report")
    func interruptAnnouncedOnce() throws {
        let sink = try Background(["sink", "0"])
        _ = try sink.listeningPort()
        sink.interrupt()
        let outcome = try sink.finish(timeout: 10)
        #expect(outcome.status == 130)
        let mentions = (outcome.stdout + outcome.stderr).components(separatedBy: "SIGINT").count - 1
        #expect(mentions == 1, "stdout: \(outcome.stdout)\nstderr: \(outcome.stderr)")
    }
}

/// The latency figures of one run come from one source: the same readings, converted at the same rate,
/// rounded the same way.
@Suite("Latency figures agree")
struct LatencyAgreementTests {
    /// The duration at the end of a `-v` line: "WSASend = 0, 4096 bytes, 64.5 us" -> "64.5 us".
    static func callDuration(_ line: Substring) -> String {
        line.split(separator: ", ").last.map(String.init) ?? ""
    }

    @Test("A one-call run: the -v line, min, every percentile, max and mean are one figure", arguments: 0..<5)
    func oneCall(round: Int) throws {
        let sink = try Background(["sink", "0"])
        defer { sink.interrupt() }
        let port = try sink.listeningPort()
        let outcome = try Tool.run(["127.0.0.1:\(port)", "--count", "1", "-v"], timeout: 20)
        #expect(outcome.status == 0)
        let lines = outcome.stdout.split(separator: "\n")
        let call = try #require(lines.first { $0.hasPrefix("WSASend = 0") })
        let latency = try #require(lines.first { $0.hasPrefix("latency ") })
        let figure = Self.callDuration(call)
        for name in ["min", "p50", "p90", "p99", "max", "mean"] {
            #expect(latency.contains("\(name) \(figure)"), "call: \(call)\nlatency: \(latency)")
        }
    }

    @Test(
        "The JSON mean lies within min..max and the percentiles in order",
        arguments: [["--count", "1"], ["--count", "1", "--mode", "nonblocking"], ["--count", "50"]])
    func jsonOrder(options: [String]) throws {
        let sink = try Background(["sink", "0"])
        defer { sink.interrupt() }
        let port = try sink.listeningPort()
        for _ in 0..<3 {
            let outcome = try Tool.run(["127.0.0.1:\(port)", "--json"] + options, timeout: 20)
            let report = try #require(try JSONSerialization.jsonObject(with: outcome.stdoutData) as? [String: Any])
            let summary = try #require(report["summary"] as? [String: Any])
            let latency = try #require(summary["latency_seconds"] as? [String: Double])
            let figures = try ["min", "p50", "p90", "p99", "max"].map { try #require(latency[$0]) }
            let mean = try #require(latency["mean"])
            #expect(figures == figures.sorted(), "\(latency)")
            #expect(figures[0] <= mean && mean <= figures[4], "\(latency)")
        }
    }
}
