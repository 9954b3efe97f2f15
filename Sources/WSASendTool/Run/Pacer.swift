import Winsock

/// `--rate`: after each buffer set, sleeps until the bytes sent so far fit the rate since the start, so
/// that the average holds without any per-call allocation. A datagram run needs it when the peer cannot
/// keep up: a UDP receiver drops what finds its queue full.
struct Pacer {
    let bitsPerSecond: UInt64
    let started = MonotonicClock.now()

    /// The longest sleep of `wait`, so that a stop or the end of `--duration` is not held up.
    static let slice: UInt64 = 50 * TimeUnits.nanosecondsPerMillisecond

    /// When the schedule says the next set starts, `bytes` having been sent (monotonic nanoseconds): the
    /// intended start that `--rate`'s latency from the schedule is measured from.
    func due(afterSending bytes: UInt64) -> UInt64 { Self.due(bytes, at: bitsPerSecond, from: started) }

    /// Sleeps until `bytes` are due at the rate, in slices of at most `slice`: a precise sleep to just
    /// before the instant, then a spin on the clock for the last `PreciseSleep.margin`, so that the next
    /// set starts on its schedule and its latency from the schedule is its own.
    func wait(afterSending bytes: UInt64, deadline: UInt64?, control: RunControl) {
        let due = due(afterSending: bytes)
        while !control.isStopping {
            let now = MonotonicClock.now()
            let until = min(due, deadline ?? .max)
            guard until > now else { return }
            PreciseSleep.until(until, latest: now &+ Self.slice)
        }
    }

    /// When `bytes` sent from `started` (monotonic nanoseconds) are due at `bitsPerSecond`, for this pacer
    /// and for the overlapped driver, which paces each connection the same way without sleeping.
    static func due(_ bytes: UInt64, at bitsPerSecond: UInt64, from started: UInt64) -> UInt64 {
        let bitNanoseconds = 8 * Double(TimeUnits.nanosecondsPerSecond)
        return started &+ UInt64(min(Double(bytes) * bitNanoseconds / Double(bitsPerSecond), Self.never))
    }

    /// Nanoseconds that stand for "never" (about 570 years, still inside UInt64).
    private static let never = 1.8e19
}
