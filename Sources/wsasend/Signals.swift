import Glibc
import Synchronization

/// SIGINT and SIGPIPE for the whole process.
///
/// SIGPIPE is ignored (a closed stdout is an EPIPE to handle, not a death). SIGINT is blocked in every
/// thread and taken by one thread with sigwait, which calls the handler of the command running now (stop
/// the run, print the partial report): no work happens in a signal handler. A second SIGINT, or one with
/// no handler, exits at once with 130.
enum Signals {
    private static let handler = Mutex<(@Sendable () -> Void)?>(nil)
    private static let interrupts = Atomic<Int>(0)

    /// Call first thing in main, before any other thread starts, so that they all inherit the mask.
    static func install() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { _ in
                Signals.waitForInterrupts()
                return nil
            }, nil)
        if status == 0 { pthread_detach(thread) }
    }

    /// Sets what a SIGINT does from now on.
    static func onInterrupt(_ body: @escaping @Sendable () -> Void) {
        handler.withLock { $0 = body }
    }

    private static func waitForInterrupts() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        while true {
            var signalNumber: Int32 = 0
            guard sigwait(&set, &signalNumber) == 0 else { continue }
            let count = interrupts.wrappingAdd(1, ordering: .relaxed).newValue
            let current = handler.withLock { $0 }
            guard count == 1, let current else { _exit(130) }
            current()
        }
    }
}
