import Locking
import Synchronization

/// The one ordered queue that every send on a socket passes through, so that sends reach the transport
/// in call order and the bytes of two calls never interleave, whichever threads make them.
///
/// One transmitter at a time: a non-overlapped send owns it for the whole call; the engine, or a thread
/// flushing its parked sends, owns it while it writes the socket's overlapped operations. When the
/// transmitter is busy, a blocking non-overlapped call waits its turn in the queue (alertably), a
/// non-blocking one gives WSAEWOULDBLOCK, and an overlapped one is queued behind.
///
/// Overlapped operations queued on an idle socket are *parked*: nobody transmits them yet. The thread
/// that queued them sends them itself when it next waits (`ParkedSends`), so that a burst of calls
/// becomes one sendmsg on that thread with no hand-off to another; the engine takes over a parked
/// socket nobody flushed within a short grace period, so sends complete whether or not the
/// application waits.
///
/// The uncontended case takes no lock: the transmitter, "entries waiting" and "closed" live in one
/// atomic word, and a caller takes an idle transmitter (and gives it back when nobody waits) with one
/// compare-and-swap. Whenever entries wait, the word's transmitter changes only under the lock; once the
/// socket is closed, the fast paths' compare-and-swap fails on the closed bit and they take the lock too.
///
/// The lock and the queue itself exist only once the socket first has to queue (`entries`): most sockets
/// never do (an uncontended send takes the transmitter with the atomic word alone), and their four heap
/// blocks (lock, mutex, ring and its storage, about 190 bytes with malloc's rounding) were an eighth of
/// what a connection of a 10,000-connection run cost.
///
/// The queue is ordering state and nothing else: it never wakes a thread, calls the engine or sends.
/// Each transition returns what has to happen next (a `Handoff`), and the caller (a send, a flushing
/// thread, the engine) performs it once the queue's lock is released (SendQueueTests script them).
final class SendQueue: Sendable {
    /// Who is transmitting on the socket now.
    enum Transmitter: UInt8, Sendable {
        case idle = 0
        case caller = 1
        case engine = 2
        /// Overlapped operations wait with nobody transmitting them: the first waiting thread or the
        /// engine claims them.
        case parked = 3
    }

    /// A blocked caller's place in the queue.
    final class Ticket: Sendable {
        let context: ThreadContext
        let granted = Atomic<Bool>(false)
        init(context: ThreadContext) { self.context = context }
    }

    enum Entry: @unchecked Sendable {
        case caller(Ticket)
        case overlapped(OperationRef)
    }

    private struct Entries {
        /// Two places to start: a busy socket grows the ring once to its high-water mark, so a small
        /// start costs each call nothing.
        let queue = RingBuffer<Entry>(capacity: 2)
    }

    /// The queue under its lock, made by the first caller that needs it (`withQueue`).
    private let lazyEntries = Atomic<Unmanaged<Locked<Entries>>?>(nil)

    /// Runs `body` on the queue under its lock, making the queue now if nobody has yet. The queue is
    /// borrowed without a reference count (it lives as long as the send queue).
    ///
    /// Sequentially consistent, as `socketClosed` reads the reference: a queue made after closesocket
    /// looked (and found none) sees the closed bit under its lock, and one made before is found and
    /// searched for waiting callers.
    @inline(__always)
    private func withQueue<Result>(_ body: (inout Entries) -> Result) -> Result {
        queue()._withUnsafeGuaranteedRef { $0.withLock(body) }
    }

    /// The queue, made now if nobody has yet. Out of line: inlined into every user, the check made the
    /// overlapped send's body too big for the compiler to inline it into WSASend's (callgrind, release,
    /// event mode 1x64 with 64 outstanding: 530 instructions a WSASend against 520).
    @inline(never)
    private func queue() -> Unmanaged<Locked<Entries>> {
        lazyEntries.load(ordering: .sequentiallyConsistent) ?? makeQueue()
    }

    /// Like `withQueue`, but nil, and no queue made, when none was made yet.
    @inline(__always)
    private func withExistingQueue<Result>(_ body: (inout Entries) -> Result) -> Result? {
        guard let entries = lazyEntries.load(ordering: .sequentiallyConsistent) else { return nil }
        return entries._withUnsafeGuaranteedRef { $0.withLock(body) }
    }

