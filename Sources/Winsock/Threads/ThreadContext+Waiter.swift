import Glibc

/// The waiter part of a thread's context: how other threads wake it (its eventfd). The waits
/// themselves, alertable or not, are in Waiting.swift; the routines' queue is `apcs`.
///
/// The eventfd is made on the thread's first wait and may fail when the process is out of descriptors
/// (EMFILE, ENFILE). Nothing traps then: the thread's waits look again every `tickWithoutWakeups`
/// instead of being woken (every waiter re-checks its condition after a wait anyway), and the next wait
/// tries to make the descriptor again. A wait that finds no descriptor made before it began also ticks
/// once: a wake-up sent before the descriptor existed went nowhere.
extension ThreadContext {
    /// How often a wait looks at its condition while the thread has no wake descriptor (milliseconds).
    static let tickWithoutWakeups: Int32 = 1

    /// The descriptor other threads signal to wake this one, or -1 when none could be made (then this
    /// thread's waits tick). Only the owning thread calls it, before it publishes itself as waiting.
    @discardableResult
    @inline(__always)
    func wakeFD() -> Int32 {
        let existing = wakeDescriptor.load(ordering: .relaxed)
        return existing >= 0 ? existing : makeWakeDescriptor()
    }

    /// Out of line: made once per thread, and kept out of the send paths that inline `wakeFD()`.
    @inline(never)
    private func makeWakeDescriptor() -> Int32 {
        let fd = system_eventfd()
        guard fd >= 0 else { return -1 }
        wakeDescriptor.store(fd, ordering: .releasing)
        return fd
    }

    /// Wakes this thread from a wait on its wake descriptor. Safe from any thread; a thread without one
    /// sees the change at its next tick.
    func wake() {
        let fd = wakeDescriptor.load(ordering: .acquiring)
        if fd >= 0 { system_eventfd_signal(fd) }
    }

    /// Empties the wake descriptor after a wake-up.
    func drainWakeups() {
        let fd = wakeDescriptor.load(ordering: .relaxed)
        if fd >= 0 { system_eventfd_drain(fd) }
    }
}
