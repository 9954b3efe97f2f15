import Foundation
import Testing

/// `--json-stream` under `--rate`: each interval carries the latency from the schedule beside the per-call
/// latency, under the final report's names, and the intervals add up to the report's.
@Suite("Interval reports under --rate: the latency from the schedule")
struct IntervalScheduleTests {
    @Test(
        "Under --rate with a stalled peer, the intervals carry the latency from the schedule and add up to the report's",
        arguments: ["blocking", "nonblocking", "event", "routine"])
    func scheduledIntervalsAddUp(mode: String) throws {
        let peer = try ScheduledLatencyTests.StallingPeer(stall: 1.0)
        // 160 sets of 64 KiB a second for 1.5 s; the peer reads nothing for the first second, so the sets
        // due during the stall start late, and the intervals after it show the wait.
        let sets = 240
        let outcome = try Tool.run([
            "127.0.0.1:\(peer.port)", "--rate", "80M", "--buffers", "1x64K", "--count", "\(sets)", "--sndbuf", "64K",
            "--interval", "250ms", "--mode", mode, "--json-stream", "-q",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let records = try outcome.stdout.split(separator: "\n").map(IntervalStreamTests.object)
        guard let report = records.last, records.count >= 3 else {
            Issue.record("\(records.count) lines: \(outcome.stdout)")
            return
        }
        let intervals = records.dropLast()
        let summary = IntervalStreamTests.summary(report)
        let whole = summary["scheduled_latency_seconds"] as? [String: Double] ?? [:]
        #expect(summary["sets"] as? Int == sets, "\(summary)")
        for interval in intervals {
            #expect(interval["scheduled_latency_count"] is Int, "no latency from the schedule: \(interval)")
            #expect(interval["scheduled_latency_seconds"] != nil && interval["scheduled_latency_histogram"] != nil)
        }
        // Every set once, in the interval in which it ended; the extremes are the report's.
        let counts = intervals.map { $0["scheduled_latency_count"] as? Int ?? 0 }
        #expect(counts.reduce(0, +) == sets, "\(counts)")
        let figures = intervals.compactMap { $0["scheduled_latency_seconds"] as? [String: Double] }
        #expect(figures.count == counts.filter { $0 > 0 }.count, "a busy interval without figures: \(figures)")
        #expect(figures.compactMap { $0["max"] }.max() == whole["max"], "intervals \(figures), report \(whole)")
        #expect(figures.compactMap { $0["min"] }.min() == whole["min"], "intervals \(figures), report \(whole)")
        for interval in intervals where (interval["scheduled_latency_count"] as? Int ?? 0) > 0 {
            let data = (interval["scheduled_latency_histogram"] as? [String: Any])?["data"]
            #expect(data is String, "\(interval)")
        }
        // The per-call figures still add up as before.
        let calls = intervals.reduce(0) { $0 + ($1["latency_count"] as? Int ?? 0) }
        #expect(calls == summary["calls"] as? Int)
        // The stall is in the intervals' figures from the schedule, as in the report's.
        #expect((whole["max"] ?? 0) > 0.5, "report: \(whole)")
    }

    @Test("Without --rate the intervals carry no latency from the schedule, as the report carries none")
    func noScheduleWithoutRate() throws {
        let sink = try Background(["sink", "0"])
        let port = try sink.listeningPort()
        let outcome = try Tool.run([
            "127.0.0.1:\(port)", "--count", "2000", "--interval", "20ms", "--json-stream", "-q",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let records = try outcome.stdout.split(separator: "\n").map(IntervalStreamTests.object)
        #expect(records.count >= 2)
        #expect(records.allSatisfy { $0["scheduled_latency_seconds"] == nil && $0["scheduled_latency_count"] == nil })
        #expect(IntervalStreamTests.summary(records.last ?? [:])["scheduled_latency_seconds"] == nil)
    }
}
