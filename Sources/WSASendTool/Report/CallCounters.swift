import Winsock

/// What one connection's WSASend calls did, counted on the per-call path (plain integers, no locks).
///
/// Each call is counted in exactly one of five buckets, by how WSASend returned:
/// `calls` = `completedImmediately` + `wouldBlock` + `pending` + `failed` + `interrupted`, in every mode and
/// however the run ends. In the overlapped modes a pending call (or one that completed at once) may still
/// complete with an error: that is how it completed, not how the call returned, so its code goes in
/// `completionCodes` only. `partial` is the part of `completedImmediately` that took fewer bytes than
/// offered (a non-blocking socket with little room); would-block and partial are flow control, not
/// failures.
public struct CallCounters: Sendable, Equatable {
    /// WSASend calls made.
    public var calls: UInt64 = 0
    /// Calls that returned 0.
    public var completedImmediately: UInt64 = 0
    /// Calls that returned 0 having taken only part of the buffers; the rest goes in the next call.
    public var partial: UInt64 = 0
    /// Calls that returned SOCKET_ERROR with WSAEWOULDBLOCK.
    public var wouldBlock: UInt64 = 0
    /// Overlapped calls that returned WSA_IO_PENDING (always 0 in the non-overlapped modes).
    public var pending: UInt64 = 0
    /// Calls that returned SOCKET_ERROR with any other code.
    public var failed: UInt64 = 0
    /// Calls cut short because the run was stopping (SIGINT, or a blocked call at the end of --duration).
    public var interrupted: UInt64 = 0
    /// Buffer sets sent whole (what --count counts).
    public var sets: UInt64 = 0
    /// Bytes of the buffer sets the run started to send.
    public var bytesRequested: UInt64 = 0
    /// Bytes the transport accepted, as `*lpNumberOfBytesSent` said (also after a failure part-way).
    public var bytesSent: UInt64 = 0
    /// Every code that WSAGetLastError gave after SOCKET_ERROR.
    public var codes = CodeCounts()
    /// Overlapped calls that were initiated and then completed with an error: their codes (for example
    /// WSA_OPERATION_ABORTED after closesocket). The calls themselves are counted in `pending` or
    /// `completedImmediately`.
    public var completionCodes = CodeCounts()
    /// Of `completionCodes`' WSA_OPERATION_ABORTED, the pending calls the run itself cancelled as it
    /// ended (at the end of `--duration`, on a signal): the run's doing, not a failure.
    public var cancelledByRun: UInt64 = 0

    public init() {}

    /// The sum of the five buckets, which is `calls` when every call was counted once.
    public var bucketTotal: UInt64 { completedImmediately &+ wouldBlock &+ pending &+ failed &+ interrupted }

    public mutating func merge(_ other: CallCounters) {
        calls += other.calls
        completedImmediately += other.completedImmediately
        partial += other.partial
        wouldBlock += other.wouldBlock
        pending += other.pending
        failed += other.failed
        interrupted += other.interrupted
        sets += other.sets
        bytesRequested += other.bytesRequested
        bytesSent += other.bytesSent
        codes.merge(other.codes)
        completionCodes.merge(other.completionCodes)
        cancelledByRun += other.cancelledByRun
    }

    /// Overlapped calls that completed with an error the run did not cause.
    public var completionFailures: UInt64 {
        let all = completionCodes.counts.reduce(0, +)
        return all - min(cancelledByRun, completionCodes.count(of: WSA_OPERATION_ABORTED))
    }
}
