import Foundation
import Glibc
import Testing

/// How a run ends, and what its report says then: signals, a blocked call the tool releases, every call
/// counted once, connections closed as soon as they are done. Through the real binary against peers
/// written in the test. Serialized: each test runs processes and the machine has two cores.
@Suite("How a run ends", .serialized)
struct RunEndingTests {
    static func json(_ text: String) throws -> [String: Any] { try SinkEndToEndTests.json(text) }

    static func connections(_ report: [String: Any]) throws -> [[String: Any]] {
        try #require(report["connections"] as? [[String: Any]])
    }

    /// The codes a report's summary lists, by number.
    static func codes(_ summary: [String: Any], _ key: String = "codes") -> [Int: Int] {
        var result: [Int: Int] = [:]
        for entry in summary[key] as? [[String: Any]] ?? [] {
            result[entry["code"] as? Int ?? -1] = entry["count"] as? Int ?? 0
        }
        return result
    }

    /// A sender of 1 MiB sets to a peer that holds its connections without reading: connected, and given
    /// the time to fill the socket buffers and block.
    static func blockedSender(_ peer: ScriptedPeer, connections: Int, _ options: [String]) throws -> Background {
        let sender = try Background(
            ["127.0.0.1:\(peer.port)", "--buffers", "1M", "--count", "1000", "--connections", "\(connections)"]
                + options)
        #expect(peer.waitForConnections(connections))
        Thread.sleep(forTimeInterval: 0.3)
        return sender
    }

    // MARK: Signals

