import Winsock

/// `--rate`: after each buffer set, sleeps until the bytes sent so far fit the rate since the start, so
/// that the average holds without any per-call allocation. A datagram run needs it when the peer cannot
/// keep up: a UDP receiver drops what finds its queue full.
struct Pacer {
    let bitsPerSecond: UInt64
    let started = MonotonicClock.now()

    /// When the schedule says the next set starts, `bytes` having been sent (monotonic nanoseconds): the
    /// intended start that `--rate`'s latency from the schedule is measured from.
    func due(afterSending bytes: UInt64) -> UInt64 {
        started &+ UInt64(min(Double(bytes) * 8e9 / Double(bitsPerSecond), 1.8e19))
    }

    /// Sleeps until `bytes` are due at the rate, in slices of at most 50 ms so that a stop or the end of
    /// `--duration` is not held up.
    func wait(afterSending bytes: UInt64, deadline: UInt64?, control: RunControl) {
        let due = due(afterSending: bytes)
        while !control.isStopping {
            let now = MonotonicClock.now()
            let until = min(due, deadline ?? .max)
            guard until > now else { return }
            sleepNanoseconds(min(until - now, 50_000_000))
        }
    }
}
