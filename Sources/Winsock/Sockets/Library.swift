import Synchronization

/// The library's global state: the WSAStartup count and the socket table.
enum Library {
    /// WSAStartup calls not yet matched by WSACleanup.
    static let startupCount = Locked<Int>(0)
    /// Mirrors `startupCount > 0` for the per-call check, which must not take a lock.
    static let isStarted = Atomic<Bool>(false)
    static let sockets = SocketTable()

    /// Marks a socket closed, wakes threads blocked on it and cancels its pending sends; the
    /// descriptor closes when the last reference to the record goes.
    static func close(_ record: SocketRecord) {
        record.closed.store(true, ordering: .releasing)
        record.sendQueue.socketClosed(record)
        record.wakeBlockedCalls()
    }
}
