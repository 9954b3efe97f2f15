import Synchronization

/// Ctrl-C for a REPL session: a flag the executable's SIGINT handler raises (one atomic store, safe in a
/// handler) and the session's loops look at between WSASend calls and between the slices of their waits,
/// so that an interrupted `send N` or `wait` returns to the prompt with the socket still open.
public final class ReplInterrupt: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// From the signal handler; true when an interrupt was already raised and not yet taken (a call
    /// that does not come back to look, such as a blocking send the peer does not take).
    @discardableResult
    public func raise() -> Bool { raised.exchange(true, ordering: .acquiringAndReleasing) }

    /// True once, after a raise: the interrupt is taken.
    public func take() -> Bool { raised.exchange(false, ordering: .acquiringAndReleasing) }

    /// Forgets an interrupt that came while nothing was running (the line editor handles those).
    public func clear() { raised.store(false, ordering: .releasing) }

    /// How long a wait sleeps before it looks at the flag again, in milliseconds.
    static let slice: UInt64 = 50
}
