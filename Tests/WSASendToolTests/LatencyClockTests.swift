import Glibc
import Testing
import WSASendTool
import Winsock

/// The clock the non-overlapped loops time their calls with, and its conversion to nanoseconds.
@Suite("Latency clock")
struct LatencyClockTests {
    let clock = LatencyClock.start()

    @Test("An interval read on the latency clock converts to the nanoseconds MonotonicClock measured, within 1 %")
    func conversion() {
        let (startUnits, startNanoseconds) = (clock.now(), MonotonicClock.now())
        usleep(20_000)
        let (endUnits, endNanoseconds) = (clock.now(), MonotonicClock.now())
        let converted = Double(endUnits - startUnits) * clock.nanosecondsPerUnit()
        let measured = Double(endNanoseconds - startNanoseconds)
        #expect(abs(converted - measured) / measured < 0.01, "converted \(converted) ns, measured \(measured) ns")
    }

    @Test("reading(at:) falls where MonotonicClock says the deadline is, not before it")
    func deadline() {
        let deadline = MonotonicClock.now() + 5_000_000
        let reading = clock.reading(at: deadline)
        while clock.now() < reading {}
        let arrived = MonotonicClock.now()
        // Early by more than the estimate's error means a wrong rate; late by a lot, a wrong one too (or a
        // preempted test machine: the bound is loose).
        #expect(arrived + 100_000 >= deadline, "arrived \(Int64(deadline) - Int64(arrived)) ns early")
        #expect(arrived < deadline + 50_000_000, "arrived \(arrived - deadline) ns late")
    }

    @Test("A recorder in clock units summarises in nanoseconds; an empty recorder takes the unit it merges")
    func recorderUnits() {
        let rate = clock.nanosecondsPerUnit()
        var ticks = LatencyRecorder(unit: .latencyClock)
        ticks.record(UInt64((1_000_000 / rate).rounded()))
        var merged = LatencyRecorder()
        merged.merge(ticks)
        #expect(merged.unit == .latencyClock)
        let p50 = Double(merged.summary(clock: clock)?.p50 ?? 0)
        #expect(abs(p50 - 1_000_000) < 2_000, "p50 \(p50) ns for a millisecond")
        var nanoseconds = LatencyRecorder()
        nanoseconds.record(1_000_000)
        #expect(nanoseconds.summary?.p50 == 1_000_000)
    }
}