    @inline(never)
    private func makeQueue() -> Unmanaged<Locked<Entries>> {
        let made = Unmanaged.passRetained(Locked(Entries()))
        let (exchanged, original) = lazyEntries.compareExchange(
            expected: nil, desired: made, ordering: .sequentiallyConsistent)
        if exchanged { return made }
        made.release()
        // Another thread made it first; a queue once made stays until the socket's record goes.
        return original.unsafelyUnwrapped
    }

    /// True once closesocket ran: set in the word (so that a queue made later sees it) before the queue,
    /// if there is one, is searched for waiting callers.
    private var isClosed: Bool { word.load(ordering: .sequentiallyConsistent) & Self.closedBit != 0 }

    deinit { lazyEntries.load(ordering: .acquiring)?.release() }
    /// Bits 0-1: the transmitter; bit 2: entries wait; bit 3: closed.
    private let word = Atomic<UInt8>(0)
    private static let waitingBit: UInt8 = 4
    private static let closedBit: UInt8 = 8

    private static func transmitter(_ word: UInt8) -> Transmitter { Transmitter(rawValue: word & 3) ?? .idle }

    /// Sets the transmitter, keeping the other bits; a compare-and-swap loop because, while no entries
    /// wait, a caller's fast path may change the word at the same time. Returns the previous one.
    @discardableResult
    private func setTransmitter(_ new: Transmitter, if condition: (Transmitter) -> Bool = { _ in true }) -> Transmitter
    {
        var old = word.load(ordering: .acquiring)
        while true {
            let current = Self.transmitter(old)
            guard condition(current) else { return current }
            let (exchanged, original) = word.compareExchange(
                expected: old, desired: (old & ~3) | new.rawValue, ordering: .acquiringAndReleasing)
            if exchanged { return current }
            old = original
        }
    }

    /// Mirrors "entries wait" into the word after the queue changed (under the lock); a parked socket
    /// whose queue emptied (its sends cancelled) is idle again.
    ///
    /// The bit changes only here, under the lock (the fast paths' compare-and-swaps keep it), so a plain
    /// load tells whether it already says the right thing: an operation queued behind others finds it
    /// set and makes no locked instruction (callgrind, event mode 1x64 with 64 outstanding: one locked
    /// `or` an operation before).
    private func syncWaiting(_ state: Entries) {
        let waiting = word.load(ordering: .relaxed) & Self.waitingBit != 0
        if state.queue.isEmpty {
            if waiting { word.bitwiseAnd(~Self.waitingBit, ordering: .acquiringAndReleasing) }
            setTransmitter(.idle, if: { $0 == .parked })
        } else if !waiting {
            word.bitwiseOr(Self.waitingBit, ordering: .acquiringAndReleasing)
        }
    }

    /// The transmitter now (for the parked check of waits, and tests).
    var transmitter: Transmitter { Self.transmitter(word.load(ordering: .acquiring)) }

    /// Takes a parked socket's transmitter for `holder` (a flushing caller or the engine); false when
    /// someone else took it first or nothing is parked.
    func claimParked(as holder: Transmitter) -> Bool {
        setTransmitter(holder, if: { $0 == .parked }) == .parked
    }

    enum Admission {
        case granted
        case busy
        case closed
        case queued(Ticket)
        /// Overlapped sends are parked ahead of the caller: it flushes them (`ParkedSends`), then asks
        /// again with `admitCallerBehindQueue`.
        case parkedAhead
    }

    /// Takes the transmitter for a non-overlapped send (or an inline overlapped attempt) if it is free;
    /// otherwise says that parked sends go first, or queues a blocking caller (who then waits for
    /// `Ticket.granted`), or refuses.
    @inline(__always)
    func admitCaller(blocking: Bool, context: ThreadContext) -> (Admission, Handoff) {
        if word.compareExchange(expected: 0, desired: Transmitter.caller.rawValue, ordering: .acquiringAndReleasing)
            .exchanged
        {
            return (.granted, .none)
        }
        // Overlapped sends parked ahead of this call go first: the caller sends them itself.
        if transmitter == .parked { return (.parkedAhead, .none) }
        return admitCallerBehindQueue(blocking: blocking, context: context)
    }

