import Synchronization
import Winsock

/// The one place that decides how a run is watched while it sends, chosen once from the plan:
///
/// - whether the sends run on the caller's thread (`Strategy.callerThread`: one connection, in a process
///   whose signal handler stops the run; `SignalStop` says why a lone thread matters) or on threads of
///   the run's own, watched by a supervisor thread (`Strategy.watcherThread`);
/// - who writes the progress lines: the send loop itself between calls, or the watcher;
/// - how a stopping signal and the end of `--duration` end a call that is blocked: on the caller's
///   thread, a blocking or non-blocking call's socket is shut down by the executable's handlers
///   (`SignalStop`: the signal, or the timer armed here for `--duration` plus `grace`), and the
///   overlapped loop, whose waits end every tick, closes its socket itself (`LoopWatch`); otherwise the
///   signal's relay calls `RunControl.interrupt`, and the watcher closes the sockets `grace` after the
///   end of `--duration`.
///
/// A caller that must interrupt a run without ending the process (a REPL's Ctrl-C during `send N` or a
/// wait) uses the watcher strategy and calls `RunControl.interrupt(by:)` on the run's control from any
/// thread: the blocked calls return WSAEINTR, the run returns its partial report, and the process goes on.
public final class RunSupervisor: Sendable {
    public enum Strategy: Sendable, Equatable {
        /// The lone connection's loop runs on the caller's thread, and the run starts no other thread
        /// (the library's engine starts its own for a stream's overlapped sends).
        case callerThread
        /// Connections run on threads of the run's own (or the overlapped driver's one thread), and a
        /// watcher thread writes the progress lines and enforces `--duration`.
        case watcherThread

        /// The strategy for `plan`: the caller's thread only when the plan has one connection and
        /// `signalHandlerStops` (the process's signal handler stops the run through
        /// `SignalStop`; only the executable's send command arranges that).
        public init(plan: RunPlan, signalHandlerStops: Bool) {
            self = signalHandlerStops && plan.sendsFromOneThread ? .callerThread : .watcherThread
        }
    }

    public let strategy: Strategy
    private let plan: RunPlan
    private let control: RunControl
    private let events: RunEvents
    private let done = Atomic<Bool>(false)
    /// When the run ended (monotonic nanoseconds), for the last interval report.
    private let ended = Atomic<UInt64>(0)

    /// How long calls may stay blocked past the end of `--duration` before the run releases them.
    static let grace: UInt64 = TimeUnits.nanosecondsPerSecond
    /// How often the watcher looks.
    static let tick: UInt64 = 20_000_000

    init(plan: RunPlan, control: RunControl, events: RunEvents, strategy: Strategy) {
        self.plan = plan
        self.control = control
        self.events = events
        // A plan that cannot send from one thread is watched, whatever was asked.
        self.strategy = plan.sendsFromOneThread ? strategy : .watcherThread
    }

    /// True when the lone connection's loop runs on the caller's thread.
    var sendsOnCallerThread: Bool { strategy == .callerThread }

    /// True when the send loop writes its own progress lines (there is no watcher to do it).
    var loopWritesProgress: Bool { strategy == .callerThread }

    /// True when the send loops publish their live counters for the watcher's progress lines.
    var loopPublishesCounters: Bool { strategy == .watcherThread }

    /// Starts the watcher thread (watcher strategy only); `finish` stops it. With `intervals`, it also
    /// reports each interval as it ends, and the last one after `finish`.
    ///
    /// - Returns: The thread to join after `finish`; nil on the caller's thread or if none could start.
    func startWatching(live: LiveCounters, started: UInt64, intervals: IntervalCollector? = nil) -> WorkerThread? {
        guard strategy == .watcherThread else { return nil }
        return WorkerThread.start { self.watch(live: live, started: started, intervals: intervals) }
    }

    /// The watcher's work for an overlapped loop on the caller's thread, which does it between its passes;
    /// nil when a watcher thread does it.
    func loopWatch(clock: LatencyClock, started: UInt64) -> LoopWatch? {
        guard strategy == .callerThread else { return nil }
        return LoopWatch(plan: plan, control: control, events: events, started: started, clock: clock)
    }

    /// Runs the lone connection's loop on this thread, its socket the one a stopping signal shuts down,
    /// and with `--duration` plus `grace` ending a call still blocked then (caller-thread strategy). With
    /// no socket (the overlapped loop, which closes its own: `LoopWatch`) the handlers only mark the run,
    /// which also ends a read of `--file` that waits (`RunControl.stopDescriptor`).
    func sendOnCallerThread<Answer>(on socket: SOCKET?, _ body: () -> Answer) -> Answer {
        let expiry = plan.duration.map { $0 &+ Self.grace }
        return SignalStop.sending(on: socket, expiry: expiry, body)
    }

    /// Tells the watcher that the run ended at `end` (monotonic nanoseconds), every sending thread done:
    /// it reports the last interval and returns.
    func finish(end: UInt64 = MonotonicClock.now()) {
        ended.store(end, ordering: .relaxed)
        done.store(true, ordering: .releasing)
    }

    /// The watcher: progress lines every `progressInterval`, and calls still blocked `grace` after the end
    /// of `--duration` ended by closing their sockets, so that a peer that stopped reading cannot hold
    /// the run.
    private func watch(live: LiveCounters, started: UInt64, intervals: IntervalCollector?) {
        var intervals = intervals
        defer { intervals?.finish(end: ended.load(ordering: .relaxed)) }
        var progress = ProgressLines(plan: plan, events: events, started: started)
        let hardStop = plan.duration.map { started &+ $0 &+ Self.grace }
        while !done.load(ordering: .acquiring) {
            sleepNanoseconds(Self.tick)
            let now = MonotonicClock.now()
            if let hardStop, now >= hardStop, !control.isStopping {
                control.requestStop()
                control.closeAll()
            }
            if progress != nil {
                let totals = live.totals
                progress?.report(now: now, bytes: totals.bytes, calls: totals.calls)
            }
            intervals?.poll(now: now)
        }
    }
}
