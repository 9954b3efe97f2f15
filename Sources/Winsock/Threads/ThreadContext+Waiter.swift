import Glibc
import Synchronization

/// The waiter of a thread: how other threads wake it (its eventfd), whether it waits alertably, and the
/// completion routines queued for it (APCs, `APCQueue`). The waits themselves, alertable or not, and
/// `runQueuedRoutines`, are in Waiting.swift.
///
/// The eventfd is made on the thread's first wait and may fail when the process is out of descriptors
/// (EMFILE, ENFILE). Nothing traps then: the thread's waits look again every `tickWithoutWakeups`
/// instead of being woken (every waiter re-checks its condition after a wait anyway), and the next wait
/// tries to make the descriptor again. A wait that finds no descriptor made before it began also ticks
/// once: a wake-up sent before the descriptor existed went nowhere.
struct Waiter: ThreadContextPart {
    let unmanagedContext: Unmanaged<ThreadContext>

    /// How often a wait looks at its condition while the thread has no wake descriptor (milliseconds).
    static let tickWithoutWakeups: Int32 = 1

    /// Queues a completion routine (an APC) for this thread; only the engine and this thread do.
    @inline(__always)
    func queueRoutine(_ routine: QueuedRoutine) { withContext { _ = $0.apcs.push(routine) } }

    /// Some completion routine is queued for this thread.
    @inline(__always)
    var hasQueuedRoutines: Bool { withContext { $0.apcs.hasEntries } }

    /// Drops the queued routines of a thread that exited: they can no longer run.
    func dropQueuedRoutines() { withContext { _ = $0.apcs.removeAll() } }

    /// True while this thread waits in an alertable state: only then must a queued routine wake it.
    /// Sequentially consistent, against the queue's count (see `wait`).
    @inline(__always)
    var isAlertable: Bool {
        get { withContext { $0.isAlertable.load(ordering: .sequentiallyConsistent) } }
        nonmutating set { withContext { $0.isAlertable.store(newValue, ordering: .sequentiallyConsistent) } }
    }

    /// True while a blocking call of this thread waits (alertably).
    @inline(__always)
    var inBlockingCall: Bool {
        get { withContext { $0.inBlockingCall } }
        nonmutating set { withContext { $0.inBlockingCall = newValue } }
    }

    /// A completion routine is running inside a blocking call's alertable wait on this thread (the
    /// nesting is counted in `runQueuedRoutines`); a blocking call started inside such a routine fails
    /// with WSAEINPROGRESS instead of the spec's undefined behaviour.
    @inline(__always)
    var isInsideRoutineOfBlockingCall: Bool { withContext { $0.routinesInsideBlockingCall > 0 } }

    /// The descriptor other threads signal to wake this one, or -1 when none could be made (then this
    /// thread's waits tick). Only the owning thread calls it, before it publishes itself as waiting.
    @discardableResult
    @inline(__always)
    func wakeFD() -> Int32 {
        let existing = withContext { $0.wakeDescriptor.load(ordering: .relaxed) }
        return existing >= 0 ? existing : makeWakeDescriptor()
    }

    /// Whether this thread had a wake descriptor already (read by the owning thread).
    @inline(__always)
    var hasWakeDescriptor: Bool { withContext { $0.wakeDescriptor.load(ordering: .relaxed) >= 0 } }

    /// Out of line: made once per thread, and kept out of the send paths that inline `wakeFD()`.
    @inline(never)
    private func makeWakeDescriptor() -> Int32 {
        let fd = system_eventfd()
        guard fd >= 0 else { return -1 }
        withContext { $0.wakeDescriptor.store(fd, ordering: .releasing) }
        return fd
    }

    /// Wakes this thread from a wait on its wake descriptor. Safe from any thread; a thread without one
    /// sees the change at its next tick.
    func wake() {
        let fd = withContext { $0.wakeDescriptor.load(ordering: .acquiring) }
        if fd >= 0 { system_eventfd_signal(fd) }
    }

    /// Empties the wake descriptor after a wake-up.
    func drainWakeups() {
        let fd = withContext { $0.wakeDescriptor.load(ordering: .relaxed) }
        if fd >= 0 { system_eventfd_drain(fd) }
    }
}

extension ThreadContext {
    /// This thread's waiter.
    @inline(__always)
    var waiter: Waiter { Waiter(unmanagedContext: .passUnretained(self)) }
}
