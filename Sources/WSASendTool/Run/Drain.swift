import Winsock

/// `--drain`: after the last call, waits until the peer has acknowledged every byte of every connection
/// (each send queue empty) or the timeout passes.
///
/// A successful WSASend means the transport took the bytes, nothing more; the drain is how a run learns
/// that they arrived. It polls the send queues every millisecond (the kernel has no event for "queue
/// empty"), and ends at once on SIGINT or when a socket is closed under it.
enum Drain {
    /// How often the send queues are read.
    static let tick: UInt64 = 1_000_000

    static func wait(for sockets: [SOCKET], timeout: UInt64, control: RunControl) -> DrainReport {
        let started = MonotonicClock.now()
        var remaining: UInt64 = 0
        while true {
            remaining = 0
            var readable = true
            for socket in sockets {
                guard let queued = KernelTCP.unacknowledgedBytes(of: socket) else {
                    readable = false
                    break
                }
                remaining += queued
            }
            let waited = MonotonicClock.now() &- started
            if readable && remaining == 0 {
                return DrainReport(timeout: timeout, waited: waited, complete: true, unacknowledgedBytes: 0)
            }
            if !readable || waited >= timeout || control.wasInterrupted {
                return DrainReport(timeout: timeout, waited: waited, complete: false, unacknowledgedBytes: remaining)
            }
            sleepNanoseconds(min(tick, timeout - waited))
        }
    }
}
