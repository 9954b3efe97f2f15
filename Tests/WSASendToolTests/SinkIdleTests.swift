import Testing

@testable import WSASendTool

/// `wsasend sink --idle`: the reading threads' test of the last byte's time against their clock reading.
@Suite("Sink --idle")
struct SinkIdleTests {
    static let second: UInt64 = 1_000_000_000

    @Test(
        "idle only after bytes came and none for the whole --idle time",
        arguments: [
            // (now, last byte, idle, idle?)
            (10 * second, 0, 2 * second, false),  // no byte yet
            (10 * second, 9 * second, 2 * second, false),
            (10 * second, 8 * second, 2 * second, true),
            (10 * second, 7 * second, 2 * second, true),
            // A receiving thread stored a byte's time after this thread read `now`: activity. Read as
            // now - last with wrap-around, it was 2^64 - 1 ns of silence, and ended sinks mid-transfer.
            (10 * second, 10 * second + 1, 2 * second, false),
            (10 * second, 10 * second, 2 * second, false),
        ] as [(UInt64, UInt64, UInt64, Bool)])
    func idle(now: UInt64, last: UInt64, idle: UInt64, expected: Bool) {
        #expect(SinkIdle.isIdle(now: now, lastActivity: last, idle: idle) == expected)
    }
}
