import Winsock

/// `wsasend sink`: binds, then receives TCP connections concurrently (all of them in one poll loop) or UDP
/// datagrams, counting bytes and urgent bytes, until `--once`, `--idle` or a stop.
///
/// Like the runner, it never prints or exits: it returns a `SinkReport`, tells its caller the bound
/// address through `ready`, and records each finished connection in `ledger` as it ends.
public struct SinkServer: Sendable {
    public let plan: SinkPlan
    public let control: RunControl
    public let events: RunEvents
    public let ledger: SinkLedger

    /// SO_RCVBUF of a UDP sink: datagrams that find the queue full are dropped, so ask for room.
    static let datagramReceiveBuffer: Int32 = 4 << 20

    public init(
        plan: SinkPlan, control: RunControl = RunControl(), events: RunEvents = RunEvents(),
        ledger: SinkLedger = SinkLedger()
    ) {
        self.plan = plan
        self.control = control
        self.events = events
        self.ledger = ledger
    }

    /// Serves until the sink stops.
    ///
    /// - Parameter ready: Called with the bound address once the sink accepts connections or datagrams.
    public func run(ready: (@Sendable (SocketAddress) -> Void)? = nil) -> SinkReport {
        var report = SinkReport(plan: plan)
        let session: WinsockSession
        do {
            session = try WinsockSession()
        } catch {
            report.failure = .startup(error)
            return report
        }
        defer { withExtendedLifetime(session) {} }
        var output: OutputFile?
        if let path = plan.output {
            switch OutputFile.create(path) {
            case .success(let file): output = file
            case .failure(let error):
                report.failure = .uncreatableOutput(path: error.path, errno: error.code)
                return report
            }
        }
        let type = plan.transport == .tcp ? SOCK_STREAM : SOCK_DGRAM
        let buffer = plan.transport == .udp ? Self.datagramReceiveBuffer : plan.receiveBuffer
        let (listener, bound): (SOCKET, SocketAddress)
        switch Listener.open(plan.address, type: type, receiveBuffer: buffer, control: control) {
        case .success(let opened): (listener, bound) = opened
        case .failure(let failure):
            // A signal during the lookup ends the sink as a signal does: its (empty) report, 128+N.
            report.failure = control.wasInterrupted ? nil : failure
            report.interrupted = control.wasInterrupted
            report.stopSignal = control.interruption ?? .interrupt
            return report
        }
        report.host = bound.host
        report.port = bound.port
        report.address = bound.description
        events.notice?("listening on \(bound) (\(plan.transport.rawValue))")
        ready?(bound)

        let watcher = SinkWatcher(plan: plan, events: events, ledger: ledger)
        let watcherThread = WorkerThread.start { watcher.watch() }
        let fileError: SystemFileError?
        if plan.transport == .udp {
            fileError = serveDatagrams(on: listener, output: output)
        } else {
            fileError = serveConnections(on: listener, output: output)
        }
        control.release(listener)
        watcher.finish()
        watcherThread?.join()
        if let fileError {
            report.failure = .unwritableOutput(path: fileError.path, errno: fileError.code)
        }
        report.connections = ledger.connections.sorted { $0.index < $1.index }
        report.interrupted = control.wasInterrupted
        report.stopSignal = control.interruption ?? .interrupt
        return report
    }

    private func serveDatagrams(on handle: SOCKET, output: OutputFile?) -> SystemFileError? {
        var connection = SinkConnectionReport(index: 0)
        connection.opened = MonotonicClock.now()
        var receiver = SinkReceiver(handle: handle, transport: .udp, server: self, output: output)
        let error = receiver.receive(into: &connection)
        ledger.add(connection)
        return error
    }

    /// Accepts until the sink stops: with `--output` or `--once`, one connection at a time on this thread
    /// (so that the file holds whole streams in order); otherwise every connection at once, on this
    /// thread too (`SinkConnections`; one at a time if it cannot make its epoll set).
    private func serveConnections(on listener: SOCKET, output: OutputFile?) -> SystemFileError? {
        if output == nil && !plan.once, let connections = SinkConnections(listener: listener, server: self) {
            connections.serve()
            return nil
        }
        var index = 0
        while !control.isStopping {
            if !idle.wait(listener, for: POLLRDNORM) { break }
            guard case .accepted(let handle, let opened) = accept(on: listener, index: index) else { continue }
            index += 1
            var connection = opened
            var receiver = SinkReceiver(handle: handle, transport: .tcp, server: self, output: output)
            let error = receiver.receive(into: &connection)
            finish(connection, handle: handle)
            if plan.once || error != nil { return error }
        }
        return nil
    }

    /// `--idle`, as the reading threads decide it.
    var idle: SinkIdle { SinkIdle(idle: plan.idle, ledger: ledger, control: control) }

    /// What one accept gave.
    enum Accepted {
        case accepted(SOCKET, SinkConnectionReport)
        /// No connection was waiting (a non-blocking listener).
        case noneWaiting
        /// Out of descriptors, a connection reset before accept, or the sink stopping.
        case failed
    }

    /// Accepts one connection and opens its report (numbered `index`); says so with `-v`.
    func accept(on listener: SOCKET, index: Int) -> Accepted {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let handle = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(listener, $0, &length) }
        }
        guard handle != INVALID_SOCKET else {
            if WSAGetLastError() == WSAEWOULDBLOCK { return .noneWaiting }
            // Out of descriptors or a connection reset before accept: the caller tries again, without
            // spinning.
            sleepNanoseconds(10_000_000)
            return .failed
        }
        guard control.register(handle) else { return .failed }
        var connection = SinkConnectionReport(index: index)
        connection.opened = MonotonicClock.now()
        connection.peer = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0, length: length).description }
        }
        if plan.verbose { events.notice?("connection \(connection.index) from \(connection.peer ?? "?")") }
        return .accepted(handle, connection)
    }

    /// Closes a finished connection and records it; says so with `-v`.
    func finish(_ connection: SinkConnectionReport, handle: SOCKET) {
        control.release(handle)
        ledger.add(connection)
        if plan.verbose {
            events.notice?("connection \(connection.index) closed: \(Units.count(connection.bytes, "byte", "bytes"))")
        }
    }
}
