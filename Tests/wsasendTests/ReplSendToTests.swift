import Foundation
import Testing

/// The REPL's `sendto`: WSASendTo from an unconnected UDP socket, to the session's target or to the
/// line's destination, checked by independent Python UDP receivers.
@Suite(
    "REPL sendto",
    .enabled(if: PythonUDPReceiver.isAvailable, "python3 is not installed: the independent receiver cannot run"))
struct ReplSendToTests {
    func repl(_ arguments: [String], script: String) throws -> Tool.Outcome {
        let input = TemporaryFile(bytes: Data(script.utf8))
        return try Tool.run(["repl"] + arguments, stdin: input.url, timeout: 60)
    }

    @Test(
        "sendto reaches the target of connect --udp --no-connect and a destination named on the line, byte-exact",
        arguments: ["blocking", "nonblocking", "event", "routine"])
    func reachesBothDestinations(mode: String) throws {
        let target = try PythonUDPReceiver(datagrams: 4)
        let other = try PythonUDPReceiver(datagrams: 1)
        let script = """
            mode \(mode)
            outstanding 8
            connect 127.0.0.1:\(target.port) --udp --no-connect
            sendto "hello"
            buffers 1400,0,100
            sendto 2
            sendto 127.0.0.1:\(other.port) hex 00ff
            sendto 127.0.0.1:\(target.port)
            \(mode == "event" || mode == "routine" ? "wait 5s" : "status")
            """
        let outcome = try repl([], script: script)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("unconnected UDP socket: sendto sends to 127.0.0.1:\(target.port)"), "\(outcome.stdout)")
        let calls = lines.filter { $0.contains("WSASend") }
        #expect(calls.count == 5, "\(outcome.stdout)")
        #expect(
            calls.allSatisfy {
                $0.contains("WSASendTo = 0") || $0.contains("WSASendTo = SOCKET_ERROR, WSA_IO_PENDING")
            },
            "every call is WSASendTo, done or pending: \(calls)")
        // Byte i of a buffer set is i % 251: each datagram is the whole set.
        let set = (0..<1500).map { UInt8($0 % 251) }
        #expect(try target.finish() == [Array("hello".utf8), set, set, set])
        #expect(try other.finish() == [[0x00, 0xFF]])
    }

    @Test("sendto with no socket opens an unconnected UDP socket for the line's destination")
    func opensItsOwnSocket() throws {
        let receiver = try PythonUDPReceiver(datagrams: 2)
        let script = "sendto 127.0.0.1:\(receiver.port) \"one\"\nsendto \"two\"\nstatus\n"
        let outcome = try repl([], script: script)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.contains("unconnected UDP socket opened for sendto"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("sendto      127.0.0.1:\(receiver.port)"), "\(outcome.stdout)")
        #expect(try receiver.finish() == [Array("one".utf8), Array("two".utf8)])
    }

    @Test("sendto without a destination, or on a TCP stream, fails with one sentence and exit status 1")
    func refusals() throws {
        let noDestination = try repl([], script: "sendto 3\n")
        #expect(noDestination.status == 1)
        #expect(
            noDestination.stderrLines == [
                "wsasend: line 1: sendto needs a destination: sendto HOST:PORT ..., or connect HOST:PORT --udp --no-connect first"
            ], "\(noDestination.stderr)")
        let peer = try ScriptedPeer(.hold, receiveBuffer: 4096)
        let onStream = try repl(["127.0.0.1:\(peer.port)"], script: "sendto 127.0.0.1:\(peer.port) 1\n")
        #expect(onStream.status == 1)
        #expect(
            onStream.stderrLines == [
                "wsasend: line 1: sendto sends datagrams, and the session's socket is a TCP stream: "
                    + "close it, or connect HOST:PORT --udp --no-connect"
            ], "\(onStream.stderr)")
    }
}
