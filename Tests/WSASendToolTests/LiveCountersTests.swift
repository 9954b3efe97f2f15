import Testing

@testable import WSASendTool

/// The progress line's running totals: one table for the run, a lane per connection.
@Suite("Live counters")
struct LiveCountersTests {
    @Test("each connection publishes into its own lane, and the totals add every lane's latest values")
    func lanesAddUp() {
        let live = LiveCounters(connections: 3)
        #expect(live.totals == (0, 0))
        live.lane(0).publish(bytes: 100, calls: 1)
        live.lane(2).publish(bytes: 7, calls: 3)
        live.lane(0).publish(bytes: 164, calls: 2)
        let totals = live.totals
        #expect(totals.bytes == 171)
        #expect(totals.calls == 5)
    }

    @Test("lanes published from several threads at once add up once every thread is done")
    func concurrentLanes() {
        let connections = 8
        let live = LiveCounters(connections: connections)
        let threads = (0..<connections).compactMap { index in
            WorkerThread.start {
                let lane = live.lane(index)
                for call in 1...1_000 { lane.publish(bytes: UInt64(call * 64), calls: UInt64(call)) }
            }
        }
        #expect(threads.count == connections)
        for thread in threads { thread.join() }
        #expect(live.totals.bytes == UInt64(connections * 64_000))
        #expect(live.totals.calls == UInt64(connections * 1_000))
    }
}
