import Glibc
import Synchronization

/// One overlapped send: a copy of the caller's WSABUF array (as iovecs), where to report, and how far the
/// transport has got.
///
/// The issuing thread fills it in before it enters the socket's queue; from then on only the engine
/// touches it, until `complete` hands it back to the pool. Records are reused, so a steady stream of
/// overlapped sends allocates nothing.
final class OverlappedOperation: @unchecked Sendable {
    /// Unretained: the socket's engine state (or the caller, inline) keeps the record alive while the
    /// operation is pending, and a strong reference here would bounce its count between threads.
    @exclusivity(unchecked) var recordReference: Unmanaged<SocketRecord>?
    var record: SocketRecord? {
        get { recordReference?.takeUnretainedValue() }
        set { recordReference = newValue.map { .passUnretained($0) } }
    }
    @exclusivity(unchecked) var overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?
    /// The event to signal when there is no completion routine. The operation must keep it alive: the
    /// issuing thread's event cache does (its slots keep their events while any record of the thread is
    /// out, see `EventCache`), or, for an event the cache holds only in passing, a retain by hand
    /// (`eventRetained`, released in `clear`).
    @exclusivity(unchecked) private(set) var eventReference: Unmanaged<EventObject>?
    @exclusivity(unchecked) private var eventRetained = false
    @exclusivity(unchecked) var routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
    /// The issuing thread's context, unretained: an operation in flight needs its thread's context (its
    /// pool and APC queue), which the thread's own reference keeps alive while the thread runs, and which
    /// holds itself past the thread's exit until its last record is back (`OperationPool`).
    @exclusivity(unchecked) private(set) var issuerReference: Unmanaged<ThreadContext>?
    /// The issuing thread's context as an identity, to compare without touching its reference count.
    @exclusivity(unchecked) private(set) var issuerIdentity: ObjectIdentifier?

    var issuer: ThreadContext? { issuerReference?.takeUnretainedValue() }

    /// Records the issuing thread, and counts the record out of its pool. Only the issuing thread calls
    /// it, so the count is a plain add.
    @inline(__always)
    func setIssuer(_ context: ThreadContext) {
        context.operationsIssued &+= 1
        issuerReference = .passUnretained(context)
        issuerIdentity = ObjectIdentifier(context)
    }

    /// Keeps the event to signal: retained unless the issuing thread's event cache keeps it (`inSlot`).
    @inline(__always)
    func keep(event: Unmanaged<EventObject>?, inSlot: Bool) {
        eventRetained = event != nil && !inSlot
        eventReference = eventRetained ? event?.retain() : event
    }

    /// Signals the event, if the operation has one.
    @inline(__always)
    func signalEvent() {
        eventReference?._withUnsafeGuaranteedRef { $0.set() }
    }
    /// MSG_NOSIGNAL and the caller's translated flags.
    @exclusivity(unchecked) var linuxFlags: Int32 = 0

    /// The captured buffers ("the Winsock service provider's responsibility to capture the WSABUF
    /// structures before returning from this call").
    @exclusivity(unchecked) private(set) var iov: UnsafeMutablePointer<iovec>
    @exclusivity(unchecked) private(set) var iovCapacity: Int
    @exclusivity(unchecked) private(set) var iovCount = 0
    /// A datagram of more than IOV_MAX buffers, copied whole so that it stays one datagram.
    @exclusivity(unchecked) private var coalesced: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private(set) var total = 0

    /// Bytes the transport has taken.
    @exclusivity(unchecked) private(set) var sent = 0
    /// Where the transport stands in `iov`.
    @exclusivity(unchecked) private var cursor: SendCursor<iovec>
    /// Non-zero when the operation was cancelled (its completion status).
    @exclusivity(unchecked) var cancelStatus: Int32 = 0
    /// A WSASendTo datagram's address (`setDestination`), on the heap for the kernel to read.
    let destination: UnsafeMutablePointer<SendDestination>
    @exclusivity(unchecked) var hasDestination = false

    /// The next record of a thread's stack of returned records (see `OperationPool`).
    @exclusivity(unchecked) fileprivate var nextReturned: UnsafeMutableRawPointer?

    fileprivate init() {
        iovCapacity = 4
        iov = .allocate(capacity: iovCapacity)
        destination = .allocate(capacity: 1)
        destination.initialize(to: SendDestination())
        cursor = SendCursor(buffers: iov, count: 0)
    }

    deinit {
        destination.deallocate()
        iov.deallocate()
        coalesced?.deallocate()
    }

    var remaining: Int { total - sent }
    var isFinished: Bool { sent >= total }

