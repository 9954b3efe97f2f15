import Foundation
import Glibc
import Testing

/// `sink --idle` ends the sink after so long without a byte arriving. A sink that was itself stalled
/// (stopped, or starved of CPU) while bytes kept arriving has not been idle: the bytes wait in its
/// sockets, and it must read them, not stop and reset the connections under the sender.
@Suite("Sink --idle after a stall", .serialized)
struct SinkIdleStallTests {
    @Test(
        "A sink stopped longer than its --idle time, with bytes waiting, reads on and counts every byte",
        arguments: [["--connections", "1"], ["--connections", "3", "--mode", "event"], ["--once"]])
    func stalledSinkReadsOn(options: [String]) throws {
        let once = options == ["--once"]
        // --once serves its one connection with a wait on that socket alone (the other path).
        let sink = try Background(["sink", "0", "--idle", "1s", "--json"] + (once ? ["--once"] : []))
        let port = try sink.listeningPort()
        let sender = try Background(
            ["127.0.0.1:\(port)", "--buffers", "1x1000", "--duration", "4s", "-q", "--json"]
                + (once ? [] : options))
        // Stopped after the first bytes, for twice its idle time; the sender blocks on the full window.
        _ = sink.waitForSockets(once ? 1 : Int(options[1])!, timeout: 20)
        usleep(500_000)
        kill(sink.process.processIdentifier, SIGSTOP)
        usleep(2_000_000)
        kill(sink.process.processIdentifier, SIGCONT)
        let sent = try sender.finish(timeout: 60)
        let received = try sink.finish(timeout: 60)
        #expect(sent.status == 0, "sender: \(sent.stderr)")
        #expect(received.status == 0, "sink: \(received.stderr)")
        let sentBytes = try SinkEndToEndTests.summary(SinkEndToEndTests.json(sent.stdout))["bytes_sent"] as? Int
        let receivedBytes =
            try SinkEndToEndTests.summary(SinkEndToEndTests.json(received.stdout))["bytes_received"] as? Int
        #expect(
            sentBytes != nil && sentBytes == receivedBytes, "sent \(sentBytes ?? -1), received \(receivedBytes ?? -1)")
    }
}
