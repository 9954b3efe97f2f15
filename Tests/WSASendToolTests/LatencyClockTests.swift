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

@Suite("Latency summary")
struct LatencySummaryTests {
    @Test("min, max and mean are exact; the percentiles lie between min and max")
    func exactExtremes() throws {
        var recorder = LatencyRecorder()
        for value: UInt64 in [100_003, 200_011, 300_017] { recorder.record(value) }
        let summary = try #require(recorder.summary)
        #expect(summary.min == 100_003)
        #expect(summary.max == 300_017)
        #expect(summary.mean == Double(100_003 + 200_011 + 300_017) / 3)
        for percentile in [summary.p50, summary.p90, summary.p99] {
            #expect((summary.min...summary.max).contains(percentile))
        }
    }

    @Test("One value: every figure is that value, in clock units too", arguments: [1_234_567, 42, 987_654_321])
    func oneValue(value: UInt64) throws {
        for unit in [LatencyRecorder.Unit.nanoseconds, .latencyClock] {
            var recorder = LatencyRecorder(unit: unit)
            recorder.record(value)
            let summary = try #require(recorder.summary(clock: LatencyClock.start()))
            let figures = [summary.min, summary.p50, summary.p90, summary.p99, summary.max]
            #expect(Set(figures).count == 1, "\(summary)")
            #expect(summary.mean == Double(summary.min), "\(summary)")
        }
    }

    @Test("Merged recorders keep exact extremes and the mean of all their values")
    func merged() throws {
        var first = LatencyRecorder()
        first.record(10)
        first.record(30)
        var second = LatencyRecorder()
        second.record(5)
        second.record(1_000)
        first.merge(second)
        let summary = try #require(first.summary)
        #expect(summary.min == 5)
        #expect(summary.max == 1_000)
        #expect(summary.mean == 261.25)
    }
}