    /// Copies the caller's buffers; empty ones are left out. A datagram of more than IOV_MAX buffers is
    /// copied into one buffer.
    func capture(_ buffers: UnsafePointer<WSABUF>?, count: Int, datagram: Bool) {
        iovCount = 0
        total = 0
        sent = 0
        defer { cursor = SendCursor(buffers: iov, count: iovCount) }
        guard let buffers, count > 0 else { return }
        if datagram && count > ThreadContext.iovecCapacity {
            let copy =
                coalesced
                ?? UnsafeMutableRawPointer.allocate(byteCount: DatagramLimits.scratchCapacity, alignment: 16)
            coalesced = copy
            reserve(1)
            total = SendCursor(buffers: buffers, count: count).copyUnsent(to: copy)
            iov[0] = iovec(iov_base: copy, iov_len: total)
            iovCount = 1
            return
        }
        reserve(count)
        (iovCount, total) = SendCursor.fillWhole(buffers, count: count, into: iov)
    }

    private func reserve(_ needed: Int) {
        guard needed > iovCapacity else { return }
        iov.deallocate()
        iovCapacity = max(needed, iovCapacity * 2)
        iov = .allocate(capacity: iovCapacity)
    }

    /// Writes the unsent part's iovecs into `target` (at most `limit`); returns how many.
    @inline(__always)
    func fillUnsent(_ target: UnsafeMutablePointer<iovec>, limit: Int) -> Int {
        cursor.fillWindow(target, limit: limit).count
    }

    /// Records `bytes` more taken by the transport (at most `remaining`).
    @inline(__always)
    func advance(by bytes: Int) {
        sent += bytes
        // A finished operation's cursor is never read again (the next `capture` resets it): walking it over
        // the last iovecs cost a gathered stream send some 20 instructions an operation (callgrind).
        if sent < total { cursor.advance(by: bytes) }
    }

    /// The number of iovecs still unsent.
    var unsentIovecs: Int { cursor.unsentEntries }

    /// Hands over the issuer (for `give`, which lets the context go after using it).
    fileprivate func takeIssuer() -> Unmanaged<ThreadContext>? {
        defer {
            issuerReference = nil
            issuerIdentity = nil
        }
        return issuerReference
    }

    /// Drops the references the operation holds, for the pool. The issuer went with `takeIssuer`, and the
    /// buffers' fields (count, total, sent, cursor) are set by the next `capture` before anything reads
    /// them: resetting them here too was work on every operation.
    fileprivate func clear() {
        recordReference = nil
        overlapped = nil
        if eventRetained { eventReference?.release() }
        eventReference = nil
        eventRetained = false
        routine = nil
        cancelStatus = 0
        hasDestination = false
    }
}

/// An overlapped operation as the send pipeline passes it around (queues, batches, completion): a
/// pointer with no reference counting. Every operation is owned by the pool of the thread that created
/// it (its `OperationPool`), which outlives the operation's time in the pipeline, since an
/// operation in flight holds its issuing thread's context. Moving operations between queues this way
/// costs no atomic reference-count traffic, which was a third of the per-call time of an overlapped send.
struct OperationRef: Equatable, @unchecked Sendable {
    let unmanaged: Unmanaged<OverlappedOperation>

    @inline(__always)
    init(_ operation: OverlappedOperation) { unmanaged = .passUnretained(operation) }

    /// The operation, borrowed for the duration of `body`.
    @inline(__always)
    func with<Result>(_ body: (OverlappedOperation) throws -> Result) rethrows -> Result {
        try unmanaged._withUnsafeGuaranteedRef(body)
    }

    static func == (a: OperationRef, b: OperationRef) -> Bool { a.unmanaged.toOpaque() == b.unmanaged.toOpaque() }
}

/// Recycles operation records per thread, without a lock in the steady state.
///
/// A thread takes records from its own free list; the engine hands a completed record back by pushing it
/// onto its issuing thread's stack of returned records (a compare-and-swap), and the thread takes that
/// whole stack at once (an exchange) when its own list runs dry. Take-all has no ABA problem, so the
/// stack needs no tags. The pool owns every record its thread created (see `OperationRef`).
///
/// It also counts the records out, so that the thread's exit cancels its pending operations and its
/// non-overlapped sends wait alertably while any is pending, and so that the context outlives its thread
/// until its last record is back. Three counts, so that the common case takes no locked instruction: the
/// records issued and those given back on the issuing thread itself are plain counts of that thread's;
/// only a record given back by another thread (the engine's completions and cancellations) counts with
/// an atomic add. The two locked instructions an operation of one atomic count were about a fifth of an
/// overlapped send's locked instructions (callgrind, event mode 1x64 with 64 outstanding).
struct OperationPool: ThreadContextPart {
    let unmanagedContext: Unmanaged<ThreadContext>

