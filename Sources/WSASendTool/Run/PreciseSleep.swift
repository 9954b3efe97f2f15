import Glibc
import Winsock

/// Sleeping until an instant of the `--rate` schedule, and not much past it.
///
/// A relative sleep or a poll timeout ends late by the kernel's timer slack (50 us for an ordinary
/// thread) plus the wake-up, and a poll's timeout counts whole milliseconds: a set due 0.3 ms from now
/// waited a whole millisecond, and every set's latency from the schedule carried that wait. So the
/// schedule is kept in two steps: an absolute `clock_nanosleep` on `CLOCK_MONOTONIC` (the clock
/// `MonotonicClock` reads) to `margin` before the instant, then short polls (the caller's loop, which
/// keeps collecting completions meanwhile) for the rest.
enum PreciseSleep {
    /// How early the sleep ends, to be taken up by polling: above the timer slack and a wake-up on a
    /// busy machine, so that the sleep itself does not overshoot the instant.
    static let margin: UInt64 = 200 * TimeUnits.nanosecondsPerMicrosecond

    /// Sleeps until `margin` before `instant` (monotonic nanoseconds), at most until `latest`; returns at
    /// once when that time has come.
    static func until(_ instant: UInt64, latest: UInt64 = .max) {
        let wake = min(instant > margin ? instant - margin : 0, latest)
        guard wake > MonotonicClock.now() else { return }
        var time = timespec(
            tv_sec: Int(wake / TimeUnits.nanosecondsPerSecond), tv_nsec: Int(wake % TimeUnits.nanosecondsPerSecond))
        // An absolute sleep is simply repeated after a signal: the instant does not move.
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }

    /// The timeout, in whole milliseconds, of a wait for completions that must end by `instant`: rounded
    /// down and less `margin`, so that it never ends past the instant; 0 (a poll) within the last
    /// millisecond and `margin`.
    static func waitMilliseconds(until instant: UInt64, now: UInt64) -> UInt64 {
        guard instant > now &+ margin else { return 0 }
        return (instant - now - margin) / TimeUnits.nanosecondsPerMillisecond
    }
}
