import Winsock

/// `sink --idle`: the sink ends once no byte has arrived for the idle time, after the first one.
///
/// The reading threads decide it, when a wait of theirs finds nothing to read, not a clock alone: a sink
/// that was stalled (stopped with Ctrl-Z, starved of CPU) while bytes kept arriving has not been idle,
/// and after the stall its wait finds those bytes ready. A watcher thread that compared its clock with the
/// last byte read stopped such a sink with the bytes still in its sockets, and the closes reset the
/// connections under the sender.
struct SinkIdle: Sendable {
    /// The idle time in nanoseconds; nil without `--idle`.
    let idle: UInt64?
    let ledger: SinkLedger
    let control: RunControl

    /// True when bytes have arrived and none for `idle` nanoseconds. A receiving thread may store a time
    /// later than the `now` this thread read a moment before: that is activity, not a wrapped-around
    /// idle time (which once ended sinks in the middle of a transfer, resetting every connection).
    static func isIdle(now: UInt64, lastActivity: UInt64, idle: UInt64) -> Bool {
        lastActivity != 0 && now > lastActivity && now - lastActivity >= idle
    }

    /// Called after a wait that found nothing ready: stops the sink if the idle time is over; true then.
    @discardableResult
    func nothingReady() -> Bool {
        guard let idle else { return false }
        let last = ledger.lastActivity.load(ordering: .relaxed)
        guard Self.isIdle(now: MonotonicClock.now(), lastActivity: last, idle: idle) else { return false }
        control.requestStop()
        return true
    }

    /// Waits until `socket` is ready for `events`: true then; false when the sink stops (a signal, or
    /// the idle time over). With `--idle` it waits a slice at a time and looks at the idle time between.
    func wait(_ socket: SOCKET, for events: Int16) -> Bool {
        while true {
            let slice = idle.map { _ in MonotonicClock.now() &+ UInt64(SocketOptions.waitSlice) &* 1_000_000 }
            switch SocketOptions.wait(socket, for: events, until: slice, control: control) {
            case .ready: return true
            case .stopped: return false
            case .timedOut: if nothingReady() { return false }
            }
        }
    }
}
