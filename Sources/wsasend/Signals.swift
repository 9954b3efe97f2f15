import Glibc
import Locking
import Synchronization
import WSASendTool

/// SIGINT, SIGTERM, SIGHUP and SIGPIPE for the whole process.
///
/// SIGPIPE is ignored (a closed stdout is an EPIPE to handle, not a death). SIGINT, SIGTERM and SIGHUP
/// stop a run the same way: `timeout 10 wsasend ...` sends SIGTERM, and a closed terminal SIGHUP, and both
/// deserve the partial report as much as Ctrl-C does; the exit status then says which (130, 143, 129).
/// Their handler does only what is safe in one: it marks the armed run and shuts down the socket a lone
/// run is sending on (`SignalStop`), and writes a byte to the relay's pipe. Commands with threads of their
/// own (the sink, the demo, sends of several connections or in the overlapped modes) start the relay: a
/// thread that takes the signals for the whole process (every other thread blocks them) and calls the
/// command's handler (stop the run, close its sockets) when the byte comes. A lone send starts no relay,
/// so that its process keeps a single thread (`SignalStop` says why that matters). A second signal, or
/// one with no handler, exits at once with 128 + its number, without the report.
///
/// A second signal less than `sameInterrupt` after the first is the same interrupt delivered twice, not
/// an impatient user: `timeout -s INT` signals both the command and its process group, and a script's
/// `kill -INT -- -PGID` plus a terminal's Ctrl-C can overlap. Exiting on it would lose the report (and
/// leave `--json` output empty).
enum Signals {
    private static let handler = Locked<(@Sendable (StopSignal) -> Void)?>(nil)
    /// When the first stopping signal arrived (monotonic nanoseconds); 0 before.
    private static let firstInterrupt = Atomic<UInt64>(0)
    /// The first stopping signal's number, for the relay; 0 before.
    private static let firstSignal = Atomic<Int32>(0)
    /// True once a command said what a stopping signal does.
    private static let handled = Atomic<Bool>(false)
    private static let relayStarted = Atomic<Bool>(false)
    /// The relay's pipe: the handler writes, the relay reads. Set once, before the handler is installed.
    nonisolated(unsafe) private static var relayPipe: (read: Int32, write: Int32) = (-1, -1)
    static let sameInterrupt: UInt64 = 1_000_000_000
    /// The signals that stop a run.
    private static let stopping: [Int32] = StopSignal.allCases.map(\.number)

    /// Call first thing in main, before any other thread starts.
    static func install() {
        signal(SIGPIPE, SIG_IGN)
        SignalStop.prepare()
        _ = firstInterrupt.load(ordering: .relaxed)
        _ = firstSignal.load(ordering: .relaxed)
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
        action.__sigaction_handler.sa_handler = { number in Signals.interrupted(number) }
        sigemptyset(&action.sa_mask)
        // No SA_RESTART: a lone run's read of a quiet standard input (--file -) must come back. The
        // library retries EINTR itself, and the tool's own reads and writes look at it.
        action.sa_flags = 0
        for number in stopping { sigaction(number, &action, nil) }
        // SIGALRM: a lone run's timer for a call still blocked at the end of --duration (`SignalStop`).
        var expiry = sigaction()
        expiry.__sigaction_handler.sa_handler = { _ in SignalStop.expire() }
        sigemptyset(&expiry.sa_mask)
        expiry.sa_flags = SA_RESTART
        if sigaction(SIGALRM, &expiry, nil) == 0 { SignalStop.timerHandlerInstalled() }
        // A parent may have left them blocked (the mask survives exec; a test runner may hand its children
        // SIGTERM blocked); the handlers must run.
        var set = stoppingSet()
        sigaddset(&set, SIGALRM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// A lone send: a stopping signal marks `control` and releases its blocked call from the handler itself.
    static func onInterrupt(stopping control: RunControl) {
        SignalStop.arm(control)
        handled.store(true, ordering: .releasing)
    }

    /// Sets what a stopping signal does from now on, called on the relay thread, which starts now if it
    /// has not. Threads the caller starts afterwards inherit the signals blocked.
    static func onInterrupt(_ body: @escaping @Sendable (StopSignal) -> Void) {
        handler.withLock { $0 = body }
        startRelay()
        handled.store(true, ordering: .releasing)
    }

    /// A send that will start threads, but not yet: until `startRelay` a stopping signal marks `control`
    /// from the handler, as for a lone send (the set-up's waits look at the mark), and its byte waits in
    /// the pipe; the relay, once started, finds it and runs `body`. So the process keeps one thread while
    /// it connects (`RunEvents.threadsStarting` says why). Call `startRelay` before starting any thread.
    static func onInterrupt(stopping control: RunControl, relayLater body: @escaping @Sendable (StopSignal) -> Void) {
        SignalStop.arm(control)
        handler.withLock { $0 = body }
        handled.store(true, ordering: .releasing)
    }

    /// The handler of SIGINT, SIGTERM and SIGHUP: atomics, clock_gettime, shutdown, write and _exit only.
    private static func interrupted(_ number: Int32) {
        let now = monotonicNanoseconds()
        let (first, previous) = firstInterrupt.compareExchange(
            expected: 0, desired: max(now, 1), ordering: .acquiringAndReleasing)
        guard first else {
            if now &- previous >= sameInterrupt { _exit(128 + number) }
            return
        }
        guard handled.load(ordering: .acquiring), let signal = StopSignal(number: number) else { _exit(128 + number) }
        firstSignal.store(number, ordering: .releasing)
        SignalStop.interrupt(by: signal)
        var byte: UInt8 = 1
        _ = write(relayPipe.write, &byte, 1)
    }

    private static func stoppingSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in stopping { sigaddset(&set, number) }
        return set
    }

    /// Starts the relay thread, once: from now on the calling thread (and every thread it starts) leaves
    /// the stopping signals to the relay.
    static func startRelay() {
        guard !relayStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var set = stoppingSet()
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

    /// The relay thread: takes the stopping signals for the process and runs the command's handler for the
    /// first one.
    private static func relay() {
        var set = stoppingSet()
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        while true {
            var entry = pollfd(fd: relayPipe.read, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, -1) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(relayPipe.read, &byte, 1) == 1 else { continue }
            let signal = StopSignal(number: firstSignal.load(ordering: .acquiring)) ?? .interrupt
            handler.withLock({ $0 })?(signal)
        }
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
