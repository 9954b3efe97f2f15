import Foundation
import Testing

/// `--udp --no-connect`: the tool sends with WSASendTo on an unconnected socket.
@Suite(
    "wsasend --udp --no-connect",
    .enabled(if: PythonUDPReceiver.isAvailable, "python3 is not installed: the independent receiver cannot run"))
struct NoConnectEndToEndTests {
    @Test(
        "--udp --no-connect sends each set by WSASendTo: a Python UDP receiver gets every datagram byte-exact",
        arguments: ["blocking", "nonblocking", "event", "routine"])
    func pythonReceivesExactly(mode: String) throws {
        let receiver = try PythonUDPReceiver(datagrams: 5)
        let sender = try Tool.run(
            [
                "127.0.0.1:\(receiver.port)", "--udp", "--no-connect", "--buffers", "1400,0,100", "--count", "5",
                "--mode", mode, "-q",
            ])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        // Byte i of a buffer set is i % 251: each datagram is the whole set.
        let expected = (0..<1500).map { UInt8($0 % 251) }
        let received = try receiver.finish()
        #expect(received.count == 5, "\(received.count) datagrams")
        #expect(received.allSatisfy { $0 == expected }, "sizes \(received.map(\.count))")
    }

    @Test(
        "-v names the call: each --no-connect line says WSASendTo, in a non-overlapped and an overlapped mode",
        arguments: ["blocking", "event"])
    func verboseLinesNameWSASendTo(mode: String) throws {
        let receiver = try PythonUDPReceiver(datagrams: 3)
        let sender = try Tool.run(
            [
                "127.0.0.1:\(receiver.port)", "--udp", "--no-connect", "--buffers", "1x100", "--count", "3", "-v",
                "--mode", mode,
            ])
        _ = try receiver.finish()
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let callLines = sender.stdout.split(separator: "\n").filter { $0.contains("WSASend") }
        #expect(callLines.count == 3, "\(sender.stdout)")
        #expect(callLines.allSatisfy { $0.contains("WSASendTo = ") }, "\(sender.stdout)")
    }

    @Test("--no-connect without --udp is a usage error (64) with one line on standard error")
    func needsUDP() throws {
        let outcome = try Tool.run(["127.0.0.1:9", "--no-connect"])
        #expect(outcome.status == 64)
        #expect(
            outcome.stderrLines == [
                "wsasend: --no-connect sends datagrams with WSASendTo; it needs --udp (a TCP stream must connect)."
            ], "\(outcome.stderr)")
    }
}
