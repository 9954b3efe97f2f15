import Testing
import Winsock

@testable import WSASendTool

@Suite("Delivery in the report (TCP_INFO, --drain)")
struct DeliveryReportTests {
    static let view = TCPView(
        retransmittedSegments: 12, roundTripMicroseconds: 1200, roundTripVarianceMicroseconds: 310,
        congestionWindow: 10, unacknowledgedBytes: 4096)

    static func report(connections: Int) -> SendReport {
        var report = SendReportTests.report()
        report.connections = (0..<connections).map { index in
            var connection = report.connections[0]
            connection.index = index
            connection.tcp = view
            return connection
        }
        return report
    }

    @Test("One connection: the tcp line gives the kernel's figures, retransmissions first")
    func oneConnectionText() {
        let text = Self.report(connections: 1).text
        #expect(
            text.contains(
                "tcp        12 segments retransmitted, rtt 1.20 ms (variance 310 us), cwnd 10 segments, "
                    + "4,096 bytes unacknowledged"))
        #expect(!text.contains("drain "))
    }

    @Test("Several connections: totals on the tcp line, each connection's figures on its own line")
    func severalConnectionsText() {
        let text = Self.report(connections: 2).text
        #expect(text.contains("tcp        24 segments retransmitted, 8,192 bytes unacknowledged, over 2 connections"))
        #expect(
            text.contains("  [1] 127.0.0.1:5000 -> 127.0.0.1:9000: 8,192 bytes, 3 calls, 12 segments retransmitted"))
    }

    @Test("The JSON report gives each connection a tcp object, and drain is null when not asked for")
    func json() {
        let json = Self.report(connections: 1).json.rendered()
        #expect(json.contains("\"retransmitted_segments\": 12"))
        #expect(json.contains("\"rtt_seconds\": 0.0012"))
        #expect(json.contains("\"rtt_variance_seconds\": 0.00031"))
        #expect(json.contains("\"congestion_window_segments\": 10"))
        #expect(json.contains("\"unacknowledged_bytes\": 4096"))
        #expect(json.contains("\"drain\": null"))
    }

    @Test(
        "The drain line says whether every byte was acknowledged, and how long the wait took",
        arguments: [
            (
                DrainReport(timeout: 10_000_000_000, waited: 3_400_000, complete: true, unacknowledgedBytes: 0),
                "drain      every byte acknowledged after 3.40 ms"
            ),
            (
                DrainReport(timeout: 300_000_000, waited: 300_100_000, complete: false, unacknowledgedBytes: 1),
                "drain      1 byte still unacknowledged after 300 ms (timeout 300 ms)"
            ),
        ] as [(DrainReport, String)])
    func drainText(drain: DrainReport, line: String) {
        var report = Self.report(connections: 1)
        report.drain = drain
        #expect(report.text.contains(line))
        #expect(report.json.rendered().contains("\"complete\": \(drain.complete)"))
    }

    @Test("The header repeats --sndtimeo and --drain")
    func header() throws {
        let plan = try SendOptions.parse(["h:1", "--sndtimeo", "1500ms", "--drain", "2s"]).makePlan()
        #expect(plan.sendTimeoutMilliseconds == 1500)
        #expect(plan.drainTimeout == 2_000_000_000)
        #expect(SendReport(plan: plan).header.hasSuffix("sndtimeo 1.500 s, drain up to 2.000 s"))
    }
}

@Suite("--drain [TIMEOUT] on the command line")
struct DrainWordsTests {
    @Test(
        "A --drain without a timeout gets the default; a word that is a timeout stays its value",
        arguments: [
            (["h:1", "--drain"], ["h:1", "--drain=10s"]),
            (["--drain", "h:1"], ["--drain=10s", "h:1"]),
            (["--drain", "[::1]:9"], ["--drain=10s", "[::1]:9"]),
            (["h:1", "--drain", "--json"], ["h:1", "--drain=10s", "--json"]),
            (["h:1", "--drain", "-q"], ["h:1", "--drain=10s", "-q"]),
            (["h:1", "--drain", "5s"], ["h:1", "--drain", "5s"]),
            (["h:1", "--drain", "-5s"], ["h:1", "--drain", "-5s"]),
            (["h:1", "--drain", "abc"], ["h:1", "--drain", "abc"]),
            (["h:1", "--", "--drain"], ["h:1", "--", "--drain"]),
        ] as [([String], [String])])
    func words(arguments: [String], expected: [String]) {
        #expect(CommandLineWords.drainWithDefault(arguments) == expected)
    }

    @Test("A bare --drain parses to the default timeout of 10 s")
    func defaultTimeout() throws {
        let options = try SendOptions.parse(CommandLineWords.drainWithDefault(["h:1", "--drain"]))
        #expect(options.makePlan().drainTimeout == 10_000_000_000)
    }
}
