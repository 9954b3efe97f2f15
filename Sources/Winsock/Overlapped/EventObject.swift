import Synchronization

/// A manual-reset event: what a WSAEVENT handle points to.
///
/// Signalled state is an atomic so that a wait on an already-signalled event takes no lock; threads that
/// must block register themselves and are woken through their wake descriptors.
final class EventObject: Sendable {
    private let signalled = Atomic<Bool>(false)
    private let waiters = Locked<[ThreadContext]>([])
    private let waiterCount = Atomic<Int>(0)

    var isSignalled: Bool { signalled.load(ordering: .sequentiallyConsistent) }

    func set() {
        signalled.store(true, ordering: .sequentiallyConsistent)
        // Registration stores the count before it re-checks the state, so one side always sees the other.
        guard waiterCount.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let woken = waiters.withLock { $0 }
        for context in woken { context.wake() }
    }

    func reset() {
        signalled.store(false, ordering: .sequentiallyConsistent)
    }

    /// Registers a thread to be woken by `set`; the caller re-checks the state afterwards.
    func addWaiter(_ context: ThreadContext) {
        _ = context.wakeFD
        waiters.withLock { $0.append(context) }
        waiterCount.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    func removeWaiter(_ context: ThreadContext) {
        waiters.withLock { list in
            if let index = list.firstIndex(where: { $0 === context }) { list.remove(at: index) }
        }
        waiterCount.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }
}

/// The table of live event handles, so that a stale or invalid WSAEVENT gives WSA_INVALID_HANDLE instead
/// of touching freed memory. A WSAEVENT is a table handle in pointer form.
enum EventTable {
    private static let table = HandleTable<EventObject>()

    /// A new event's handle, or nil when the table is full.
    static func insert(_ event: EventObject) -> WSAEVENT {
        guard let handle = table.insert({ _ in event })?.handle else { return nil }
        return UnsafeMutableRawPointer(bitPattern: handle)
    }

    @inline(__always)
    static func lookup(_ handle: WSAEVENT) -> EventObject? {
        guard let handle else { return nil }
        return table.lookup(UInt(bitPattern: handle))
    }

    static func remove(_ handle: WSAEVENT) -> EventObject? {
        guard let handle else { return nil }
        return table.remove(UInt(bitPattern: handle))
    }
}
