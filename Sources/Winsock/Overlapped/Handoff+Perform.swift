/// Acting on what a send queue's transition decided (`Handoff`): the one place where a handoff reaches the
/// engine or a waiting thread. It lives above the pipeline, beside the engine it calls, so that the
/// pipeline stays pure ordering state; the sends (Send/), the flushing threads (`ParkedSends`) and the
/// engine call it.
extension Handoff {
    /// Acts on the handoff for the queue of `record`.
    @inline(__always)
    func perform(for record: SocketRecord) {
        switch self {
        case .none: return
        case .wake(let context): context.waiter.wake()
        case .parked: Self.tellEngine(parked: true, record)
        case .engine: Self.tellEngine(parked: false, record)
        }
    }

    /// The engine's two cases, out of line: they are rare on a caller's path (once per burst of parked
    /// sends, or when the engine must take over), and inlining them into every send's admission made
    /// the blocking WSASend too big to inline its stream loop (callgrind: 216 -> 267 instructions a call).
    @inline(never)
    private static func tellEngine(parked: Bool, _ record: SocketRecord) {
        if parked {
            OverlappedEngine.shared.socketParked(record)
        } else {
            OverlappedEngine.shared.socketHasWork(record)
        }
    }
}

extension SendQueue {
    /// Takes the transmitter for a caller of `record`, as `admitCaller` decides: overlapped sends parked
    /// ahead of it are sent first by this thread, and the handoff is performed.
    @inline(__always)
    func admit(blocking: Bool, context: ThreadContext, record: SocketRecord) -> Admission {
        var (admission, handoff) = admitCaller(blocking: blocking, context: context)
        if case .parkedAhead = admission {
            ParkedSends.flush(record, context: context)
            (admission, handoff) = admitCallerBehindQueue(blocking: blocking, context: context)
        }
        handoff.perform(for: record)
        return admission
    }

    /// Gives the transmitter back after a caller's send, and performs the handoff.
    @inline(__always)
    func release(record: SocketRecord) {
        releaseCaller().perform(for: record)
    }
}
