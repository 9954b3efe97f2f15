import Synchronization

/// The overlapped operation records a thread owns (its pool, see `OperationPool`) and the count of
/// those still pending.
struct OwnedOperations: ~Copyable {
    /// Every operation record this thread created: the pool owns them (see `OperationRef`).
    var all: [OverlappedOperation] = []
    /// Records ready for this thread's next overlapped sends (only this thread touches it).
    let free = RingBuffer<OperationRef>(capacity: 64)
    /// Records the engine has handed back: a lock-free stack (see `OperationPool`).
    let returned = Atomic<UInt>(0)
    /// Operations this thread issued that are still pending in the engine, for cancellation at exit.
    let pending = Atomic<Int>(0)

    init() {}
}

/// The sockets whose overlapped sends a thread parked, which it sends when it next waits
/// (`ParkedSends`), and the batch it writes them with.
struct ParkedSockets: ~Copyable {
    var sockets: [SocketRecord] = []
    let batch = SendBatch()

    init() {}
}
