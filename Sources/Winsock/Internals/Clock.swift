import CWinsock
import Glibc

/// Monotonic time in nanoseconds: what deadlines and latencies are measured in.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point; never goes back.
    @inlinable
    public static func now() -> UInt64 {
        cwinsock_monotonic_nanoseconds()
    }
}

/// The CPU's tick counter: the time-stamp counter on x86-64, the virtual counter on AArch64 (monotonic
/// nanoseconds on other machines). Much cheaper to read than `MonotonicClock`, but in ticks of an unknown
/// rate and only steady where the kernel itself keeps time with it; measurements calibrate it against
/// `MonotonicClock`.
public enum TickCounter {
    @inlinable
    public static func now() -> UInt64 {
        cwinsock_ticks()
    }
}

/// A point in monotonic time after which a wait gives up.
struct Deadline: Sendable, Comparable {
    let nanoseconds: UInt64

    /// A deadline `milliseconds` from now, or nil for 0 (Winsock's "no timeout").
    @inline(__always)
    static func after(milliseconds: UInt32) -> Deadline? {
        milliseconds == 0 ? nil : Deadline(nanoseconds: MonotonicClock.now() &+ UInt64(milliseconds) * 1_000_000)
    }

    /// Milliseconds left, rounded up so that a wait never ends early; 0 once passed.
    var remainingMilliseconds: Int32 {
        let now = MonotonicClock.now()
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now + 999_999) / 1_000_000)
    }

    var hasPassed: Bool { MonotonicClock.now() >= nanoseconds }

    static func < (a: Deadline, b: Deadline) -> Bool { a.nanoseconds < b.nanoseconds }
}
