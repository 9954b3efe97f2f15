import Glibc
import Synchronization
import WSASendTool

/// SIGINT and SIGPIPE for the whole process.
///
/// SIGPIPE is ignored (a closed stdout is an EPIPE to handle, not a death). SIGINT has a handler that does
/// only what is safe in one: it marks the armed run and shuts down the socket a lone run is sending on
/// (`SignalStop`), and writes a byte to the relay's pipe. Commands with threads of their own (the sink, the
/// demo, sends of several connections or in the overlapped modes) start the relay: a thread that takes
/// SIGINT for the whole process (every other thread blocks it) and calls the command's handler (stop the
/// run, close its sockets) when the byte comes. A lone send starts no relay, so that its process keeps a
/// single thread (`SignalStop` says why that matters). A second SIGINT, or one with no handler, exits at
/// once with 130, without the report.
///
/// A second SIGINT less than `sameInterrupt` after the first is the same interrupt delivered twice, not
/// an impatient user: `timeout -s INT` signals both the command and its process group, and a script's
/// `kill -INT -- -PGID` plus a terminal's Ctrl-C can overlap. Exiting on it would lose the report (and
/// leave `--json` output empty).
enum Signals {
    private static let handler = Mutex<(@Sendable () -> Void)?>(nil)
    /// When the first SIGINT arrived (monotonic nanoseconds); 0 before.
    private static let firstInterrupt = Atomic<UInt64>(0)
    /// True once a command said what SIGINT does.
    private static let handled = Atomic<Bool>(false)
    private static let relayStarted = Atomic<Bool>(false)
    /// The relay's pipe: the handler writes, the relay reads. Set once, before the handler is installed.
    nonisolated(unsafe) private static var relayPipe: (read: Int32, write: Int32) = (-1, -1)
    static let sameInterrupt: UInt64 = 1_000_000_000

    /// Call first thing in main, before any other thread starts.
    static func install() {
        signal(SIGPIPE, SIG_IGN)
        SignalStop.prepare()
        _ = firstInterrupt.load(ordering: .relaxed)
        _ = handled.load(ordering: .relaxed)
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, O_NONBLOCK)
            }
            relayPipe = (ends[0], ends[1])
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Signals.interrupted() }
        sigemptyset(&action.sa_mask)
        // No SA_RESTART: a lone run's read of a quiet standard input (--file -) must come back. The
        // library retries EINTR itself, and the tool's own reads and writes look at it.
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have left them blocked (the mask survives exec); the handlers must run.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGALRM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// A lone send: SIGINT marks `control` and releases its blocked call from the handler itself.
    static func onInterrupt(stopping control: RunControl) {
        SignalStop.arm(control)
        handled.store(true, ordering: .releasing)
    }

    /// Sets what a SIGINT does from now on, called on the relay thread, which starts now if it has not.
    /// Threads the caller starts afterwards inherit SIGINT blocked.
    static func onInterrupt(_ body: @escaping @Sendable () -> Void) {
        handler.withLock { $0 = body }
        startRelay()
        handled.store(true, ordering: .releasing)
    }

    /// The SIGINT handler: atomics, clock_gettime, shutdown, write and _exit only.
    private static func interrupted() {
        let now = monotonicNanoseconds()
        let (first, previous) = firstInterrupt.compareExchange(
            expected: 0, desired: max(now, 1), ordering: .acquiringAndReleasing)
        guard first else {
            if now &- previous >= sameInterrupt { _exit(130) }
            return
        }
        guard handled.load(ordering: .acquiring) else { _exit(130) }
        SignalStop.interrupt()
        var byte: UInt8 = 1
        _ = write(relayPipe.write, &byte, 1)
    }

    private static func startRelay() {
        guard !relayStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { _ in
                Signals.relay()
                return nil
            }, nil)
        if status == 0 { pthread_detach(thread) }
    }

    /// The relay thread: takes SIGINT for the process and runs the command's handler for the first one.
    private static func relay() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        while true {
            var entry = pollfd(fd: relayPipe.read, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, -1) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(relayPipe.read, &byte, 1) == 1 else { continue }
            handler.withLock({ $0 })?()
        }
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
