import Locking
import Synchronization

/// A completion routine waiting to run on the thread that issued its operation (an APC).
struct QueuedRoutine: @unchecked Sendable {
    let routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE
    let error: DWORD
    let bytes: DWORD
    let overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?
    let socket: SOCKET
    /// Called after the routine returns (the socket's bookkeeping of collected completions).
    let record: SocketRecord?
}

/// A thread's queue of completion routines. The engine appends; only the owning thread runs them, in its
/// alertable waits.
final class APCQueue: Sendable {
    private let queue = Locked(RingBuffer<QueuedRoutine>(capacity: 64))
    private let pending = Atomic<Int>(0)

    /// True when routines are queued (a lock-free peek for the wait path).
    var hasEntries: Bool { pending.load(ordering: .sequentiallyConsistent) > 0 }

    /// Appends a routine; returns true when the queue was empty (the thread then needs a wake-up).
    func push(_ routine: QueuedRoutine) -> Bool {
        queue.withLock { $0.append(routine) }
        return pending.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue == 0
    }

    /// Takes the first routine whose socket is not in `busySockets` (routines of one socket never nest).
    func popRunnable(excluding busySockets: [SOCKET]) -> QueuedRoutine? {
        let routine: QueuedRoutine? = queue.withLock { queue in
            for offset in 0..<queue.count where !busySockets.contains(queue[offset].socket) {
                if offset == 0 { return queue.removeFirst() }
                var taken: QueuedRoutine?
                var skipped: [QueuedRoutine] = []
                for _ in 0...offset {
                    let next = queue.removeFirst()!
                    if taken == nil && skipped.count == offset { taken = next } else { skipped.append(next) }
                }
                // Put the skipped routines back in front, in their order.
                var rest: [QueuedRoutine] = []
                while let next = queue.removeFirst() { rest.append(next) }
                for item in skipped + rest { queue.append(item) }
                return taken
            }
            return nil
        }
        if routine != nil { pending.wrappingSubtract(1, ordering: .sequentiallyConsistent) }
        return routine
    }

    /// Drops every routine (their thread exited: nothing can run them).
    func removeAll() -> [QueuedRoutine] {
        let removed = queue.withLock { queue in
            var all: [QueuedRoutine] = []
            while let next = queue.removeFirst() { all.append(next) }
            return all
        }
        pending.wrappingSubtract(removed.count, ordering: .sequentiallyConsistent)
        return removed
    }
}
