import Synchronization

/// A manual-reset event: what a WSAEVENT handle points to.
///
/// Signalled state is an atomic so that a wait on an already-signalled event takes no lock; threads that
/// must block register themselves and are woken through their wake descriptors.
final class EventObject: Sendable {
    private let signalled = Atomic<Bool>(false)
    /// WSACloseEvent ran: thread caches that still hold the object must not hand it out.
    let closed = Atomic<Bool>(false)
    private let waiters = WaitingThreads()

    var isSignalled: Bool { signalled.load(ordering: .sequentiallyConsistent) }

    /// Signals the event. An event that is already signalled is left as it is, with a load instead of a
    /// locked exchange: no thread can be asleep on it, since a thread sleeps only after it registered and
    /// then saw the event reset, and the `set` that signalled it afterwards reads the registrations (see
    /// `WaitingThreads`) and wakes it. A datagram completed inside each WSASend sets an event that its
    /// previous completion left signalled.
    @inline(__always)
    func set() {
        if signalled.load(ordering: .sequentiallyConsistent) { return }
        signalled.store(true, ordering: .sequentiallyConsistent)
        waiters.wakeAll()
    }

    /// WSAResetEvent: a sequentially consistent store, as the application may order it against its own
    /// flags in either direction.
    func reset() {
        signalled.store(false, ordering: .sequentiallyConsistent)
    }

    /// The reset of an overlapped send as it starts ("hEvent is reset when the operation starts"): a plain
    /// store (releasing) instead of a locked exchange, one an operation. Only the operation's completion
    /// has to see it, before its `set` reads the state, and it does: the completion runs on this thread,
    /// or on one that took the operation through the socket's queue lock after this store.
    @inline(__always)
    func resetAsOperationStarts() {
        signalled.store(false, ordering: .releasing)
    }

    /// Registers a thread to be woken by `set`; the caller re-checks the state afterwards.
    func addWaiter(_ context: ThreadContext) { waiters.add(context) }

    func removeWaiter(_ context: ThreadContext) { waiters.remove(context) }
}

/// The table of live event handles, so that a stale or invalid WSAEVENT gives WSA_INVALID_HANDLE instead
/// of touching freed memory. A WSAEVENT is a table handle in pointer form. Lookups go through the calling
/// thread's `EventCache` first.
enum EventTable {
    fileprivate static let table = HandleTable<EventObject>()

    /// A new event's handle, or nil when the table is full.
    static func insert(_ event: EventObject) -> WSAEVENT {
        guard let handle = table.insert({ _ in event })?.handle else { return nil }
        return UnsafeMutableRawPointer(bitPattern: handle)
    }

    @inline(__always)
    static func lookup(_ handle: WSAEVENT) -> EventObject? {
        lookupUnretained(handle)?.takeUnretainedValue()
    }

    /// The event without a retain: the calling thread's cache holds it until the thread's next lookup of
    /// another handle (in the same cache slot, or one whose slot is kept), so use it before looking up
    /// another event.
    @inline(__always)
    static func lookupUnretained(_ handle: WSAEVENT) -> Unmanaged<EventObject>? {
        guard let handle else { return nil }
        return ThreadContext.withCurrent { $0.handleCaches.event(UInt(bitPattern: handle)) }
    }

    static func remove(_ handle: WSAEVENT) -> EventObject? {
        guard let handle, let event = table.remove(UInt(bitPattern: handle)) else { return nil }
        event.closed.store(true, ordering: .releasing)
        return event
    }
}

/// A thread's direct-mapped cache of the event handles it used last, so that the lookups of a steady
/// stream of overlapped sends (WSASend's hEvent, the wait that follows) take no lock. An entry holds its
/// event; a closed event is never handed out, and a handle reused for a new event differs in its
/// generation bits, so a stale entry cannot match.
///
/// The slots also keep the events of this thread's pending overlapped sends alive, so that an operation
/// needs no reference count of its own on its event (a retain as it starts and a release as it ends, two
/// locked instructions and some 40 instructions an operation, 7 % of an event-mode run's time in perf):
/// a slot is never given another event while any operation this thread issued is still out, whatever
/// the application closes meanwhile. A lookup that finds its slot kept so holds the event it found in a
/// spare place instead, and an operation on that event retains it as before.
final class EventCache {
    private static let size = 64
    private let handles: UnsafeMutablePointer<UInt>
    private let objects: UnsafeMutablePointer<Unmanaged<EventObject>?>
    /// The event of the last lookup whose slot was kept (see above), held until the next such lookup.
    private var spareHandle: UInt = 0
    private var spare: Unmanaged<EventObject>?

    init() {
        handles = .allocate(capacity: Self.size)
        handles.initialize(repeating: 0, count: Self.size)
        objects = .allocate(capacity: Self.size)
        objects.initialize(repeating: nil, count: Self.size)
    }

    deinit {
        for slot in 0..<Self.size { objects[slot]?.release() }
        spare?.release()
        handles.deallocate()
        objects.deallocate()
    }

    /// The event of a handle when its slot holds it (which keeps it alive as long as this thread has an
    /// operation out); nil when the lookup has to go on (`lookupMissed`).
    @inline(__always)
    func lookupInSlot(_ handle: UInt) -> Unmanaged<EventObject>? {
        let slot = Int((handle >> 2) & UInt(Self.size - 1))
        guard handles[slot] == handle, let cached = objects[slot],
            !cached._withUnsafeGuaranteedRef({ $0.closed.load(ordering: .acquiring) })
        else { return nil }
        return cached
    }

    /// A lookup that missed its slot: the slot takes the event when it may, else the spare place keeps it.
    /// `mayReplace` says whether the slot's event may be let go (no operation of this thread is out);
    /// `inSlot` in the answer whether the slot now holds the event.
    @inline(never)
    func lookupMissed(_ handle: UInt, mayReplace: Bool) -> (event: Unmanaged<EventObject>, inSlot: Bool)? {
        let slot = Int((handle >> 2) & UInt(Self.size - 1))
        let found: Unmanaged<EventObject>
        let fromSpare: Bool
        if spareHandle == handle, let kept = spare,
            !kept._withUnsafeGuaranteedRef({ $0.closed.load(ordering: .acquiring) })
        {
            found = kept
            fromSpare = true
        } else {
            guard let event = EventTable.table.lookup(handle) else { return nil }
            found = .passRetained(event)
            fromSpare = false
        }
        if objects[slot] == nil || mayReplace {
            objects[slot]?.release()
            objects[slot] = found
            handles[slot] = handle
            // The spare's reference moves to the slot.
            if fromSpare { spare = nil }
            return (found, true)
        }
        if !fromSpare {
            spare?.release()
            spare = found
            spareHandle = handle
        }
        return (found, false)
    }
}
