import Glibc
import Winsock

/// The clock every mode times its calls with: the CPU's `TickCounter` where the
/// kernel keeps time with that same counter (clocksource `tsc` or `arch_sys_counter`: steady and alike on
/// every CPU), `MonotonicClock` elsewhere.
///
/// Why not `MonotonicClock` everywhere: its vDSO reading fences the pipeline, and the two readings a call
/// needs cost a blocking 1x64 loop about a tenth of its calls. Measured on the bench machine with
/// bench/c/sendloop.c into bench/c/sink.c: the loop with two clock_gettime around each sendmsg ran at
/// 0.84-0.96x the plain loop (median 0.90), with two TSC readings at 0.97-1.02x.
///
/// Readings in ticks are converted to nanoseconds at one rate per process, measured once against
/// `MonotonicClock` over `settling` from `start()`: a `-v` line printed during the run and the summary
/// at its end convert the same reading to the same figure. Each end of the measurement is a tick
/// reading taken right around a monotonic one (the closest of a few tries), so a preemption between the
/// two readings does not skew it.
public struct LatencyClock: Sendable {
    /// True when readings are ticks; false when they are already nanoseconds.
    public let countsTicks: Bool

    /// The clock of this machine (decided once per process).
    public static let machine = LatencyClock(countsTicks: kernelKeepsTimeWithTicks())

    /// The first pair of readings: where the rate is measured from.
    private static let origin = pairedReading()

    /// The rate, nanoseconds per tick, measured once (the first conversion after `start()` may wait for
    /// `settling` to pass).
    private static let rate: Double = {
        while MonotonicClock.now() &- origin.nanoseconds < settling {}
        let end = pairedReading()
        let ticks = end.ticks &- origin.ticks
        return ticks == 0 ? 1 : Double(end.nanoseconds &- origin.nanoseconds) / Double(ticks)
    }()

    /// How long the rate is measured: over a millisecond, readings paired within tens of nanoseconds put
    /// it off by a few parts in 100,000 at most.
    static let settling: UInt64 = 1_000_000

    /// Takes the first pair of readings; call before any worker reads the clock, so that the rate is
    /// measured over the whole run.
    public static func start() { _ = origin }

    /// A reading, in the clock's units.
    @inline(__always)
    public func now() -> UInt64 { countsTicks ? TickCounter.now() : MonotonicClock.now() }

    /// Nanoseconds per unit of `now()`: one rate for the whole process, measured over `settling` after
    /// `start()` (the first call may wait for it).
    public func nanosecondsPerUnit() -> Double {
        countsTicks ? Self.rate : 1
    }

    /// `units` of `now()` in whole nanoseconds: the one conversion of the `-v` lines and the summary.
    public func nanoseconds(_ units: UInt64) -> UInt64 {
        countsTicks ? UInt64((Double(units) * Self.rate).rounded()) : units
    }

    /// A tick reading and a monotonic reading taken together: of a few tries, the one whose two tick
    /// readings around the monotonic one are closest, its ticks at their midpoint.
    private static func pairedReading() -> (ticks: UInt64, nanoseconds: UInt64) {
        var best = (ticks: UInt64(0), nanoseconds: UInt64(0))
        var spread = UInt64.max
        for _ in 0..<5 {
            let before = TickCounter.now()
            let nanoseconds = MonotonicClock.now()
            let after = TickCounter.now()
            if after &- before < spread {
                spread = after &- before
                best = (before &+ (after &- before) / 2, nanoseconds)
            }
        }
        return best
    }

    /// The reading at which the monotonic time `deadline` (nanoseconds) falls, by the rate measured so far;
    /// the caller confirms with `MonotonicClock` when it gets there, since the rate is an estimate.
    public func reading(at deadline: UInt64) -> UInt64 {
        guard countsTicks else { return deadline }
        let rate = nanosecondsPerUnit()
        let (ticks, now) = (TickCounter.now(), MonotonicClock.now())
        guard deadline > now else { return ticks }
        let ahead = Double(deadline - now) / rate
        return ahead >= Double(UInt64.max - ticks) ? .max : ticks &+ UInt64(ahead)
    }

    /// True when the current clocksource is the counter `TickCounter` reads.
    private static func kernelKeepsTimeWithTicks() -> Bool {
        #if arch(x86_64)
        let counter = "tsc"
        #elseif arch(arm64)
        let counter = "arch_sys_counter"
        #else
        return false
        #endif
        let path = "/sys/devices/system/clocksource/clocksource0/current_clocksource"
        guard let file = fopen(path, "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), file) != nil else { return false }
        let name = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(whereSeparator: \.isWhitespace).first.map(String.init) == counter
    }
}
