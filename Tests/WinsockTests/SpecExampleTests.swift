import Foundation
import Testing
import Winsock

/// Runs the spec's example (Examples/WSASendExample, ported line for line) against a loopback client.
@Suite("The spec's example")
struct SpecExampleTests {
    static var example: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "WSASendExample")
    }

    @Test("accepts a client, writes 10 x 4096 bytes and says so, on both backends", arguments: ["uring", "poll"])
    func runsAgainstLoopbackClient(backend: String) throws {
        let session = try WinsockSession()
        _ = session
        // The example binds the wildcard address, so the port is probed there too (a port free on
        // 127.0.0.1 may be in use on another loopback address); another process may still take it
        // between the probe and the example's bind, so a bind failure is retried on a fresh port.
        var process = Process()
        var output = Pipe()
        var client: Socket?
        for _ in 0..<5 where client == nil {
            let probe = try Socket(family: Winsock.AF_INET, type: Winsock.SOCK_STREAM)
            try probe.bind(to: SocketAddress(numericHost: "0.0.0.0", port: 0)!)
            let port = probe.localAddress!.port
            _ = closesocket(probe.handle)

            process = Process()
            process.executableURL = Self.example
            process.arguments = [String(port)]
            process.environment = ["WSASEND_BACKEND": backend]
            output = Pipe()
            process.standardOutput = output
            try process.run()

            let deadline = MonotonicClock.now() + 10_000_000_000
            while client == nil && process.isRunning && MonotonicClock.now() < deadline {
                client = try? Socket.connect(to: [SocketAddress(numericHost: "127.0.0.1", port: port)!])
                if client == nil { Thread.sleep(forTimeInterval: 0.02) }
            }
            if client == nil {
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
                let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                guard said.hasPrefix("bind failed") else { break }
            }
        }
        defer { if process.isRunning { process.terminate() } }
        let connected = try #require(client)
        try connected.setOption(level: Winsock.SOL_SOCKET, name: Winsock.SO_RCVTIMEO, value: 10_000)
        let received = try readAll(connected, count: 40960)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(received.count == 40960)
        #expect(process.terminationStatus == 0)
        #expect(text == "Client Accepted...\n" + String(repeating: "Wrote 4096 bytes\n", count: 10))
    }
}
