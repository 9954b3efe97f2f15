import Testing
import WSASendTool
import Winsock

@Suite("Report figures")
struct UnitsTests {
    @Test(
        "Counts are grouped by thousands",
        arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (16_384_000, "16,384,000")] as [(UInt64, String)])
    func grouping(value: UInt64, text: String) {
        #expect(Units.grouped(value) == text)
    }

    @Test(
        "Durations pick a unit that keeps them short",
        arguments: [(850, "850 ns"), (12_100, "12.1 us"), (3_400_000, "3.40 ms"), (2_000_000_000, "2.000 s")]
            as [(Double, String)])
    func durations(nanoseconds: Double, text: String) {
        #expect(Units.duration(nanoseconds) == text)
    }

    @Test("Rates use SI prefixes for bits and bytes")
    func rates() {
        #expect(Units.rate(10.6e9, unit: "bit") == "10.6 Gbit/s")
        #expect(Units.rate(1.33e9, unit: "B") == "1.33 GB/s")
        #expect(Units.rate(0, unit: "B") == "0 B/s")
        #expect(Units.fixed(-0.004, decimals: 2) == "0.00")
        #expect(Units.fixed(2.5, decimals: 0) == "3")
    }

    @Test("Code counts merge by code, most frequent first")
    func codeCounts() {
        var counts = CodeCounts()
        counts.add(WSAEWOULDBLOCK)
        counts.add(WSAECONNRESET)
        var other = CodeCounts()
        other.add(WSAEWOULDBLOCK, count: 4)
        counts.merge(other)
        #expect(counts.count(of: WSAEWOULDBLOCK) == 5)
        #expect(counts.entries.map(\.error.code) == [WSAEWOULDBLOCK, WSAECONNRESET])
    }
}

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("Strings are escaped, doubles stay valid JSON, keys keep their order")
    func rendering() {
        let value = JSONValue.object([
            ("b", .string("a \"quote\"\n\u{1}")), ("a", .double(.nan)), ("c", .double(0.5)),
            ("d", .array([.int(1), .uint(2)])),
            ("e", .array([])), ("f", .object([])), ("g", .double(3)), ("h", .bool(true)), ("i", .null),
        ])
        #expect(
            value.rendered() == """
                {
                  "b": "a \\"quote\\"\\n\\u0001",
                  "a": null,
                  "c": 0.5,
                  "d": [1, 2],
                  "e": [],
                  "f": {},
                  "g": 3,
                  "h": true,
                  "i": null
                }
                """)
    }
}

@Suite("Send report")
struct SendReportTests {
    static func report() -> SendReport {
        var plan = RunPlan(endpoint: .connect(Target(host: "127.0.0.1", port: 9000)))
        plan.buffers = BufferSpec(lengths: [4096, 4096])
        plan.flags = DWORD(MSG_OOB)
        var report = SendReport(plan: plan)
        var connection = ConnectionReport(index: 0)
        connection.local = "127.0.0.1:5000"
        connection.remote = "127.0.0.1:9000"
        connection.connectNanoseconds = 100_000
        connection.counters.calls = 3
        connection.counters.completedImmediately = 2
        connection.counters.partial = 1
        connection.counters.wouldBlock = 1
        connection.counters.codes.add(WSAEWOULDBLOCK)
        connection.counters.bytesSent = 8192
        connection.counters.bytesRequested = 8192
        connection.counters.sets = 1
        report.connections = [connection]
        report.summary = connection.counters
        report.elapsedNanoseconds = 1_000_000
        return report
    }

    @Test("The JSON report has DESIGN.md's fields in DESIGN.md's order")
    func designFields() {
        let json = Self.report().json.rendered()
        let fields = [
            "\"target\"", "\"host\"", "\"port\"", "\"transport\"", "\"mode\"", "\"flags\"", "\"buffers\"",
            "\"summary\"",
            "\"calls\"", "\"bytes_requested\"", "\"bytes_sent\"", "\"completed_immediately\"", "\"pending\"",
            "\"failed\"", "\"codes\"", "\"elapsed_seconds\"", "\"throughput_bytes_per_second\"",
            "\"latency_seconds\"", "\"connections\"", "\"index\"", "\"local\"", "\"connect_seconds\"", "\"error\"",
        ]
        var rest = json[...]
        for field in fields {
            guard let range = rest.firstRange(of: field) else {
                Issue.record("\(field) missing or out of order in \(json)")
                return
            }
            rest = rest[range.upperBound...]
        }
        #expect(json.contains("\"flags\": [\"MSG_OOB\"]"))
        #expect(json.contains("\"codes\": [\n      {\n        \"code\": 10035"))
        #expect(json.contains("\"throughput_bytes_per_second\": 8192000"))
    }

    @Test("Would-block and partial sends are flow control: the run succeeds")
    func flowControlIsNotFailure() {
        let report = Self.report()
        #expect(report.exitStatus == .success)
        #expect(report.errorSentence == nil)
        #expect(report.text.contains("calls      3: 2 completed immediately (1 partial), 1 would block"))
        #expect(report.text.contains("codes      WSAEWOULDBLOCK (10035) x 1"))
    }

    @Test("A refused connection gives 69 and names the code")
    func refused() {
        var report = Self.report()
        var connection = ConnectionReport(index: 0)
        connection.connectFailed = true
        connection.error = WSAECONNREFUSED
        report.connections = [connection]
        report.summary = CallCounters()
        #expect(report.exitStatus == .unavailable)
        #expect(
            report.errorSentence == "cannot connect to 127.0.0.1:9000: WSAECONNREFUSED (10061): Connection refused.")
        #expect(
            report.json.rendered().contains(
                "\"error\": {\n        \"code\": 10061,\n        \"name\": \"WSAECONNREFUSED\""))
    }

    @Test("A failed call gives exit status 1")
    func failedCall() {
        var report = Self.report()
        report.summary.failed = 1
        report.connections[0].error = WSAECONNRESET
        #expect(report.exitStatus == .failure)
        #expect(report.errorSentence?.contains("WSAECONNRESET (10054)") == true)
    }
}
