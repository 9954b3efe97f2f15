import Glibc
import Testing
import Winsock

@testable import WSASendTool

/// The clock the non-overlapped loops time their calls with, and its conversion to nanoseconds. Both
/// branches are tested on every machine: the tick counter (which this machine has, whatever its
/// clocksource) and the monotonic clock, whichever of the two `LatencyClock.start()` picks.
@Suite("Latency clock")
struct LatencyClockTests {
    /// The two clocks: ticks (converted at the measured rate) and monotonic nanoseconds.
    static let branches = [LatencyClock(countsTicks: true), LatencyClock(countsTicks: false)]

    /// The first word of the kernel's clocksource, read here independently of `LatencyClock`.
    static var clocksource: String? {
        guard let file = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r") else {
            return nil
        }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(whereSeparator: \.isWhitespace).first.map(String.init)
    }

    @Test("The machine's clock counts ticks exactly when the kernel keeps time with the tick counter")
    func machineChoice() throws {
        let source = try #require(Self.clocksource, "no clocksource in /sys")
        #expect(LatencyClock.start().countsTicks == (source == "tsc" || source == "arch_sys_counter"), "\(source)")
    }

    @Test("The monotonic branch reads MonotonicClock and converts one to one")
    func monotonicBranch() {
        let clock = LatencyClock(countsTicks: false)
        #expect(clock.nanosecondsPerUnit() == 1)
        #expect(clock.nanoseconds(123_456_789) == 123_456_789)
        #expect(clock.reading(at: 987_654_321) == 987_654_321)
        let (before, reading, after) = (MonotonicClock.now(), clock.now(), MonotonicClock.now())
        #expect(before <= reading && reading <= after)
    }

    @Test("The tick branch reads a counter that is not in nanoseconds, at a rate near the monotonic clock's")
    func tickBranch() {
        let clock = LatencyClock(countsTicks: true)
        let rate = clock.nanosecondsPerUnit()
        // A TSC runs at about 1 to 5 GHz: 0.2 to 1 ns per tick; a counter of 1 ns per tick would mean the
        // branch read the monotonic clock.
        #expect(rate > 0.05 && rate < 100, "rate \(rate) ns per tick")
        #expect(clock.nanoseconds(1_000_000) == UInt64((1_000_000 * rate).rounded()))
    }

    @Test(
        "An interval read on the latency clock converts to the nanoseconds MonotonicClock measured, within 1 %",
        arguments: branches)
    func conversion(clock: LatencyClock) {
        let (startUnits, startNanoseconds) = (clock.now(), MonotonicClock.now())
        usleep(20_000)
        let (endUnits, endNanoseconds) = (clock.now(), MonotonicClock.now())
        let converted = Double(endUnits - startUnits) * clock.nanosecondsPerUnit()
        let measured = Double(endNanoseconds - startNanoseconds)
        #expect(abs(converted - measured) / measured < 0.01, "converted \(converted) ns, measured \(measured) ns")
    }

    @Test("reading(at:) falls where MonotonicClock says the deadline is, not before it", arguments: branches)
    func deadline(clock: LatencyClock) {
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
        let clock = LatencyClock.start()
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
