import Winsock

/// Runs a send plan: WSAStartup, the payload, the connections, the mode's driver, and the report.
///
/// The runner never prints and never exits: it returns a `SendReport` whose `exitStatus` and
/// `errorSentence` say how the run ended, and tells its caller about progress through `RunEvents`.
/// `control` lets another thread stop it (a signal, a REPL's Ctrl-C).
///
/// How the run is watched (whether its loop runs on the caller's thread, who writes progress lines, how
/// a blocked call is ended) is the `RunSupervisor`'s choice, from the plan and `strategy`.
public struct Runner: Sendable {
    public let plan: RunPlan
    public let control: RunControl
    public let events: RunEvents
    public let strategy: RunSupervisor.Strategy

    public init(
        plan: RunPlan, control: RunControl = RunControl(), events: RunEvents = RunEvents(),
        strategy: RunSupervisor.Strategy = .watcherThread
    ) {
        self.plan = plan
        self.control = control
        self.events = events
        self.strategy = strategy
    }

    /// A buffer set this large takes a noticeable time to allocate and fill (seconds for gigabytes), so
    /// the run says so before it starts.
    static let largeBufferSet: UInt64 = 256 << 20

    public func run() -> SendReport {
        let clock = LatencyClock.start()
        var report = SendReport(plan: plan)
        let session: WinsockSession
        do {
            session = try WinsockSession()
        } catch {
            report.failure = .startup(error)
            return report
        }
        defer { withExtendedLifetime(session) {} }
        guard let driver = sendDriver(for: plan.mode) else {
            report.failure = .noDriver(plan.mode)
            return report
        }
        var file: InputFile?
        if case .file(let path) = plan.payload {
            switch InputFile.open(path) {
            case .success(let opened): file = opened
            case .failure(let error):
                report.failure = ToolFailure(unreadable: error)
                return report
            }
        }
        if plan.buffers.totalBytes >= Self.largeBufferSet {
            events.notice?("preparing \(Units.size(plan.buffers.totalBytes)) of buffers for the set")
        }
        guard let payload = PayloadBuffers(spec: plan.buffers, pattern: file == nil) else {
            report.failure = .buffersUnavailable(bytes: plan.buffers.totalBytes)
            return report
        }

        if let instant = plan.startAt {
            StartGate.wait(until: instant, control: control, events: events)
            if control.isStopping {
                report.interrupted = control.wasInterrupted
                return report
            }
        }
        let made: MadeConnections
        switch connect(&report) {
        case .success(let connections): made = connections
        case .failure(let failure):
            // A listen or connect cut short by a signal ends as the signal says, not as a failure.
            report.failure = control.wasInterrupted ? nil : failure
            report.noteInterruption(control)
            return report
        }
        report.noteInterruption(control)
        let open = made.open
        guard !open.isEmpty else { return report }
        events.threadsStarting?()
        events.header?(report.header)

        let live = LiveCounters(connections: open.count)
        let started = MonotonicClock.now()
        let supervisor = RunSupervisor(plan: plan, control: control, events: events, strategy: strategy)
        report.startedAt = WallClock.now()
        var context = DriveContext(
            plan: plan, control: control, events: events, payload: payload, file: file, live: live, started: started,
            supervisor: supervisor, clock: clock)
        if plan.reportInterval != nil && events.interval != nil { context.lanes = open.map { _ in IntervalLane() } }
        if plan.noConnect { context.destination = made.destination }
        // TCP connections are observed after their last call (TCP_INFO, --drain): a finished one ends its
        // stream at once but keeps its socket until then. So do --no-connect sockets, whose local address
        // (bound by their first WSASendTo) the report reads at the end.
        if plan.transport == .tcp || plan.noConnect { control.keepFinishedSocketsOpen() }
        let intervals = IntervalCollector(
            lanes: context.lanes, plan: plan, events: events, started: started,
            startedAt: report.startedAt ?? WallClock.now(), clock: clock)
        let supervisorThread = supervisor.startWatching(live: live, started: started, intervals: intervals)
        let result = driver.drive(made.handles, context: context)
        report.elapsedNanoseconds = MonotonicClock.now() &- started
        report.endedAt = WallClockTime(
            nanosecondsSinceEpoch: (report.startedAt?.nanosecondsSinceEpoch ?? 0) &+ report.elapsedNanoseconds)
        supervisor.finish(end: started &+ report.elapsedNanoseconds)
        supervisorThread?.join()
        observeDelivery(made, into: &report)
        if plan.noConnect { report.noteImplicitBinds(made) }
        for handle in made.handles { control.release(handle) }

        for (position, (index, _)) in open.enumerated() where position < result.outcomes.count {
            let outcome = result.outcomes[position]
            report.connections[index].keepCounters(outcome.counters)
            report.connections[index].error = outcome.error
            if let ended = outcome.ended { report.connections[index].finishedNanoseconds = ended &- started }
            report.summary.merge(outcome.counters.counters)
        }
        report.latency = result.latency.summary(clock: clock)
        report.latencyHistogram = result.latency.nanosecondHistogram(clock: clock)
        report.scheduledLatency = result.scheduled.summary
        report.scheduledHistogram = result.scheduled.nanosecondHistogram(clock: nil)
        report.failure = result.failure
        report.backend = result.backend
        report.noteInterruption(control)
        return report
    }

    /// Resolves and connects, or listens and accepts; a failure that ends the run before any connection
    /// (68, 69 for a listen address that cannot be bound). With `--listen`, the report gets the bound
    /// address (the port, when 0 was asked for).
    private func connect(_ report: inout SendReport) -> Result<MadeConnections, ToolFailure> {
        let connector = Connector(plan: plan, control: control)
        var made = MadeConnections(expected: plan.connections)
        report.connections.reserveCapacity(plan.connections)
        switch plan.endpoint {
        case .connect(let target):
            // No addresses when the run stopped while resolving: the loop below then makes no attempt.
            let addresses: [SocketAddress]
            switch connector.resolve(target) {
            case .success(let resolved): addresses = resolved
            case .failure(let failure): return .failure(failure)
            }
            if let failure = OpenFileLimit.raise(toHold: plan.openFilesNeeded, connections: plan.connections) {
                return .failure(failure)
            }
            for index in 0..<plan.connections where !control.isStopping {
                made.add(connector.connect(index: index, to: addresses), to: &report)
            }
        case .listen(let address):
            let listener: SOCKET
            switch Listener.open(address, type: plan.socketType, control: control) {
            case .success(let (handle, bound)):
                listener = handle
                report.endpoint = bound.description
                report.host = bound.host
                report.port = bound.port
                events.notice?("listening on \(bound) (\(plan.transport.rawValue))")
            case .failure(let failure): return .failure(failure)
            }
            for index in 0..<plan.connections where !control.isStopping {
                made.add(connector.accept(index: index, on: listener), to: &report)
            }
            control.release(listener)
        }
        return .success(made)
    }
}

extension SendReport {
    /// Marks the report interrupted, and by which signal, when the run was.
    mutating func noteInterruption(_ control: RunControl) {
        interrupted = control.wasInterrupted
        stopSignal = control.interruption ?? .interrupt
    }
}
