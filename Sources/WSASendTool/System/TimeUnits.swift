/// Nanoseconds per second, millisecond and microsecond: the tool counts time in nanoseconds and converts
/// only where a system call takes another unit (poll's milliseconds, setitimer's microseconds).
enum TimeUnits {
    static let nanosecondsPerSecond: UInt64 = 1_000_000_000
    static let nanosecondsPerMillisecond: UInt64 = 1_000_000
    static let nanosecondsPerMicrosecond: UInt64 = 1_000

    /// Whole milliseconds, rounded up, so that a wait of a few microseconds is not a busy poll of 0.
    static func millisecondsRoundedUp(_ nanoseconds: UInt64) -> UInt64 {
        nanoseconds / nanosecondsPerMillisecond + (nanoseconds % nanosecondsPerMillisecond == 0 ? 0 : 1)
    }
}
