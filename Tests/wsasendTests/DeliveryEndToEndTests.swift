import Foundation
import Testing

/// What the kernel says happened to the bytes WSASend reported as sent (TCP_INFO, SIOCOUTQ, `--drain`),
/// and `--sndtimeo`, through the real binary over loopback. Serialized: each test runs two processes or a
/// peer that holds its connection, and the machine has two cores.
@Suite("Delivery and send timeouts, end to end", .serialized)
struct DeliveryEndToEndTests {
    static func connection(_ report: [String: Any]) throws -> [String: Any] {
        let connections = try #require(report["connections"] as? [[String: Any]])
        return try #require(connections.first)
    }

    @Test(
        "--drain against the sink: every byte acknowledged, none left unacknowledged, the sink got them all",
        arguments: [[], ["--mode", "event", "--outstanding", "8"]])
    func drainComplete(options: [String]) throws {
        let sink = try Background(["sink", "0", "--once", "--json"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(
            ["127.0.0.1:\(port)", "--buffers", "4x64K", "--count", "64", "--drain", "--json"] + options)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let report = try SinkEndToEndTests.json(sender.stdout)
        let drain = try #require(report["drain"] as? [String: Any])
        #expect(drain["complete"] as? Bool == true)
        #expect(drain["unacknowledged_bytes"] as? Int == 0)
        #expect(drain["timeout_seconds"] as? Double == 10)
        let waited = try #require(drain["seconds"] as? Double)
        #expect(waited >= 0 && waited < 10)
        let tcp = try #require(Self.connection(report)["tcp"] as? [String: Any])
        #expect(tcp["unacknowledged_bytes"] as? Int == 0)
        #expect((tcp["congestion_window_segments"] as? Int ?? 0) > 0)
        #expect((tcp["rtt_seconds"] as? Double ?? 0) > 0)
        #expect(tcp["retransmitted_segments"] is Int)
        let received = try SinkEndToEndTests.summary(SinkEndToEndTests.json(sink.finish(timeout: 30).stdout))
        #expect(received["bytes_received"] as? Int == 64 * 4 * 65536)
    }

    @Test("The text report has the tcp line after the throughput, and the drain line with --drain 5s")
    func drainText() throws {
        let sink = try Background(["sink", "0", "--once"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["127.0.0.1:\(port)", "--buffers", "4x4096", "--count", "100", "--drain", "5s"])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let lines = sender.stdout.split(separator: "\n")
        let throughput = try #require(lines.firstIndex { $0.hasPrefix("throughput ") })
        #expect(lines[throughput + 1].hasPrefix("tcp        "))
        #expect(lines[throughput + 1].hasSuffix(", 0 bytes unacknowledged"))
        #expect(lines[throughput + 2].hasPrefix("drain      every byte acknowledged after "))
        #expect(lines[0].hasSuffix("count 100, drain up to 5.000 s"))
        _ = try sink.finish(timeout: 30)
    }

    @Test("--drain to a peer that stops reading ends at its timeout, with the bytes still unacknowledged")
    func drainTimesOut() throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let started = Date()
        let sender = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", "nonblocking", "--buffers", "4x64K", "--duration", "300ms",
                "--drain", "400ms", "--json",
            ], timeout: 20)
        let seconds = Date().timeIntervalSince(started)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let report = try SinkEndToEndTests.json(sender.stdout)
        let drain = try #require(report["drain"] as? [String: Any])
        #expect(drain["complete"] as? Bool == false)
        let waited = try #require(drain["seconds"] as? Double)
        #expect(waited >= 0.4 && waited < 1.4, "waited \(waited) s for a 400 ms drain")
        let left = try #require(drain["unacknowledged_bytes"] as? Int)
        #expect(left > 0)
        let tcp = try #require(Self.connection(report)["tcp"] as? [String: Any])
        #expect(tcp["unacknowledged_bytes"] as? Int == left)
        #expect(seconds < 5, "the run took \(seconds) s")
    }