    /// A record for this thread's next overlapped send: a free one, one the engine handed back, or a new
    /// one.
    func take() -> OperationRef {
        withContext { context in
            if let reused = context.freeOperations.removeFirst() { return reused }
            var raw = UnsafeMutableRawPointer(
                bitPattern: context.returnedOperations.exchange(0, ordering: .acquiring))
            while let current = raw {
                let reference = OperationRef(
                    Unmanaged<OverlappedOperation>.fromOpaque(current).takeUnretainedValue())
                raw = reference.with { operation in
                    defer { operation.nextReturned = nil }
                    return operation.nextReturned
                }
                context.freeOperations.append(reference)
            }
            if let returned = context.freeOperations.removeFirst() { return returned }
            let created = OverlappedOperation()
            context.operations.append(created)
            return OperationRef(created)
        }
    }

    /// Records of this thread out in the send pipeline (from `setIssuer` to `give`), read on this thread;
    /// `acquiring` orders the read of those given back from elsewhere.
    @inline(__always)
    private func recordsOut(acquiring: Bool) -> Int {
        withContext { context in
            let elsewhere =
                acquiring
                ? context.operationsBackFromElsewhere.load(ordering: .acquiring)
                : context.operationsBackFromElsewhere.load(ordering: .relaxed)
            return context.operationsIssued &- context.operationsBackHere &- elsewhere
        }
    }

    /// Some operation this thread issued is still pending: a relaxed read, for this thread's own sends
    /// (a stale answer counts a record back late, which costs one alertable wait that finds nothing).
    ///
    /// A record goes out when its operation is issued and comes back right after the operation completes
    /// or fails to start, so the one count serves both. A separate pending count moved by the same
    /// operations cost every overlapped send more locked instructions; an operation now counts as pending
    /// until its record is back, a few instructions after its completion, which at worst makes one wait
    /// alertable that need not be.
    @inline(__always)
    var hasPending: Bool { recordsOut(acquiring: false) > 0 }

    /// `hasPending` read with acquiring order, for the thread-exit hook deciding whether the engine must
    /// cancel this thread's operations (one it finds completing meanwhile leaves nothing to cancel).
    var hasPendingAcquiring: Bool { recordsOut(acquiring: true) > 0 }

    /// At the thread's exit, after the exit hooks: the context holds itself until the records still out
    /// are back. Those can only come back from other threads now, so their count is taken off the atomic
    /// count of records given back from elsewhere: it is zero when they are all back already (the hold
    /// goes at once), and the `give` that brings it back to zero lets the context go. Before this, that
    /// count only grows from zero, so no `give` can mistake itself for the last.
    func holdUntilRecordsReturn() {
        withContext { context in
            let outstanding = context.operationsIssued &- context.operationsBackHere
            let hold = Unmanaged.passRetained(context)
            let left = context.operationsBackFromElsewhere.wrappingSubtract(
                outstanding, ordering: .acquiringAndReleasing
            ).newValue
            if left == 0 { hold.release() }
        }
    }

    /// Returns a completed record to its issuing thread; `onIssuingThread` when the caller is that thread.
    static func give(_ reference: OperationRef, onIssuingThread: Bool) {
        reference.with { operation in
            guard let homeReference = operation.takeIssuer() else { return }
            operation.clear()
            if onIssuingThread {
                homeReference._withUnsafeGuaranteedRef { home in
                    home.freeOperations.append(reference)
                    home.operationsBackHere &+= 1
                }
                return
            }
            let left = homeReference._withUnsafeGuaranteedRef { home in
                let raw = reference.unmanaged.toOpaque()
                var head = home.returnedOperations.load(ordering: .relaxed)
                while true {
                    operation.nextReturned = UnsafeMutableRawPointer(bitPattern: head)
                    let (exchanged, current) = home.returnedOperations.compareExchange(
                        expected: head, desired: UInt(bitPattern: raw), ordering: .releasing)
                    if exchanged { break }
                    head = current
                }
                return home.operationsBackFromElsewhere.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
            }
            // The thread has exited and this was its last record out (`holdUntilRecordsReturn`): nothing
            // touches the context after this.
            if left == 0 { homeReference.release() }
        }
    }
}

extension ThreadContext {
    /// This thread's operation pool.
    @inline(__always)
    var operationPool: OperationPool { OperationPool(unmanagedContext: .passUnretained(self)) }
}
