import Foundation
import Testing

/// `--duration` in the overlapped modes: the driver watches the end of the run in readings of its
/// latency clock and confirms with the monotonic clock once the estimate says the end has come, so a
/// run must post until its duration has passed (not stop at an estimate that came early) and then end.
@Suite("Overlapped --duration", .serialized)
struct OverlappedDurationTests {
    static let runs = [("event", false), ("routine", false), ("event", true), ("routine", true)]

    @Test(
        "An overlapped --duration run with 64 outstanding sends for its whole duration, then ends with exit 0",
        arguments: runs)
    func runsForItsDuration(mode: String, udp: Bool) throws {
        let sink = try Background(["sink", "0"] + (udp ? ["--udp"] : []))
        defer {
            sink.interrupt()
            _ = try? sink.finish(timeout: 10)
        }
        let port = try sink.listeningPort()
        let sender = try Tool.run(
            [
                "127.0.0.1:\(port)", "--mode", mode, "--outstanding", "64", "--buffers", "1x64", "--duration", "400ms",
                "--json",
            ]
                + (udp ? ["--udp"] : []),
            timeout: 30)
        #expect(sender.status == 0, "stderr: \(sender.stderr)")
        let summary = try SinkEndToEndTests.summary(SinkEndToEndTests.json(sender.stdout))
        let elapsed = try #require(summary["elapsed_seconds"] as? Double)
        // The end is confirmed by the monotonic clock: never before 400 ms. The upper bound only says the
        // run ended (a sanitizer build on a loaded machine is slow, so it is generous).
        #expect(elapsed >= 0.4, "elapsed \(elapsed) s")
        #expect(elapsed < 10, "elapsed \(elapsed) s")
        #expect((summary["calls"] as? Int ?? 0) > 0)
        #expect(summary["failed"] as? Int == 0)
    }
}
