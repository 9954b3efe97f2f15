import Locking
import Testing
import Winsock

@testable import WSASendTool

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

    @Test(
        "A figure rounded up to the next width loses its decimal: 100 Mbit/s, never 100.0 Mbit/s",
        arguments: [
            (99.96e6, "100 Mbit/s"), (99.94e6, "99.9 Mbit/s"), (9.996e6, "10.0 Mbit/s"), (999.7e6, "1.00 Gbit/s"),
            (100e6, "100 Mbit/s"), (999.4e3, "999 kbit/s"),
        ] as [(Double, String)])
    func roundingUp(bits: Double, text: String) {
        #expect(Units.rate(bits, unit: "bit") == text)
    }

    @Test("Durations rounded up to the next unit take it: 1.00 ms, not 1000 us")
    func durationRoundingUp() {
        #expect(Units.duration(999_700) == "1.00 ms")
        #expect(Units.duration(99_960) == "100 us")
    }

    @Test("A progress line of one call says 1 call")
    func progressSingular() {
        let lines = Lines()
        var progress = ProgressLines(
            interval: 1_000, events: RunEvents(progress: { lines.add($0) }), started: 0)
        progress?.report(now: 1_000, bytes: 4096, calls: 1)
        progress?.report(now: 2_000, bytes: 8192, calls: 2)
        #expect(lines.all.first?.contains("4,096 bytes, 1 call,") == true, "\(lines.all)")
        #expect(lines.all.last?.contains("8,192 bytes, 2 calls,") == true, "\(lines.all)")
    }

    @Test("The buffer pattern is byte i = i % 251 at every size, written fast by doubling")
    func pattern() throws {
        for size in [0, 1, 250, 251, 252, 502, 1000, 100_003] {
            let buffers = try #require(PayloadBuffers(spec: BufferSpec(lengths: [UInt32(size)]), pattern: true))
            #expect(buffers.region.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) }, "size \(size)")
        }
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

    @Test("The JSON report has its fixed fields in their order")
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

    @Test("Accepted connections are counted as connections, not as made")
    func acceptWording() {
        var plan = RunPlan(endpoint: .listen(ListenAddress(port: 9000)))
        plan.connections = 2
        var report = SendReport(plan: plan)
        for index in 0..<2 {
            var connection = ConnectionReport(index: index)
            connection.connectNanoseconds = 1_000
            report.connections.append(connection)
        }
        #expect(report.text.contains("accept     2 connections: min 1.00 us"), "\(report.text)")
        #expect(!report.text.contains("made"))
    }

    @Test("An interrupted run's text report leaves the announcement to the one stderr line")
    func interruptedOnce() {
        var report = Self.report()
        report.interrupted = true
        #expect(!report.text.contains("SIGINT"))
        #expect(report.errorSentence?.contains("SIGINT") == true)
    }
}

/// Lines collected from a closure that may run on any thread.
final class Lines: Sendable {
    private let lines = Locked<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("Sink report")
struct SinkReportTests {
    static func report(
        _ transport: Transport, connections: [(bytes: UInt64, first: UInt64, last: UInt64)]
    ) -> SinkReport {
        var plan = SinkPlan(address: ListenAddress(port: 9000))
        plan.transport = transport
        var report = SinkReport(plan: plan)
        for (index, figures) in connections.enumerated() {
            var connection = SinkConnectionReport(index: index)
            connection.bytes = figures.bytes
            connection.receiveCalls = 1
            connection.datagrams = transport == .udp ? 1 : 0
            connection.firstByte = figures.first
            connection.lastByte = figures.last
            report.connections.append(connection)
        }
        return report
    }

    @Test("One byte and one datagram are counted in the singular")
    func singular() {
        #expect(Self.report(.tcp, connections: [(1, 10, 10)]).text.contains("  [0] -: 1 byte,"))
        #expect(Self.report(.udp, connections: [(1, 10, 10)]).text.contains("(udp): 1 datagram\n"))
    }

    @Test(
        "The busy time is the union of the connections' intervals",
        arguments: [
            ([(1, 0, 100), (1, 1_000, 1_100)], 200), ([(1, 0, 100), (1, 50, 150)], 150),
            ([(1, 0, 1_000), (1, 100, 200), (1, 2_000, 2_000)], 1_000), ([], 0),
        ] as [([(UInt64, UInt64, UInt64)], UInt64)])
    func busy(intervals: [(UInt64, UInt64, UInt64)], busy: UInt64) {
        let report = Self.report(.tcp, connections: intervals.map { (bytes: $0.0, first: $0.1, last: $0.2) })
        #expect(report.busyNanoseconds == busy)
    }
}
