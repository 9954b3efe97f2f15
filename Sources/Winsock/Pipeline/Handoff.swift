/// What a transition of a socket's send queue leaves to do once the queue's lock is released: the
/// queue decides, and whoever made the transition (a send, a flushing thread, the engine) acts, with
/// `perform(for:)` (Overlapped/Handoff+Perform.swift): this layer never calls the engine.
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
