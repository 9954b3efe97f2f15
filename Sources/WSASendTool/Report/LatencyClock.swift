import Glibc
import Winsock

/// The clock every mode times its calls with: the CPU's `TickCounter` where the
/// kernel keeps time with that same counter (clocksource `tsc` or `arch_sys_counter`: steady and alike on
/// every CPU), `MonotonicClock` elsewhere.
///
/// Why not `MonotonicClock` everywhere: its vDSO reading fences the pipeline, and the two readings a call
/// needs cost a blocking 1x64 loop about a tenth of its calls. Measured on the bench machine with
/// bench/c/sendloop.c into bench/c/sink.c: the loop with two clock_gettime around each sendmsg ran at
/// 0.84-0.96x the plain loop (median 0.90), with two TSC readings at 0.97-1.02x. Readings in ticks are converted to
/// nanoseconds at the rate measured between `start()` and the conversion, against `MonotonicClock`: over a
/// run of a millisecond or more that rate is exact to a few parts in 100,000.
///
/// Each run starts its own clock (`start()`) and converts with it: the calibration belongs to the run,
/// and two runs in one process (a REPL's) never share one.
public struct LatencyClock: Sendable {
    /// True when readings are ticks; false when they are already nanoseconds.
    public let countsTicks: Bool
    /// The first pair of readings: where the rate is measured from.
    private let originTicks: UInt64
    private let originNanoseconds: UInt64

    /// Whether this machine's readings are ticks (decided once per process).
    private static let ticksHere = kernelKeepsTimeWithTicks()

    /// How long the rate is measured before it is used: over a millisecond, the two readings of each end
    /// (tens of nanoseconds apart) put it off by a few parts in 100,000 at most.
    static let settling: UInt64 = 1_000_000

    /// A clock whose rate is measured from now: start it before the run's first call, so that the rate is
    /// measured over the whole run.
    public static func start() -> LatencyClock {
        LatencyClock(countsTicks: ticksHere, originTicks: TickCounter.now(), originNanoseconds: MonotonicClock.now())
    }

    /// A reading, in the units of every clock of this process: for a completion routine, which has no
    /// clock at hand.
    @inline(__always)
    public static func reading() -> UInt64 { ticksHere ? TickCounter.now() : MonotonicClock.now() }

    /// A reading, in the clock's units.
    @inline(__always)
    public func now() -> UInt64 { countsTicks ? TickCounter.now() : MonotonicClock.now() }

    /// Nanoseconds per unit of `now()`, measured from `start()` to this call, over `settling` at least
    /// (the first call after `start()` may wait for it).
    public func nanosecondsPerUnit() -> Double {
        guard countsTicks else { return 1 }
        while MonotonicClock.now() &- originNanoseconds < Self.settling {}
        let ticks = TickCounter.now() &- originTicks
        let nanoseconds = MonotonicClock.now() &- originNanoseconds
        return ticks == 0 ? 1 : Double(nanoseconds) / Double(ticks)
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
