import Glibc

/// The waiter part of a thread's context: how other threads wake it (its eventfd). The waits
/// themselves, alertable or not, are in Waiting.swift; the routines' queue is `apcs`.
extension ThreadContext {
    /// The descriptor other threads signal to wake this one.
    var wakeFD: Int32 {
        if wakeDescriptor < 0 {
            let fd = system_eventfd()
            precondition(fd >= 0, "eventfd failed: errno \(-fd)")
            wakeDescriptor = fd
        }
        return wakeDescriptor
    }

    /// Wakes this thread from a wait on `wakeFD`. Safe from any thread once `wakeFD` exists.
    func wake() {
        system_eventfd_signal(wakeFDForOtherThreads)
    }

    /// Created by the owning thread before it publishes itself as waiting, so other threads only read it.
    private var wakeFDForOtherThreads: Int32 { wakeDescriptor }

    /// Empties the wake descriptor after a wake-up.
    func drainWakeups() {
        if wakeDescriptor >= 0 { system_eventfd_drain(wakeDescriptor) }
    }
}
