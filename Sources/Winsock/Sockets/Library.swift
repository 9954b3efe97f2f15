import Locking
import Synchronization

/// The library's global state: the WSAStartup count and the socket table.
enum Library {
    /// WSAStartup calls not yet matched by WSACleanup.
    static let startupCount = Locked<Int>(0)
    /// Mirrors `startupCount > 0` for the per-call check, which must not take a lock.
    static let isStarted = Atomic<Bool>(false)
    static let sockets = SocketTable()

    /// Marks a socket closed, wakes threads blocked on it, cancels its pending sends and closes the
    /// socket (its descriptor number stays reserved until the last reference to the record goes).
    static func close(_ record: SocketRecord) {
        // Sequentially consistent with a blocking call's own order (count itself in `blockedCalls`, then
        // read `closed`): either closesocket sees the call and wakes it, or the call sees the close.
        record.closed.store(true, ordering: .sequentiallyConsistent)
        for ticket in record.sendQueue.socketClosed() { ticket.context.waiter.wake() }
        OverlappedEngine.cancelAll(on: record, status: WSA_OPERATION_ABORTED, forget: true)
        record.wakeBlockedCalls()
        record.releaseDescriptor()
    }
}
