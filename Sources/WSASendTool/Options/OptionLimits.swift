/// The ranges and limits the options and the REPL's settings accept, named once so that a parser, its
/// help text and its error sentence say the same numbers.
public enum OptionLimits {
    /// Overlapped calls in flight per connection: enough to keep a loopback link busy, few enough that
    /// the operations of every connection stay in memory.
    public static let outstanding: ClosedRange<UInt64> = 1...1024

    /// Connections of one run; more need more open files than a process usually gets.
    public static let connections: ClosedRange<UInt64> = 1...100_000

    /// Buffer sets a connection sends: any count a signed 64-bit counter holds.
    public static let count: ClosedRange<UInt64> = 1...UInt64(Int64.max)

    /// Shards of a sharded run.
    public static let shards: ClosedRange<UInt64> = 1...1_000_000

    /// SO_SNDBUF takes an `int`.
    public static let sendBufferSize = UInt64(Int32.max)

    /// SO_SNDTIMEO counts milliseconds in 32 bits (an `int` on Linux, a DWORD on Windows).
    public static let sendTimeoutMilliseconds = UInt64(Int32.max)
}