    /// Admission under the lock, once nothing parked is ahead of the caller (or it was flushed).
    @inline(never)
    func admitCallerBehindQueue(blocking: Bool, context: ThreadContext) -> (Admission, Handoff) {
        withQueue { state in
            if isClosed { return (.closed, .none) }
            if state.queue.isEmpty && setTransmitter(.caller, if: { $0 == .idle }) == .idle { return (.granted, .none) }
            guard blocking else { return (.busy, .none) }
            context.waiter.wakeFD()  // created before another thread may signal it
            let ticket = Ticket(context: context)
            state.queue.append(.caller(ticket))
            syncWaiting(state)
            return (.queued(ticket), settle(&state))
        }
    }

    /// After the queue changed under the lock: a transmitter that went idle meanwhile (a caller's
    /// lock-free release that ran before "entries wait" was set) passes to the head of the queue. Once
    /// that bit is set, only lock holders change the transmitter, so nothing can slip between the two.
    private func settle(_ state: inout Entries) -> Handoff {
        Self.transmitter(word.load(ordering: .acquiring)) == .idle ? handOver(&state) : .none
    }

    /// Gives up a queued place (the socket closed while the caller waited).
    func withdraw(_ ticket: Ticket) -> Handoff {
        withQueue { state in
            if ticket.granted.load(ordering: .acquiring) {
                setTransmitter(.idle)
                return handOver(&state)
            }
            _ = state.queue.removeAll { entry in
                if case .caller(let other) = entry { return other === ticket }
                return false
            }
            syncWaiting(state)
            return settle(&state)
        }
    }

    /// Ends a non-overlapped send: the next caller or the engine gets the transmitter.
    @inline(__always)
    func releaseCaller() -> Handoff {
        if word.compareExchange(expected: Transmitter.caller.rawValue, desired: 0, ordering: .acquiringAndReleasing)
            .exchanged
        {
            return .none
        }
        return releaseCallerUnderLock()
    }

    /// `releaseCaller` when entries wait or the socket is closed. Out of line, as is `admitCaller`'s
    /// `admitCallerBehindQueue`: the non-overlapped send's fast path then holds only the two
    /// compare-and-swaps.
    @inline(never)
    private func releaseCallerUnderLock() -> Handoff {
        withQueue { state in
            setTransmitter(.idle)
            return handOver(&state)
        }
    }

    /// Ends an inline overlapped attempt that left `operation` unfinished: it goes first in line, and the
    /// engine takes the transmitter.
    func releaseCaller(leaving operation: OperationRef) -> Handoff {
        withQueue { state in
            var rest: [Entry] = []
            while let entry = state.queue.removeFirst() { rest.append(entry) }
            state.queue.append(.overlapped(operation))
            for entry in rest { state.queue.append(entry) }
            syncWaiting(state)
            setTransmitter(.engine)
        }
        return .engine
    }

    enum Appended { case closed, queued, parked }

    /// Queues an overlapped operation behind everything before it. On an idle socket the operation is
    /// parked: the caller records the socket for its next wait and tells the engine (`Handoff.parked`),
    /// so that it can take over after the grace period.
    func appendOverlapped(_ operation: OperationRef) -> Appended {
        withQueue { state in
            if isClosed { return .closed }
            state.queue.append(.overlapped(operation))
            syncWaiting(state)
            return setTransmitter(.parked, if: { $0 == .idle }) == .idle ? .parked : .queued
        }
    }

    /// A flushing caller that could not send everything (the send buffer is full) hands the rest to the
    /// engine, first in line.
    func giveToEngine(_ operations: RingBuffer<OperationRef>) -> Handoff {
        withQueue { state in
            var rest: [Entry] = []
            while let entry = state.queue.removeFirst() { rest.append(entry) }
            while let operation = operations.removeFirst() { state.queue.append(.overlapped(operation)) }
            for entry in rest { state.queue.append(entry) }
            syncWaiting(state)
            setTransmitter(.engine)
        }
        return .engine
    }

