import Foundation
import Testing

/// The overlapped modes (event, routine) of the built binary against its own sink, on both engine
/// backends (`WSASEND_BACKEND`). Serialized: each test runs two processes and the machine has two cores.
@Suite("Overlapped modes end to end", .serialized)
struct OverlappedEndToEndTests {
    static let modes = ["event", "routine"]
    static let backends = [("uring", "io_uring"), ("poll", "poll")]

    @Test(
        "4x4096 x 1000 calls with 16 outstanding: 16,384,000 bytes sent and received, backend named",
        arguments: modes, backends)
    func transfer(mode: String, backend: (variable: String, name: String)) throws {
        let sink = try Background(["sink", "0", "--once", "--json"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--mode", mode, "--outstanding", "16", "--buffers", "4x4096", "--count", "1000",
                "--json",
            ],
            environment: ["WSASEND_BACKEND": backend.variable])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let report = try SinkEndToEndTests.json(sender.stdout)
        let summary = try SinkEndToEndTests.summary(report)
        #expect(report["mode"] as? String == mode)
        #expect(report["outstanding"] as? Int == 16)
        #expect((report["backend"] as? String)?.hasPrefix(backend.name) == true, "backend: \(report["backend"] ?? "-")")
        #expect(summary["bytes_sent"] as? Int == 16_384_000)
        #expect(summary["calls"] as? Int == 1000)
        let immediate = try #require(summary["completed_immediately"] as? Int)
        let pending = try #require(summary["pending"] as? Int)
        #expect(immediate + pending == 1000)
        #expect(summary["failed"] as? Int == 0)
        let received = try sink.finish(timeout: 30)
        #expect(
            try SinkEndToEndTests.summary(SinkEndToEndTests.json(received.stdout))["bytes_received"] as? Int
                == 16_384_000)
    }

    @Test(
        "--file through 8 outstanding calls leaves the sink's copy identical",
        arguments: modes, [0, 1, (1 << 20) + 13])
    func fileTransfer(mode: String, size: Int) throws {
        let input = TemporaryFile(bytes: TemporaryFile.randomBytes(size))
        let output = TemporaryFile()
        let sink = try Background(["sink", "0", "--once", "--output", output.path])
        let port = try sink.listeningPort()
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--mode", mode, "--outstanding", "8", "--buffers", "4x4096", "--file", input.path,
                "-q",
            ])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        _ = try? sink.finish(timeout: 30)
        #expect(try Data(contentsOf: output.url) == Data(contentsOf: input.url))
    }

    @Test("Odd buffer specs with a file, in routine mode on the poll backend, stay byte-exact")
    func oddSpecFile() throws {
        let input = TemporaryFile(bytes: TemporaryFile.randomBytes(300_007))
        let output = TemporaryFile()
        let sink = try Background(["sink", "0", "--once", "--output", output.path])
        let port = try sink.listeningPort()
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--mode", "routine", "--outstanding", "5", "--buffers", "7,3x0,1K,13", "--file",
                input.path, "-q",
            ],
            environment: ["WSASEND_BACKEND": "poll"])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        _ = try sink.finish(timeout: 30)
        #expect(try Data(contentsOf: output.url) == Data(contentsOf: input.url))
    }

    /// The spec's example: listen, accept, then ten overlapped sends of 4096 bytes, each reported with
    /// "Wrote 4096 bytes".
    @Test("--listen --mode event --count 10 -v prints the spec's \"Wrote 4096 bytes\" lines")
    func specExample() throws {
        let sender = try Background(["--listen", "0", "--mode", "event", "--count", "10", "-v"])
        let port = try sender.listeningPort()
        let bytes = try LoopbackClient.readAll(port: port).count
        let outcome = try sender.finish(timeout: 30)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(bytes == 40960)
        let wrote = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("Wrote 4096 bytes") }
        #expect(wrote.count == 10, "stdout: \(outcome.stdout)")
    }

    @Test(
        "Twenty connections driven from one thread each send the whole run, and the sink receives it on each",
        arguments: modes)
    func manyConnections(mode: String) throws {
        // The sink runs until its progress lines show every byte (or 30 s pass), then SIGINT ends it: a
        // loaded machine (the whole suite under ThreadSanitizer) cannot end it mid-run, as --idle could.
        let sink = try Background(["sink", "0", "--json", "--interval", "20ms"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--mode", mode, "--outstanding", "4", "--connections", "20", "--buffers", "2x1K",
                "--count", "200", "--json",
            ])
        let everything = "8,192,000 bytes received"
        let deadline = Date().addingTimeInterval(30)
        while !sink.stderr.contains(everything) && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        sink.interrupt()
        let received = try sink.finish(timeout: 30)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let report = try SinkEndToEndTests.json(sender.stdout)
        let connections = try #require(report["connections"] as? [[String: Any]])
        #expect(connections.count == 20)
        #expect(connections.allSatisfy { $0["bytes_sent"] as? Int == 200 * 2048 })
        #expect(try SinkEndToEndTests.summary(report)["bytes_sent"] as? Int == 20 * 200 * 2048)
        // What the receiver counted, not only what the sender says it sent.
        let sunk = try SinkEndToEndTests.json(received.stdout)
        let summary = try SinkEndToEndTests.summary(sunk)
        #expect(summary["connections"] as? Int == 20)
        #expect(summary["bytes_received"] as? Int == 20 * 200 * 2048)
        let perConnection = try #require(sunk["connections"] as? [[String: Any]])
        #expect(perConnection.count == 20)
        #expect(perConnection.allSatisfy { $0["bytes_received"] as? Int == 200 * 2048 })
    }

    /// Event mode settles a datagram that WSASend completed at once as the call returns (its slot is free
    /// again at once): every call must still be counted once, with its latency and its `-v` line, and
    /// each connection must get its turn.
    @Test(
        "Connected UDP in event mode, 3 connections with 64 outstanding: every call counted once, each with its -v line",
        arguments: backends)
    func datagramsSettledAtOnce(backend: (variable: String, name: String)) throws {
        let receiver = try SilentDatagramSocket()
        defer { receiver.close() }
        let port = receiver.port
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--udp", "--mode", "event", "--outstanding", "64", "--connections", "3",
                "--buffers", "1x100", "--count", "500", "-v",
            ],
            environment: ["WSASEND_BACKEND": backend.variable])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let lines = sender.stdout.split(separator: "\n")
        for index in 0..<3 {
            let wrote = lines.filter { $0.hasPrefix("[\(index)] Wrote 100 bytes: WSASend = ") }
            #expect(wrote.count == 500, "connection \(index)")
        }
        #expect(sender.stdout.contains("calls      1,500: "), "stdout: \(sender.stdout.suffix(800))")
        #expect(sender.stdout.contains("bytes      150,000 sent of 150,000 requested (1,500 buffer sets)"))
        #expect(sender.stdout.contains("latency    min "))
    }

    /// A connection whose datagrams are settled as they return could post for the whole run: each pass
    /// gives it as many calls as it has slots, then the next connection's turn comes.
    @Test("Connected UDP in event mode, 3 connections for 1 s: each connection gets its share of the calls")
    func datagramConnectionsShare() throws {
        let receiver = try SilentDatagramSocket()
        defer { receiver.close() }
        let port = receiver.port
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--udp", "--mode", "event", "--outstanding", "64", "--connections", "3",
                "--buffers", "1x100", "--duration", "1s", "--json",
            ])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let report = try SinkEndToEndTests.json(sender.stdout)
        let connections = try #require(report["connections"] as? [[String: Any]])
        let calls = connections.compactMap { $0["calls"] as? Int }
        #expect(calls.count == 3)
        // Turns of up to 64 calls each: the shares differ by about one turn whatever the machine's load (two
        // allowed, for a pass in which some call stayed pending); without turns, one connection takes all.
        #expect((calls.max() ?? 0) - (calls.min() ?? 0) <= 128, "calls per connection: \(calls)")
        #expect((calls.min() ?? 0) > 0, "calls per connection: \(calls)")
    }

    @Test("SIGINT with calls pending on a peer that does not read: partial report, aborted calls, exit 130")
    func interruptPending() throws {
        let peer = try ScriptedPeer(.hold)
        defer { peer.stop() }
        let sender = try Background(
            [
                "127.0.0.1:\(peer.port)", "--mode", "event", "--outstanding", "8", "--buffers", "64K", "--count",
                "1000",
                "--json",
            ])
        #expect(peer.waitForConnections())
        Thread.sleep(forTimeInterval: 0.3)
        sender.interrupt()
        let outcome = try sender.finish(timeout: 30)
        #expect(outcome.status == 130, "stderr: \(outcome.stderr)")
        let report = try SinkEndToEndTests.json(outcome.stdout)
        #expect(report["interrupted"] as? Bool == true)
        let summary = try SinkEndToEndTests.summary(report)
        let aborted = (summary["completion_codes"] as? [[String: Any]])?.first { $0["code"] as? Int == 995 }
        #expect(aborted != nil, "completion codes: \(summary["completion_codes"] ?? "-")")
        #expect(summary["failed"] as? Int == 0, "calls cut short by SIGINT are interrupted, not failed")
    }
}

/// A bound UDP socket on 127.0.0.1 that never reads: the datagrams past its receive queue are dropped, and
/// no port-unreachable error comes back to the sender, so a sender's figures depend on the sender alone.
final class SilentDatagramSocket {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let made = try Loopback.socket(SOCK_DGRAM)
        do {
            port = try Loopback.bindAnyPort(made)
        } catch {
            Glibc.close(made)
            throw error
        }
        descriptor = made
    }

    func close() { Glibc.close(descriptor) }
}
