import Synchronization

/// The one ordered queue that every send on a socket passes through, so that sends reach the transport
/// in call order and the bytes of two calls never interleave, whichever threads make them.
///
/// One transmitter at a time: a non-overlapped send owns it for the whole call; the engine owns it while
/// it has overlapped operations of the socket. When the transmitter is busy, a blocking non-overlapped
/// call waits its turn in the queue (alertably), a non-blocking one gives WSAEWOULDBLOCK, and an
/// overlapped one is queued for the engine.
final class SendQueue: Sendable {
    /// Who is transmitting on the socket now.
    enum Transmitter: Sendable { case idle, caller, engine }

    /// A blocked caller's place in the queue.
    final class Ticket: Sendable {
        let context: ThreadContext
        let granted = Atomic<Bool>(false)
        init(context: ThreadContext) { self.context = context }
    }

    enum Entry: @unchecked Sendable {
        case caller(Ticket)
        case overlapped(OverlappedOperation)
    }

    struct State {
        var transmitter = Transmitter.idle
        var entries = RingBuffer<Entry>()
        var closed = false
    }

    private let state = Locked(State())

    enum Admission {
        case granted
        case busy
        case closed
        case queued(Ticket)
    }

    /// Takes the transmitter for a non-overlapped send (or an inline overlapped attempt) if it is free;
    /// otherwise queues a blocking caller (who then waits for `Ticket.granted`) or refuses.
    @inline(__always)
    func admitCaller(blocking: Bool, context: ThreadContext) -> Admission {
        state.withLock { state in
            if state.closed { return .closed }
            if state.transmitter == .idle && state.entries.isEmpty {
                state.transmitter = .caller
                return .granted
            }
            guard blocking else { return .busy }
            _ = context.wakeFD  // created before another thread may signal it
            let ticket = Ticket(context: context)
            state.entries.append(.caller(ticket))
            return .queued(ticket)
        }
    }

    /// Gives up a queued place (the socket closed while the caller waited).
    func withdraw(_ ticket: Ticket, record: SocketRecord) {
        state.withLock { state in
            if ticket.granted.load(ordering: .acquiring) {
                state.transmitter = .idle
                handOver(&state, record: record)
            } else {
                _ = state.entries.removeAll { entry in
                    if case .caller(let other) = entry { return other === ticket }
                    return false
                }
            }
        }
    }

    /// Ends a non-overlapped send: the next caller or the engine gets the transmitter.
    @inline(__always)
    func releaseCaller(record: SocketRecord) {
        state.withLock { state in
            state.transmitter = .idle
            if !state.entries.isEmpty { handOver(&state, record: record) }
        }
    }

    /// Ends an inline overlapped attempt that left `operation` unfinished: it goes first in line, and the
    /// engine takes the transmitter.
    func releaseCaller(record: SocketRecord, leaving operation: OverlappedOperation) {
        state.withLock { state in
            state.transmitter = .engine
            var rest: [Entry] = []
            while let entry = state.entries.removeFirst() { rest.append(entry) }
            state.entries.append(.overlapped(operation))
            for entry in rest { state.entries.append(entry) }
        }
        OverlappedEngine.shared.socketHasWork(record)
    }

    /// Queues an overlapped operation behind everything before it. False when the socket is closed.
    func appendOverlapped(_ operation: OverlappedOperation, record: SocketRecord) -> Bool {
        let needsEngine: Bool? = state.withLock { state in
            if state.closed { return nil }
            state.entries.append(.overlapped(operation))
            guard state.transmitter == .idle else { return false }
            state.transmitter = .engine
            return true
        }
        guard let needsEngine else { return false }
        if needsEngine { OverlappedEngine.shared.socketHasWork(record) }
        return true
    }

    /// The engine takes the overlapped operations at the head of the queue, up to the first waiting
    /// caller. When it then holds none, it gives the transmitter back (to that caller, if one waits).
    func takeOverlapped(into operations: inout RingBuffer<OverlappedOperation>, record: SocketRecord) {
        state.withLock { state in
            // Only while the engine holds the transmitter: a caller may be sending right now.
            guard state.transmitter == .engine else { return }
            while case .overlapped(let operation)? = state.entries.first {
                state.entries.removeFirst()
                operations.append(operation)
            }
            if operations.isEmpty && state.transmitter == .engine {
                state.transmitter = .idle
                handOver(&state, record: record)
            }
        }
    }

    /// Removes the queued overlapped operations that `matches` selects (for cancellation).
    func removeOverlapped(where matches: (OverlappedOperation) -> Bool) -> [OverlappedOperation] {
        state.withLock { state in
            state.entries.removeAll { entry in
                if case .overlapped(let operation) = entry { return matches(operation) }
                return false
            }
        }.compactMap { entry in
            if case .overlapped(let operation) = entry { return operation }
            return nil
        }
    }

    /// Gives the idle transmitter to whatever heads the queue.
    private func handOver(_ state: inout State, record: SocketRecord) {
        guard state.transmitter == .idle, let head = state.entries.first else { return }
        switch head {
        case .caller(let ticket):
            state.entries.removeFirst()
            state.transmitter = .caller
            ticket.granted.store(true, ordering: .releasing)
            ticket.context.wake()
        case .overlapped:
            state.transmitter = .engine
            OverlappedEngine.shared.socketHasWork(record)
        }
    }

    /// True when a thread is inside a non-overlapped send or waits for its turn (closesocket must wake
    /// it); the engine's own transmissions are cancelled through the engine instead.
    var hasBlockedCallers: Bool {
        state.withLock { state in
            if state.transmitter == .caller { return true }
            for index in 0..<state.entries.count {
                if case .caller = state.entries[index] { return true }
            }
            return false
        }
    }

    /// closesocket: refuses new sends, cancels the pending overlapped ones (WSA_OPERATION_ABORTED) and
    /// wakes queued callers, who then fail with WSAEINTR.
    func socketClosed(_ record: SocketRecord) {
        let woken: [Ticket] = state.withLock { state in
            state.closed = true
            var tickets: [Ticket] = []
            for index in 0..<state.entries.count {
                if case .caller(let ticket) = state.entries[index] { tickets.append(ticket) }
            }
            return tickets
        }
        for ticket in woken { ticket.context.wake() }
        OverlappedEngine.cancelAll(on: record, status: WSA_OPERATION_ABORTED, forget: true)
    }
}