    /// The engine takes the overlapped operations at the head of the queue, up to the first waiting
    /// caller. When it then holds none, it gives the transmitter back (to that caller, if one waits).
    ///
    /// `holder` is who takes them: the engine, or a caller flushing parked sends (which gives the
    /// transmitter back itself, with `releaseCaller`).
    func takeOverlapped(into operations: RingBuffer<OperationRef>, holder: Transmitter = .engine) -> Handoff {
        // Another holder sends now (checked again under the lock): no queue needs to be made for that, as
        // the engine's first look at each socket would otherwise make one.
        guard transmitter == holder else { return .none }
        return withQueue { state in
            // Only while the taker holds the transmitter: another thread may be sending right now.
            guard Self.transmitter(word.load(ordering: .acquiring)) == holder else { return .none }
            while case .overlapped(let operation)? = state.queue.first {
                state.queue.removeFirst()
                operations.append(operation)
            }
            syncWaiting(state)
            guard operations.isEmpty && holder == .engine else { return .none }
            setTransmitter(.idle)
            return handOver(&state)
        }
    }

    /// Removes the queued overlapped operations that `matches` selects (for cancellation).
    func removeOverlapped(where matches: (OverlappedOperation) -> Bool) -> (removed: [OperationRef], then: Handoff) {
        // A socket that never queued has nothing to remove, and nothing is parked on it (parking queues).
        let taken = withExistingQueue { state in
            let removed = state.queue.removeAll { entry in
                if case .overlapped(let operation) = entry { return operation.with(matches) }
                return false
            }
            syncWaiting(state)
            return (removed, settle(&state))
        }
        guard let (removed, handoff) = taken else { return ([], .none) }
        let operations = removed.compactMap { entry -> OperationRef? in
            if case .overlapped(let operation) = entry { return operation }
            return nil
        }
        return (operations, handoff)
    }

    /// Gives the idle transmitter to whatever heads the queue (under the lock), and says who must hear.
    private func handOver(_ state: inout Entries) -> Handoff {
        guard let head = state.queue.first else { return .none }
        switch head {
        case .caller(let ticket):
            guard setTransmitter(.caller, if: { $0 == .idle }) == .idle else { return .none }
            state.queue.removeFirst()
            syncWaiting(state)
            ticket.granted.store(true, ordering: .releasing)
            return .wake(ticket.context)
        case .overlapped:
            // Parked for whoever waits next, or the engine after the grace period.
            guard setTransmitter(.parked, if: { $0 == .idle }) == .idle else { return .none }
            return .parked
        }
    }

    /// True when a thread is inside a non-overlapped send or waits for its turn (closesocket must wake
    /// it); the engine's own transmissions are cancelled through the engine instead.
    var hasBlockedCallers: Bool {
        let blocked = withExistingQueue { state in
            if Self.transmitter(word.load(ordering: .acquiring)) == .caller { return true }
            for index in 0..<state.queue.count {
                if case .caller = state.queue[index] { return true }
            }
            return false
        }
        return blocked ?? (transmitter == .caller)
    }

    /// True when nothing transmits, nothing waits and the socket is open: one load, no compare-and-swap.
    /// Every send made before this moment (on this thread, or on another that this thread has synchronized
    /// with since) is in the transport then, so a datagram that can go out at once is sent without taking
    /// the transmitter (`sendDatagramAroundQueue`, `sendOverlappedDatagram`); a send of another thread that
    /// starts meanwhile is concurrent with it, unordered on Windows too.
    @inline(__always)
    var isIdle: Bool { word.load(ordering: .acquiring) == 0 }

    /// True when anything transmits or waits (for tests and diagnostics).
    var isBusy: Bool { word.load(ordering: .acquiring) & (3 | Self.waitingBit) != 0 }

    /// True once some caller needed the lock and the queue (for tests and diagnostics).
    var hasQueue: Bool { lazyEntries.load(ordering: .sequentiallyConsistent) != nil }

    /// How many entries wait in the queue (for tests and diagnostics).
    var waitingCount: Int { withExistingQueue { $0.queue.count } ?? 0 }

    /// closesocket: refuses new sends. Returns the queued callers, whom the caller wakes (they then fail
    /// with WSAEINTR); the pending overlapped sends are the engine's to cancel.
    func socketClosed() -> [Ticket] {
        word.bitwiseOr(Self.closedBit, ordering: .sequentiallyConsistent)
        let tickets = withExistingQueue { state in
            var tickets: [Ticket] = []
            for index in 0..<state.queue.count {
                if case .caller(let ticket) = state.queue[index] { tickets.append(ticket) }
            }
            return tickets
        }
        return tickets ?? []
    }
}