    /// "If the socket is blocking, a send timeout (SO_SNDTIMEO) that expires fails the call": Linux
    /// answers a blocking socket's expired timeout with EAGAIN, which the library reports as WSAETIMEDOUT.
    @Test(
        "--sndtimeo 300ms: a blocking send to a peer that stops reading fails with WSAETIMEDOUT after the timeout",
        arguments: [[], ["-v"]])
    func sendTimeout(options: [String]) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Tool.run(
            ["127.0.0.1:\(peer.port)", "--buffers", "4x256K", "--count", "1000", "--sndtimeo", "300ms", "--json"]
                + options, timeout: 20)
        #expect(sender.status == 1, "stderr: \(sender.stderr)")
        let report = try SinkEndToEndTests.json(sender.stdout)
        let summary = try SinkEndToEndTests.summary(report)
        #expect(summary["failed"] as? Int == 1)
        let codes = try #require(summary["codes"] as? [[String: Any]])
        #expect(codes.map { $0["code"] as? Int } == [10060])
        let error = try #require(Self.connection(report)["error"] as? [String: Any])
        #expect(error["name"] as? String == "WSAETIMEDOUT")
        // The call that failed waited the timeout, not less (and not much more): it is the slowest.
        let latency = try #require(summary["latency_seconds"] as? [String: Any])
        let slowest = try #require(latency["max"] as? Double)
        #expect(slowest >= 0.3 && slowest < 1.3, "the timed-out call took \(slowest) s for a 300 ms SO_SNDTIMEO")
        #expect(
            sender.stderrLines.last
                == "wsasend: 1 of \(summary["calls"] as? Int ?? 0) WSASend calls failed: WSAETIMEDOUT (10060)")
    }

    @Test("--sndtimeo leaves overlapped sends pending: --duration ends the run, exit 0, no WSAETIMEDOUT")
    func sendTimeoutOverlapped() throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", "event", "--outstanding", "4", "--buffers", "4x256K",
                "--duration", "500ms", "--sndtimeo", "100ms", "--json",
            ], timeout: 20)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let summary = try SinkEndToEndTests.summary(SinkEndToEndTests.json(sender.stdout))
        let codes =
            (summary["codes"] as? [[String: Any]] ?? []) + (summary["completion_codes"] as? [[String: Any]] ?? [])
        #expect(!codes.contains { $0["code"] as? Int == 10060 }, "codes: \(codes)")
        #expect((summary["pending"] as? Int ?? 0) > 0)
    }

    /// The end of --duration with the peer not reading: the run closes the socket (closesocket) while
    /// all 64 calls are pending, and each one completes with WSA_OPERATION_ABORTED: none lost, none failed.
    @Test(
        "closesocket with 64 sends pending: all 64 complete WSA_OPERATION_ABORTED, cancelled by the run, exit 0",
        arguments: ["event", "routine"])
    func closeWithSendsPending(mode: String) throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Tool.run(
            [
                "127.0.0.1:\(peer.port)", "--mode", mode, "--outstanding", "64", "--buffers", "16K", "--duration",
                "300ms", "--json",
            ], timeout: 20)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let summary = try SinkEndToEndTests.summary(SinkEndToEndTests.json(sender.stdout))
        let completions = try #require(summary["completion_codes"] as? [[String: Any]])
        #expect(completions.map { $0["code"] as? Int } == [995])
        #expect(completions.first?["count"] as? Int == 64)
        // Each call is counted once, as WSASend returned (pending); the run's own cancellation is not a failure.
        #expect(summary["cancelled_by_run"] as? Int == 64)
        #expect(summary["failed"] as? Int == 0)
        let calls = try #require(summary["calls"] as? Int)
        let sets = try #require(summary["sets"] as? Int)
        #expect(calls == sets + 64, "every call but the 64 aborted sent its whole set")
    }

    /// Root reads every file whose mode forbids it; a sysctl that is write-only refuses root too.
    static var unreadableFile: String? {
        if getuid() == 0 {
            let path = "/proc/sys/vm/compact_memory"
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data([1]), attributes: [.posixPermissions: 0])
        else { return nil }
        return path
    }

    @Test("--file with a file that cannot be read: one line naming it, exit 66, nothing sent")
    func unreadableInput() throws {
        let path = try #require(Self.unreadableFile, "no unreadable file could be made or found")
        let peer = try ScriptedPeer(.read)
        let sender = try Tool.run(["127.0.0.1:\(peer.port)", "--file", path])
        #expect(sender.status == 66)
        #expect(sender.stderrLines == ["wsasend: cannot read '\(path)': Permission denied"])
        #expect(sender.stdout.isEmpty)
    }

    @Test("--file with a directory: one line that says so, exit 66")
    func directoryInput() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let sender = try Tool.run(["127.0.0.1:9", "--file", directory])
        #expect(sender.status == 66)
        #expect(sender.stderrLines == ["wsasend: cannot read '\(directory)': Is a directory"])
    }
}
