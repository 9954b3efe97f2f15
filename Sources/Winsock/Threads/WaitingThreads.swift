import Locking
import Synchronization

/// The threads blocked until something happens to an object (an event is set, a socket completes a
/// send), each woken through its wake descriptor.
///
/// `add` counts the waiter before it re-checks the object's state, and `wakeAll` reads the count after the
/// state changed (both sequentially consistent), so one side always sees the other; with no waiter,
/// `wakeAll` takes no lock.
///
/// The list and its lock are made by the first `add`: most objects are never waited on (a connection's
/// socket and its event in a run of 10,000 connections), and an unused `Locked` cost two heap blocks,
/// about 100 bytes, in each. `wakeAll` reaches the list only once the count says a thread was added.
struct WaitingThreads: ~Copyable, Sendable {
    private let madeList = AtomicLazyReference<Locked<[ThreadContext]>>()
    /// The list, made on first use; a thread that loses the race to make it uses the winner's.
    private var list: Locked<[ThreadContext]> { madeList.load() ?? madeList.storeIfNil(Locked([])) }
    private let count = Atomic<Int>(0)

    /// Registers a thread; the caller re-checks the state afterwards.
    func add(_ context: ThreadContext) {
        context.waiter.wakeFD()  // created before another thread may signal it
        list.withLock { $0.append(context) }
        count.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    func remove(_ context: ThreadContext) {
        list.withLock { threads in
            if let index = threads.firstIndex(where: { $0 === context }) { threads.remove(at: index) }
        }
        count.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }

    /// Inline, so that the usual case (nobody waits) is a load and a branch at the call site: every
    /// overlapped completion calls it twice (its event, and its socket's completion waiters), and as a
    /// call it cost 24 instructions each time (callgrind).
    @inline(__always)
    func wakeAll() {
        guard count.load(ordering: .sequentiallyConsistent) > 0 else { return }
        wakeListed()
    }

    @inline(never)
    private func wakeListed() {
        for context in list.withLock({ $0 }) { context.waiter.wake() }
    }
}
