import Glibc
import Locking
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
/// Each run starts its own clock (`start()`) and converts with it: the calibration belongs to the run,
/// and two runs in one process (a REPL's) never share one. Within a run, ticks are converted to
/// nanoseconds at one rate, measured once against `MonotonicClock` over `settling` from `start()`, so a
/// `-v` line printed during the run and the summary at its end convert the same reading to the same
/// figure. Each end of the measurement is a tick reading taken right around a monotonic one (the closest
/// of a few tries), so a preemption between the two readings does not skew it.
public struct LatencyClock: Sendable {
    /// True when readings are ticks; false when they are already nanoseconds.
    public let countsTicks: Bool
    /// The run's calibration, shared by every copy of this clock.
    private let calibration: Calibration

    /// Whether this machine's readings are ticks (decided once per process).
    private static let ticksHere = kernelKeepsTimeWithTicks()

    /// How long the rate is measured: over a millisecond, readings paired within tens of nanoseconds put
    /// it off by a few parts in 100,000 at most.
    static let settling: UInt64 = 1_000_000

    /// A clock whose rate is measured from now: start it before the run's first call, so that the rate is
    /// measured over the start of the run.
    public static func start() -> LatencyClock {
        LatencyClock(countsTicks: ticksHere, calibration: Calibration(origin: pairedReading()))
    }

    /// A clock of the given kind whose rate is measured from now: the tests use it to check both kinds
    /// on any machine (`start()` picks the one the kernel's clocksource allows).
    init(countsTicks: Bool) {
        self.init(countsTicks: countsTicks, calibration: Calibration(origin: Self.pairedReading()))
    }

    private init(countsTicks: Bool, calibration: Calibration) {
        self.countsTicks = countsTicks
        self.calibration = calibration
    }

    /// A reading, in the units of every clock of this process: for a completion routine, which has no
    /// clock at hand.
    @inline(__always)
    public static func reading() -> UInt64 { ticksHere ? TickCounter.now() : MonotonicClock.now() }

    /// A reading, in the clock's units.
    @inline(__always)
    public func now() -> UInt64 { countsTicks ? TickCounter.now() : MonotonicClock.now() }

    /// Nanoseconds per unit of `now()`: one rate for the whole run, measured over `settling` after
    /// `start()` (the first call may wait for it).
    public func nanosecondsPerUnit() -> Double {
        countsTicks ? calibration.rate : 1
    }

    /// `units` of `now()` in whole nanoseconds: the one conversion of the `-v` lines and the summary.
    public func nanoseconds(_ units: UInt64) -> UInt64 {
        countsTicks ? UInt64((Double(units) * calibration.rate).rounded()) : units
    }

    /// A tick reading and a monotonic reading taken together: of a few tries, the one whose two tick
    /// readings around the monotonic one are closest, its ticks at their midpoint.
    fileprivate static func pairedReading() -> (ticks: UInt64, nanoseconds: UInt64) {
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

/// One run's calibration: where the rate is measured from and, once measured, the rate itself, fixed for
/// the rest of the run.
private final class Calibration: Sendable {
    let origin: (ticks: UInt64, nanoseconds: UInt64)
    private let measured = Locked<Double?>(nil)

    init(origin: (ticks: UInt64, nanoseconds: UInt64)) { self.origin = origin }

    /// Nanoseconds per tick, measured on first use (waiting until `settling` has passed since the origin).
    var rate: Double {
        measured.withLock { measured in
            if let measured { return measured }
            while MonotonicClock.now() &- origin.nanoseconds < LatencyClock.settling {}
            let end = LatencyClock.pairedReading()
            let ticks = end.ticks &- origin.ticks
            let rate = ticks == 0 ? 1 : Double(end.nanoseconds &- origin.nanoseconds) / Double(ticks)
            measured = rate
            return rate
        }
    }
}
