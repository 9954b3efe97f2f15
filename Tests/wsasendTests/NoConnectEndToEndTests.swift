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
        // The call lines, not the report's "socket" line (which names WSASendTo too).
        let callLines = sender.stdout.split(separator: "\n").filter { $0.contains("WSASend") && $0.contains(" = ") }
        #expect(callLines.count == 3, "\(sender.stdout)")
        #expect(callLines.allSatisfy { $0.contains("WSASendTo = ") }, "\(sender.stdout)")
    }

    @Test(
        "The text report says there was no connect: where the datagrams went, with WSASendTo, from the address the first send bound",
        arguments: ["blocking", "event"])
    func textSaysNoConnect(mode: String) throws {
        let receiver = try PythonUDPReceiver(datagrams: 3)
        let sender = try Tool.run([
            "127.0.0.1:\(receiver.port)", "--udp", "--no-connect", "--buffers", "1x100", "--count", "3", "--mode", mode,
        ])
        _ = try receiver.finish()
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let source = try #require(try receiver.senders().first, "no datagram arrived")
        #expect(try receiver.senders().allSatisfy { $0 == source })
        // The system bound the socket to the wildcard address and a port of its choosing; the datagrams
        // came from that port.
        let port = try #require(source.split(separator: ":").last)
        let line = sender.stdout.split(separator: "\n").first { $0.hasPrefix("socket ") }
        #expect(
            line?.hasSuffix("no connect: sending to 127.0.0.1:\(receiver.port) with WSASendTo from 0.0.0.0:\(port)")
                == true, "\(sender.stdout)")
        #expect(!sender.stdout.contains("connect  ") && !sender.stdout.contains("? ->"), "\(sender.stdout)")
        // The JSON report's local address is the same one, now that the socket has it.
        let receiver2 = try PythonUDPReceiver(datagrams: 1)
        let json = try Tool.run([
            "127.0.0.1:\(receiver2.port)", "--udp", "--no-connect", "--count", "1", "--mode", mode, "--json",
        ])
        _ = try receiver2.finish()
        let report = try JSONSerialization.jsonObject(with: json.stdoutData) as? [String: Any] ?? [:]
        let connection = (report["connections"] as? [[String: Any]])?.first ?? [:]
        let port2 = try #require(try receiver2.senders().first?.split(separator: ":").last)
        #expect(connection["local"] as? String == "0.0.0.0:\(port2)", "\(connection)")
    }

    @Test("With nothing sent, the text report says the unconnected socket is not bound yet")
    func textSaysNotBoundYet() throws {
        // An empty payload file ends the run before the first send: a socket, and no datagram.
        let sender = try Tool.run(["127.0.0.1:9", "--udp", "--no-connect", "--file", "/dev/null"])
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let expected = "no connect: sending to 127.0.0.1:9 with WSASendTo from no local address (not bound yet"
        #expect(sender.stdout.contains(expected), "\(sender.stdout)")
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
