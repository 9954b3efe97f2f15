import Synchronization

/// How a thread waits and is woken: its wake descriptor, whether it waits alertably now, its queue of
/// completion routines, and the bookkeeping of blocking calls and the routines run inside them.
struct Waiter: ~Copyable {
    /// An eventfd that other threads signal to wake this one, created lazily.
    private var descriptor: Int32 = -1
    /// Completion routines queued for this thread (APCs); only the engine and this thread touch it.
    let apcs = APCQueue()
    /// True while this thread waits in an alertable state: only then must a queued routine wake it.
    let isAlertable = Atomic<Bool>(false)
    /// Nesting of blocking calls whose alertable wait is running completion routines; a blocking call
    /// started inside such a routine fails with WSAEINPROGRESS instead of the spec's undefined behaviour.
    var routinesInsideBlockingCall = 0
    /// True while a blocking call of this thread waits (alertably).
    var inBlockingCall = false
    /// Sockets whose completion routine is running on this thread now (routines never nest per socket).
    var socketsInRoutine: [SOCKET] = []

    init() {}

    deinit {
        if descriptor >= 0 { system_close(descriptor) }
    }

    /// The descriptor other threads signal to wake this one; the owning thread creates it before it
    /// publishes itself as waiting, so that other threads only read it.
    var wakeFD: Int32 {
        mutating get {
            if descriptor < 0 {
                let fd = system_eventfd()
                precondition(fd >= 0, "eventfd failed: errno \(-fd)")
                descriptor = fd
            }
            return descriptor
        }
    }

    /// Wakes this thread from a wait on `wakeFD`. Safe from any thread once `wakeFD` exists.
    func wake() {
        system_eventfd_signal(descriptor)
    }

    /// Empties the wake descriptor after a wake-up.
    func drainWakeups() {
        if descriptor >= 0 { system_eventfd_drain(descriptor) }
    }
}
