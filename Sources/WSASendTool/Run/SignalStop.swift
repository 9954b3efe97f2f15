import Glibc
import Synchronization
import Winsock

/// How a signal handler stops a run without any other thread: it marks the run's `RunControl` and shuts
/// down the socket whose WSASend may be blocked, both safe in a handler (an atomic store, `shutdown(2)`).
/// The handlers themselves belong to the executable, which calls `interrupt(by:)` from its SIGINT,
/// SIGTERM and SIGHUP handler and `expire()` from its SIGALRM handler; this type only holds what they
/// act on, and arms the timer.
///
/// Why a run would have no other thread: on Linux every thread of a process shares its descriptor table,
/// and while a second thread lives, each sendmsg takes and drops a reference on the socket's file and
/// meets more contention on the socket lock. Measured on the bench machine: bench/c/sendloop.c with one
/// idle extra thread ran at 0.85-0.89x the same loop alone, and wsasend's 1x64 blocking run went from a
/// median 0.82x to 0.87x the C loop when it sent from its only thread. So a one-connection run sends
/// from the main thread (`RunSupervisor.Strategy.callerThread`), and a stopping signal (and the end of
/// `--duration` when a call is blocked) must reach it through a handler instead of a waiting thread. In
/// the overlapped modes the handler only marks the run: the loop's waits end every tick, and it closes
/// its socket itself (`LoopWatch`); the library's engine thread, if a send needs it, blocks signals.
///
/// The handlers only read what `arm` and `sending` stored. `arm` keeps its control alive until the process
/// exits: a handler on another thread may still hold the pointer it read.
public enum SignalStop {
    /// The armed `RunControl`, as a retained pointer; 0 when none.
    private static let control = Atomic<UInt>(0)
    /// The Linux descriptor of the socket a lone run is sending on; -1 when none.
    private static let descriptor = Atomic<Int32>(-1)
    /// True once the executable has a SIGALRM handler that calls `expire()`: only then may a lone run arm
    /// the timer (SIGALRM's default action would end the process).
    private static let timerHandled = Atomic<Bool>(false)

    /// Touches the state, so that a handler never runs its lazy initialisation: call before a signal can
    /// come.
    public static func prepare() {
        _ = control.load(ordering: .relaxed)
        _ = descriptor.load(ordering: .relaxed)
        _ = timerHandled.load(ordering: .relaxed)
    }

    /// Says that SIGALRM's handler calls `expire()`.
    public static func timerHandlerInstalled() {
        timerHandled.store(true, ordering: .releasing)
    }

    /// SIGALRM, from the handler: the lone run's `--duration` and its grace are over while a call is
    /// blocked; the run stops (finished, not interrupted) and the call returns.
    public static func expire() {
        withArmedControl { $0.requestStop() }
        shutDownArmedSocket()
    }

    /// Makes `runControl` the run that SIGINT (and a lone run's expiry) marks from a handler. Call once
    /// per process, before the signal can come.
    public static func arm(_ runControl: RunControl) {
        prepare()
        let pointer = UInt(bitPattern: Unmanaged.passRetained(runControl).toOpaque())
        if control.compareExchange(expected: 0, desired: pointer, ordering: .acquiringAndReleasing).exchanged { return }
        Unmanaged.passUnretained(runControl).release()
    }

    /// A stopping signal, from its handler: the armed run stops, interrupted, and its blocked call returns.
    public static func interrupt(by signal: StopSignal) {
        withArmedControl { $0.markInterrupted(by: signal) }
        shutDownArmedSocket()
    }

    /// Runs `body` with `socket` as the one a handler shuts down, and with SIGALRM ending a call still
    /// blocked `expiry` nanoseconds from now (`--duration` plus its grace), when given. Only for a run on
    /// the process's only thread, whose control is armed: the handler then runs on this thread, between
    /// two of its instructions, so it never sees the socket closed under it.
    static func sending<Answer>(on socket: SOCKET?, expiry: UInt64?, _ body: () -> Answer) -> Answer {
        let timed = expiry != nil && timerHandled.load(ordering: .acquiring)
        descriptor.store(socket.flatMap(linuxDescriptor(of:)) ?? -1, ordering: .releasing)
        if timed, let expiry { setTimer(nanoseconds: max(expiry, 1)) }
        defer {
            if timed { setTimer(nanoseconds: 0) }
            descriptor.store(-1, ordering: .releasing)
        }
        return body()
    }

    private static func withArmedControl(_ body: (RunControl) -> Void) {
        let pointer = control.load(ordering: .acquiring)
        guard let raw = UnsafeMutableRawPointer(bitPattern: pointer) else { return }
        Unmanaged<RunControl>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
    }

    private static func shutDownArmedSocket() {
        let socket = descriptor.load(ordering: .acquiring)
        if socket >= 0 { _ = Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private static func setTimer(nanoseconds: UInt64) {
        var timer = itimerval()
        timer.it_value.tv_sec = Int(nanoseconds / TimeUnits.nanosecondsPerSecond)
        timer.it_value.tv_usec = Int(
            nanoseconds % TimeUnits.nanosecondsPerSecond / TimeUnits.nanosecondsPerMicrosecond)
        if nanoseconds > 0 && timer.it_value.tv_sec == 0 { timer.it_value.tv_usec = max(timer.it_value.tv_usec, 1) }
        setitimer(__itimer_which_t(ITIMER_REAL.rawValue), &timer, nil)
    }
}
