import Foundation
import Glibc
import Testing

/// The sink's counts and rates: empty datagrams, and throughput over the time it was busy.
@Suite("Sink figures", .serialized)
struct SinkFiguresTests {
    /// Sends each payload as one UDP datagram to 127.0.0.1:`port`, from a socket of the test's own.
    static func sendDatagrams(_ payloads: [[UInt8]], to port: UInt16) throws {
        let fd = try Loopback.socket(SOCK_DGRAM)
        defer { close(fd) }
        var address = Loopback.address(port: port)
        for payload in payloads {
            let sent = payload.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            guard sent == payload.count else { throw ToolTestError("sendto: \(errno)") }
            usleep(2_000)
        }
    }

    static func report(_ outcome: Tool.Outcome) throws -> [String: Any] {
        try SinkEndToEndTests.json(outcome.stdout)
    }

    @Test("Five datagrams, three of them empty: 5 datagrams, 3 bytes, 5 recv calls, and one connections count")
    func emptyDatagrams() throws {
        let sink = try Background(["sink", "0", "--udp", "--idle", "300ms", "--json"])
        let port = try sink.listeningPort()
        try Self.sendDatagrams([[], [0x61], [], [0x62, 0x63], []], to: port)
        let outcome = try sink.finish(timeout: 10)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let report = try Self.report(outcome)
        let summary = try SinkEndToEndTests.summary(report)
        #expect(summary["datagrams"] as? Int == 5)
        #expect(summary["bytes_received"] as? Int == 3)
        #expect(summary["recv_calls"] as? Int == 5)
        let connections = try #require(report["connections"] as? [[String: Any]])
        #expect(summary["connections"] as? Int == connections.count)
    }

    @Test("Empty datagrams alone start the --idle timer, and the text report counts them")
    func emptyDatagramsStartIdle() throws {
        let sink = try Background(["sink", "0", "--udp", "--idle", "300ms"])
        let port = try sink.listeningPort()
        try Self.sendDatagrams([[], [], []], to: port)
        let outcome = try sink.finish(timeout: 10)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("(udp): 3 datagrams"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("0 received in 3 recv calls"), "\(outcome.stdout)")
    }

    @Test("Two connections a second apart: each has its rate, and the total is over the busy time, not the gap")
    func busyTime() throws {
        let sink = try Background(["sink", "0", "--json"])
        let port = try sink.listeningPort()
        for index in 0..<2 {
            if index > 0 { Thread.sleep(forTimeInterval: 1) }
            let sender = try Tool.run(["127.0.0.1:\(port)", "--buffers", "64K", "--count", "200", "-q"])
            #expect(sender.status == 0)
        }
        Thread.sleep(forTimeInterval: 0.2)
        sink.interrupt()
        let outcome = try sink.finish(timeout: 10)
        let report = try Self.report(outcome)
        let summary = try SinkEndToEndTests.summary(report)
        let connections = try #require(report["connections"] as? [[String: Any]])
        #expect(connections.count == 2)
        let elapsed = try #require(summary["elapsed_seconds"] as? Double)
        let busy = try #require(summary["busy_seconds"] as? Double, "\(summary)")
        let receiving = connections.compactMap { $0["receive_seconds"] as? Double }.reduce(0, +)
        #expect(elapsed >= 1.0)
        #expect(busy <= receiving + 1e-9 && busy < elapsed, "busy \(busy), receiving \(receiving), elapsed \(elapsed)")
        let bits = try #require(summary["throughput_bits_per_second"] as? Double)
        let bytes = try #require(summary["bytes_received"] as? Double)
        #expect(abs(bits - bytes * 8 / busy) <= bits * 1e-6, "\(summary)")
        for connection in connections {
            let rate = try #require(connection["throughput_bits_per_second"] as? Double, "\(connection)")
            let seconds = try #require(connection["receive_seconds"] as? Double)
            let received = try #require(connection["bytes_received"] as? Double)
            #expect(abs(rate - received * 8 / seconds) <= rate * 1e-6, "\(connection)")
        }
    }

    @Test("The text report says which throughput is which")
    func textSaysWhich() throws {
        let sink = try Background(["sink", "0", "--once"])
        let port = try sink.listeningPort()
        let sender = try Tool.run(["127.0.0.1:\(port)", "--buffers", "64K", "--count", "100", "-q"])
        #expect(sender.status == 0)
        let outcome = try sink.finish(timeout: 10)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(
            lines.contains { $0.hasPrefix("throughput ") && $0.hasSuffix("over the busy time") }, "\(outcome.stdout)")
        #expect(lines.contains { $0.hasPrefix("elapsed ") && $0.contains(" busy") }, "\(outcome.stdout)")
        #expect(lines.contains { $0.hasPrefix("  [0] ") && $0.hasSuffix("bit/s") }, "\(outcome.stdout)")
    }
}
