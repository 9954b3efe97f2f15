import Synchronization

/// The one ordered queue that every send on a socket passes through, so that sends reach the transport
/// in call order and the bytes of two calls never interleave, whichever threads make them.
///
/// A non-overlapped send owns the transmitter for the whole call. When the transmitter is busy, a
/// blocking call waits its turn in the queue (alertably), and a non-blocking call gives WSAEWOULDBLOCK.
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
        /// Overlapped operations queued or in flight, for the cap on outstanding sends.
        var overlappedOutstanding = 0
    }

    let state = Mutex(State())

    enum Admission {
        case granted
        case busy
        case closed
        case queued(Ticket)
    }

    /// Takes the transmitter for a non-overlapped send if it is free; otherwise queues a blocking
    /// caller (who then waits for `Ticket.granted`) or refuses a non-blocking one.
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

    /// Gives up a queued place (the socket closed or the call was refused while waiting).
    func withdraw(_ ticket: Ticket) {
        state.withLock { state in
            if ticket.granted.load(ordering: .acquiring) {
                state.transmitter = .idle
                handOver(&state)
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
    func releaseCaller() {
        state.withLock { state in
            state.transmitter = .idle
            if !state.entries.isEmpty { handOver(&state) }
        }
    }

    /// Gives the idle transmitter to whatever heads the queue.
    func handOver(_ state: inout State) {
        guard state.transmitter == .idle, let head = state.entries.first else { return }
        switch head {
        case .caller(let ticket):
            state.entries.removeFirst()
            state.transmitter = .caller
            ticket.granted.store(true, ordering: .releasing)
            ticket.context.wake()
        case .overlapped:
            state.transmitter = .engine
            OverlappedEngine.shared.socketHasWork(self)
        }
    }

    var hasWaitersOrSender: Bool {
        state.withLock { $0.transmitter != .idle || !$0.entries.isEmpty }
    }

    /// closesocket: refuses new sends, cancels queued overlapped operations and wakes queued callers.
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
        OverlappedEngine.shared.cancelAll(on: record, status: WSA_OPERATION_ABORTED)
    }
}