    @Test(
        "SIGTERM and SIGHUP end a run as SIGINT does: the partial report as valid JSON, exit 128 + N",
        arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")],
        [["--connections", "1"], ["--connections", "2"], ["--mode", "event", "--outstanding", "4"]])
    func signalEndsRun(signal: (number: Int32, name: String), options: [String]) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let connections = options.contains("2") ? 2 : 1
        let sender = try Self.blockedSender(peer, connections: connections, ["--json"] + options)
        kill(sender.process.processIdentifier, signal.number)
        let outcome = try sender.finish(timeout: 10)
        #expect(outcome.status == 128 + signal.number, "stderr: \(outcome.stderr)")
        let report = try Self.json(outcome.stdout)
        #expect(report["interrupted"] as? Bool == true)
        #expect(report["exit_status"] as? Int == Int(128 + signal.number))
        let sentence = "wsasend: interrupted: the report covers the calls made before \(signal.name)"
        #expect(outcome.stderrLines.last == sentence)
    }

    @Test("SIGTERM and SIGHUP end a text run with its report, which names the signal", arguments: [SIGTERM, SIGHUP])
    func signalEndsTextRun(signal: Int32) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Self.blockedSender(peer, connections: 1, [])
        kill(sender.process.processIdentifier, signal)
        let outcome = try sender.finish(timeout: 10)
        #expect(outcome.status == 128 + signal)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGHUP"
        // The report on stdout, the interrupt announced once, on stderr, by its signal's name.
        #expect(outcome.stdout.contains("calls      "), "stdout: \(outcome.stdout)")
        #expect(outcome.stderrLines.last == "wsasend: interrupted: the report covers the calls made before \(name)")
    }

    @Test("SIGTERM and SIGHUP stop the sink, which prints its report: exit 143, 129", arguments: [SIGTERM, SIGHUP])
    func signalEndsSink(signal: Int32) throws {
        let sink = try Background(["sink", "0", "--json"])
        _ = try sink.listeningPort()
        kill(sink.process.processIdentifier, signal)
        let outcome = try sink.finish(timeout: 10)
        #expect(outcome.status == 128 + signal, "stderr: \(outcome.stderr)")
        #expect(try Self.json(outcome.stdout)["interrupted"] as? Bool == true)
    }

    @Test("--help, the manual and the README list the exit statuses 130, 143 and 129")
    func signalStatusesDocumented() throws {
        let help = try Tool.run(["help", "send"])
        let readme = try String(contentsOf: DocsTests.root.appendingPathComponent("README.md"), encoding: .utf8)
        for (status, name) in [(130, "SIGINT"), (143, "SIGTERM"), (129, "SIGHUP")] {
            #expect(help.stdout.contains("\(status) \(name)"), "--help lacks \(status)")
            #expect(DocsTests.manual.contains(".It \(status)\n"), "the manual lacks \(status)")
            #expect(readme.contains("\(status) \(name)"), "the README lacks \(status)")
        }
    }

    // MARK: A call the tool releases

    /// With one connection the handler shuts the socket down (Linux then says ECONNRESET or EPIPE); with
    /// two, the supervisor closes the sockets. Either way the tool released the call.
    @Test(
        "A blocked call the tool releases (--duration, SIGINT) is reported as WSAEINTR, never WSAECONNRESET",
        arguments: ["duration", "SIGINT"], [1, 2])
    func releasedCallIsInterrupted(ending: String, connections: Int) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let options = ending == "duration" ? ["--duration", "300ms", "--json"] : ["--count", "1000", "--json"]
        let sender = try Background(
            ["127.0.0.1:\(peer.port)", "--buffers", "1M", "--connections", "\(connections)"] + options)
        #expect(peer.waitForConnections(connections))
        if ending == "SIGINT" {
            Thread.sleep(forTimeInterval: 0.3)
            sender.interrupt()
        }
        let outcome = try sender.finish(timeout: 15)
        #expect(outcome.status == (ending == "SIGINT" ? 130 : 0), "stderr: \(outcome.stderr)")
        let summary = try SinkEndToEndTests.summary(Self.json(outcome.stdout))
        let codes = Self.codes(summary)
        #expect(codes.keys.sorted() == [10004], "codes: \(codes)")
        #expect(summary["interrupted"] as? Int == connections, "one released call per connection")
        #expect(summary["failed"] as? Int == 0)
    }

    // MARK: Every call in one bucket

    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case count, duration, sigint, sigterm, reset
        var testDescription: String { rawValue }
    }

    static let modes = ["blocking", "nonblocking", "event", "routine"]

    /// calls = completed immediately + would block + pending + failed + interrupted, in the summary and in
    /// each connection, in every mode and on every way a run ends.
    /// Every mode with 1 and 3 connections: the first argument of the table.
    static let modesAndConnections = modes.flatMap { mode in [(mode, 1), (mode, 3)] }

    @Test(
        "Every call is counted in exactly one bucket by how WSASend returned", arguments: modesAndConnections,
        Ending.allCases)
    func callsAreTheSumOfTheirBuckets(run: (mode: String, connections: Int), ending: Ending) throws {
        let (mode, connections) = run
        let peer: ScriptedPeer
        var options = ["--mode", mode, "--connections", "\(connections)", "--json"]
        if mode == "event" || mode == "routine" { options += ["--outstanding", "4"] }
        switch ending {
        case .count:
            peer = try ScriptedPeer(.read)
            options += ["--buffers", "4x16K", "--count", "50"]
        case .duration:
            peer = try ScriptedPeer(.read)
            options += ["--buffers", "4x16K", "--duration", "300ms"]
        case .sigint, .sigterm:
            peer = try ScriptedPeer(.hold)
            options += ["--buffers", "256K", "--count", "100000"]
        case .reset:
            peer = try ScriptedPeer(.reset(afterBytes: 512 * 1024))
            options += ["--buffers", "64K", "--count", "100000"]
        }
        defer { peer.stop() }
        let sender = try Background(["127.0.0.1:\(peer.port)"] + options)
        if ending == .sigint || ending == .sigterm {
            #expect(peer.waitForConnections(connections))
            Thread.sleep(forTimeInterval: 0.3)
            kill(sender.process.processIdentifier, ending == .sigint ? SIGINT : SIGTERM)
        }
        let outcome = try sender.finish(timeout: 30)
        let expected: Int32 =
            switch ending {
            case .count, .duration: 0
            case .sigint: 130
            case .sigterm: 143
            case .reset: 1
            }
        #expect(outcome.status == expected, "stderr: \(outcome.stderr)")
        let report = try Self.json(outcome.stdout)
        let summary = try SinkEndToEndTests.summary(report)
        func check(_ counters: [String: Any], _ label: String) {
            let buckets = ["completed_immediately", "would_block", "pending", "failed", "interrupted"]
            let sum = buckets.reduce(0) { $0 + (counters[$1] as? Int ?? -1_000_000) }
            #expect(counters["calls"] as? Int == sum, "\(label): \(buckets.map { "\($0) \(counters[$0] ?? "-")" })")
        }
        check(summary, "summary")
        for connection in try Self.connections(report) { check(connection, "connection \(connection["index"] ?? "?")") }
        #expect((summary["calls"] as? Int ?? 0) > 0)
    }

    // MARK: Connections end when they are done

    @Test(
        "With --connections 3, a sink that serves one connection at a time (--output) gets every byte: no hang",
        arguments: modes)
    func finishedConnectionsClose(mode: String) throws {
        let output = TemporaryFile()
        let sink = try Background(["sink", "0", "--output", output.path])
        let port = try sink.listeningPort()
        // 12.8 MB each: more than the socket buffers hold, so a connection left open holds up the others.
        var options = ["--mode", mode, "--connections", "3", "--buffers", "4x16K", "--count", "200", "--json"]
        if mode == "event" || mode == "routine" { options += ["--outstanding", "4"] }
        let sender = try Tool.run(["127.0.0.1:\(port)"] + options, timeout: 20)
        sink.interrupt()
        _ = try? sink.finish(timeout: 10)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let report = try Self.json(sender.stdout)
        let elapsed = try #require(try SinkEndToEndTests.summary(report)["elapsed_seconds"] as? Double)
        for connection in try Self.connections(report) {
            let finished = try #require(connection["finished_seconds"] as? Double, "\(connection)")
            #expect(finished <= elapsed + 0.001)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? -1
        #expect(size == 3 * 200 * 4 * 16 * 1024)
    }

    /// The peer holds the first connection (its sender blocks) and reads the other two, which are done
    /// long before the run ends: their peer must see the end of their streams while the run goes on.
    @Test("A connection that is done closes while another still sends", arguments: modes)
    func doneConnectionClosesEarly(mode: String) throws {
        let peer = try ScriptedPeer(.holdFirst)
        defer { peer.stop() }
        let sender = try Background(
            [
                "127.0.0.1:\(peer.port)", "--mode", mode, "--connections", "3", "--buffers", "1M", "--count", "20",
                "--json",
            ])
        let deadline = Date().addingTimeInterval(15)
        while peer.endedCount < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(peer.endedCount == 2, "connections ended: \(peer.endedCount)")
        #expect(sender.process.isRunning, "the held connection keeps the run going")
        sender.interrupt()
        let report = try Self.json(try sender.finish(timeout: 10).stdout)
        let finished = try Self.connections(report).compactMap { $0["finished_seconds"] as? Double }
        #expect(finished.count == 3)
    }

    // MARK: --rate

    @Test(
        "--rate holds each connection to the rate in every mode, not all of them together",
        arguments: modes)
    func ratePerConnection(mode: String) throws {
        let peer = try ScriptedPeer(.read)
        defer { peer.stop() }
        var options = ["--mode", mode, "--connections", "3", "--buffers", "16K", "--rate", "8M", "--duration", "1s"]
        if mode == "event" || mode == "routine" { options += ["--outstanding", "4"] }
        let outcome = try Tool.run(["127.0.0.1:\(peer.port)", "--json"] + options, timeout: 30)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        // 8 Mbit/s for a second: 1,000,000 bytes each, give or take a set and the timing of a busy machine.
        for connection in try Self.connections(Self.json(outcome.stdout)) {
            let bytes = connection["bytes_sent"] as? Int ?? 0
            #expect(bytes >= 600_000 && bytes <= 1_300_000, "connection \(connection["index"] ?? "?"): \(bytes) bytes")
        }
    }

    /// The same table as the buckets': every mode, 1 and 3 connections, every way a run ends. Each
    /// connection keeps to 4 Mbit/s (500,000 bytes a second) over the run's elapsed time, give or take the
    /// sets in flight, and (but for a reset, which cuts a connection short) sends at least 40 % of it.
    @Test(
        "--rate holds each connection to the rate in every mode, with 1 and 3 connections, however the run ends",
        arguments: modesAndConnections, Ending.allCases)
    func rateHoldsEveryConnection(run: (mode: String, connections: Int), ending: Ending) throws {
        let (mode, connections) = run
        let peer = try ScriptedPeer(ending == .reset ? .reset(afterBytes: 128 * 1024) : .read)
        defer { peer.stop() }
        var options = [
            "--mode", mode, "--connections", "\(connections)", "--buffers", "16K", "--rate", "4M", "--json",
        ]
        let overlapped = mode == "event" || mode == "routine"
        if overlapped { options += ["--outstanding", "2"] }
        switch ending {
        case .count: options += ["--count", "16"]
        case .duration: options += ["--duration", "500ms"]
        case .sigint, .sigterm, .reset: options += ["--count", "100000"]
        }
        let sender = try Background(["127.0.0.1:\(peer.port)"] + options)
        if ending == .sigint || ending == .sigterm {
            #expect(peer.waitForConnections(connections))
            Thread.sleep(forTimeInterval: 0.5)
            kill(sender.process.processIdentifier, ending == .sigint ? SIGINT : SIGTERM)
        }
        let outcome = try sender.finish(timeout: 30)
        let report = try Self.json(outcome.stdout)
        let elapsed = try #require(try SinkEndToEndTests.summary(report)["elapsed_seconds"] as? Double)
        let allowance = 500_000 * elapsed
        let inFlight = Double((overlapped ? 2 : 1) * 16 * 1024)
        for connection in try Self.connections(report) {
            let bytes = Double(connection["bytes_sent"] as? Int ?? -1)
            let label = "connection \(connection["index"] ?? "?"): \(Int(bytes)) bytes in \(elapsed) s"
            #expect(bytes <= allowance + inFlight, "\(label): above the rate")
            if ending != .reset { #expect(bytes >= 0.4 * allowance, "\(label): far below the rate") }
        }
        if ending == .count {
            // 16 sets of 16 KiB at 500,000 bytes a second: the rate, not the peer, sets the pace.
            #expect(elapsed >= 0.4, "elapsed \(elapsed) s")
        }
    }

    // MARK: --file - streams

    @Test(
        "--file - from a pipe sends what is there at once: \"hello\" arrives before \"world\" is written",
        arguments: modes)
    func pipeInputStreams(mode: String) throws {
        let peer = try ScriptedPeer(.read)
        defer { peer.stop() }
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-\(UUID().uuidString).fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        let writer = open(fifo.path, O_RDWR)
        let sender = try Background(
            ["127.0.0.1:\(peer.port)", "--file", "-", "--buffers", "4x4K", "--mode", mode, "-q"], stdin: fifo)
        _ = write(writer, "hello\n", 6)
        let early = peer.wait(timeout: 2) { $0.first == Data("hello\n".utf8) }
        _ = write(writer, "world\n", 6)
        close(writer)
        let outcome = try sender.finish(timeout: 10)
        #expect(early, "received at 2 s: \(peer.received.map { String(decoding: $0, as: UTF8.self) })")
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(peer.wait(timeout: 5) { $0.first == Data("hello\nworld\n".utf8) })
    }

    // MARK: Overlapped latency

    /// With many connections one loop posts on all of them before it collects; a call that completed
    /// immediately must not be charged that loop. The reference is the same mode with one connection.
    @Test(
        "An overlapped call that completes immediately has its own duration as latency, not the driver's loop",
        arguments: ["event", "routine"])
    func immediateLatencyIsTheCall(mode: String) throws {
        let peer = try ScriptedPeer(.read)
        defer { peer.stop() }
        let lone = try Tool.run(
            ["127.0.0.1:\(peer.port)", "--mode", mode, "--buffers", "1x64", "--count", "2000", "--json"])
        let reference = try #require(
            (try SinkEndToEndTests.summary(Self.json(lone.stdout))["latency_seconds"] as? [String: Any])?["p50"]
                as? Double)
        let many = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", mode, "--connections", "100", "--buffers", "1x64", "--count", "100",
                "--json",
            ], timeout: 60)
        #expect(many.status == 0, "stderr: \(many.stderr)")
        let summary = try SinkEndToEndTests.summary(Self.json(many.stdout))
        let calls = summary["calls"] as? Int ?? 0
        #expect((summary["completed_immediately"] as? Int ?? 0) * 10 >= calls * 9, "most calls complete at once")
        let p50 = try #require((summary["latency_seconds"] as? [String: Any])?["p50"] as? Double)
        // Charged the loop, p50 was 60 to 100 times the reference (249 us against 2.8 us); the call's own
        // duration stays within a few times it, more on a loaded machine (100 sockets' cache misses).
        #expect(p50 < reference * 20, "p50 \(p50) s with 100 connections against \(reference) s with one")
    }

    /// Sends still pending when `--duration` ends are cancelled by the run itself: reported, never a failure.
    @Test(
        "Sends pending at the end of --duration are cancelled by the run: exit 0, cancelled_by_run, 995 in completion_codes",
        arguments: ["event", "routine"])
    func pendingAtTheEndIsNotAFailure(mode: String) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let outcome = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", mode, "--outstanding", "64", "--buffers", "4x16K", "--duration",
                "1s",
                "--json",
            ], timeout: 30)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let summary = try SinkEndToEndTests.summary(Self.json(outcome.stdout))
        let cancelled = summary["cancelled_by_run"] as? Int ?? 0
        #expect(cancelled > 0, "\(summary)")
        let aborted = (summary["completion_codes"] as? [[String: Any]] ?? []).first { $0["code"] as? Int == 995 }
        #expect(aborted?["count"] as? Int == cancelled)
    }
}
