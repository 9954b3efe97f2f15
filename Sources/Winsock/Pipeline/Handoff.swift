/// What a transition of a socket's send queue leaves to do once the queue's lock is released: the
/// queue decides, and whoever made the transition (a send, a flushing thread, the engine) acts.
enum Handoff {
    /// Nothing: the transmitter stayed where it was, or went idle with nobody waiting.
    case none
    /// A queued caller was given the transmitter: wake its thread.
    case wake(ThreadContext)
    /// Overlapped sends wait with nobody transmitting: the engine takes them over after its grace
    /// period, unless a waiting thread sends them first.
    case parked
    /// The engine holds the transmitter: it must transmit.
    case engine

    /// Acts on the handoff for the queue of `record`.
    @inline(__always)
    func perform(for record: SocketRecord) {
        switch self {
        case .none: return
        case .wake(let context): context.wake()
        case .parked: OverlappedEngine.shared.socketParked(record)
        case .engine: OverlappedEngine.shared.socketHasWork(record)
        }
    }
}

extension Handoff: Equatable {
    static func == (a: Handoff, b: Handoff) -> Bool {
        switch (a, b) {
        case (.none, .none), (.parked, .parked), (.engine, .engine): true
        case (.wake(let first), .wake(let second)): first === second
        default: false
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
