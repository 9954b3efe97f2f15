import Glibc
import Synchronization

/// SIGINT and SIGPIPE for the whole process.
///
/// SIGPIPE is ignored (a closed stdout is an EPIPE to handle, not a death). SIGINT is blocked in every
/// thread and taken by one thread with sigwait, which calls the handler of the command running now (stop
/// the run, print the partial report): no work happens in a signal handler. A second SIGINT, or one with
/// no handler, exits at once with 130, without the report.
///
/// A second SIGINT less than `sameInterrupt` after the first is the same interrupt delivered twice, not
/// an impatient user: `timeout -s INT` signals both the command and its process group, and a script's
/// `kill -INT -- -PGID` plus a terminal's Ctrl-C can overlap. Exiting on it would lose the report (and
/// leave `--json` output empty).
enum Signals {
    private static let handler = Mutex<(@Sendable () -> Void)?>(nil)
    /// When the first SIGINT arrived (monotonic nanoseconds); only the signal thread touches it.
    nonisolated(unsafe) private static var firstInterrupt: UInt64?
    static let sameInterrupt: UInt64 = 1_000_000_000

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
            let now = monotonicNanoseconds()
            guard let first = firstInterrupt else {
                firstInterrupt = now
                guard let current = handler.withLock({ $0 }) else { _exit(130) }
                current()
                continue
            }
            if now &- first >= sameInterrupt { _exit(130) }
        }
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
