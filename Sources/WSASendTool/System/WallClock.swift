import Glibc

/// The system's wall clock (CLOCK_REALTIME): for `--start-at` and the reports' start and end times,
/// which must compare across hosts. Durations are measured with the monotonic clock, never with this.
public enum WallClock {
    public static func now() -> WallClockTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallClockTime(nanosecondsSinceEpoch: UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec))
    }
}
