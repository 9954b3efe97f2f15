import Winsock

/// A REPL session: one socket at most, the settings, the overlapped sends in flight and the counts so
/// far. It runs commands on the calling thread (completion routines run there too, in its alertable
/// waits) and prints through `emit` as it goes; it knows nothing of terminals.
public final class ReplSession {
    public private(set) var settings: ReplSettings
    let interrupt: ReplInterrupt
    /// The lines entered, oldest first (the line editor may start it with the saved history).
    public var history: [String] = []

    var socket: SOCKET?
    var transport = Transport.tcp
    /// "127.0.0.1:9000", or "listen 127.0.0.1:9000" while the session has accepted a peer.
    var endpoint: RunPlan.Endpoint?
    var local: SocketAddress?
    var remote: SocketAddress?
    /// Where `sendto` sends when its line names no destination: the target of
    /// `connect --udp --no-connect`, or of the `sendto` that opened the socket.
    var datagramTarget: (name: Target, address: SocketAddress)?
    /// The destination of the calls being made now: set by `sendto` for its calls (WSASendTo), nil for
    /// `send` (WSASend).
    var destinationOfCalls: SocketAddress?
    /// The socket's FIONBIO as last set.
    var nonBlocking = false
    let control = RunControl()
    /// The overlapped sends not yet seen to the end, oldest first.
    var operations: [ReplOperation] = []
    /// Routines that ran in the current alertable wait, in the order they ran.
    var routinesRun: [UInt64] = []
    var nextID: UInt64 = 1
    /// The pattern behind `send N`, remade when the buffers change.
    var pattern: ReplPayload?
    var counters = CallCounters()
    var firstCallAt: UInt64?
    /// The end of the last call or completion, so that the elapsed time covers the overlapped sends.
    var lastCallAt: UInt64 = 0
    /// True once `finish` ran (quit, then the end of the input, must not print the stats twice).
    var ended = false

    /// True when WSAStartup succeeded (every call fails with WSANOTINITIALISED otherwise, and says so).
    private let started: Bool

    public init(settings: ReplSettings, interrupt: ReplInterrupt) {
        self.settings = settings
        self.interrupt = interrupt
        var data = WSADATA()
        started = WSAStartup(MAKEWORD(2, 2), &data) == 0
    }

    deinit {
        if let socket { control.release(socket) }
        if started { _ = WSACleanup() }
    }

    /// The prompt: where the session is and what the next send does,
    /// `wsasend 127.0.0.1:9000 tcp event 3 pending> `.
    public var prompt: String {
        var parts = ["wsasend"]
        if socket != nil, let remote {
            parts.append(remote.description)
            parts.append(transport.rawValue)
        } else if socket != nil {
            parts.append(datagramTarget.map { "to \($0.address)" } ?? "(unconnected)")
            parts.append(transport.rawValue)
        } else {
            parts.append("(not connected)")
        }
        parts.append(settings.mode.rawValue)
        let pendingCount = operations.filter { !$0.finished }.count
        if pendingCount > 0 { parts.append("\(pendingCount) pending") }
        return parts.joined(separator: " ") + "> "
    }

    /// The IDs of the sends in flight, for completion.
    public var pendingIDs: [UInt64] { operations.map(\.id) }

    /// Runs one command, printing its result lines through `emit` as they come.
    public func run(_ command: ReplCommand, emit: (String) -> Void) -> ReplOutcome {
        interrupt.clear()
        switch command {
        case .nothing: return ReplOutcome()
        case .connect(let target, let udp, let noConnect):
            return noConnect ? openUnconnected(target, emit: emit) : connect(target, udp: udp, emit: emit)
        case .listen(let address): return listen(address, emit: emit)
        case .close: return close(emit: emit)
        case .shutdown(let direction): return shutdown(direction, emit: emit)
        case .set(let setting): return set(setting, emit: emit)
        case .settings:
            settings.lines.forEach(emit)
            return ReplOutcome()
        case .send(let count): return send(count: count, emit: emit)
        case .sendBytes(let bytes): return send(bytes: bytes, emit: emit)
        case .sendTo(let target, let count): return sendTo(target, emit: emit) { send(count: count, emit: emit) }
        case .sendBytesTo(let target, let bytes):
            return sendTo(target, emit: emit) { send(bytes: bytes, emit: emit) }
        case .recv(let size, let timeout): return receive(size: size, timeout: timeout, emit: emit)
        case .pending: return listPending(emit: emit)
        case .wait(let timeout): return wait(timeout: timeout, emit: emit)
        case .result(let id, let wait): return result(id: id, wait: wait, emit: emit)
        case .flush: return flush(emit: emit)
        case .status: return status(emit: emit)
        case .stats(let json): return stats(json: json, emit: emit)
        case .codes(let code):
            if let code, let info = WSAErrorCatalog.info(for: code) {
                CodesReport.entry(info).split(separator: "\n", omittingEmptySubsequences: false).forEach {
                    emit(String($0))
                }
            } else {
                CodesReport.table.split(separator: "\n").forEach { emit(String($0)) }
            }
            return ReplOutcome()
        case .history:
            for (index, line) in history.enumerated() { emit("\(index + 1)  \(line)") }
            return ReplOutcome()
        case .help(let topic):
            ReplHelp.text(for: topic).forEach(emit)
            return ReplOutcome()
        case .quit:
            var outcome = finish(emit: emit)
            outcome.quit = true
            return outcome
        }
    }

    /// The end of the session (quit, Ctrl-D, the end of a script): closes the socket, printing what
    /// that aborts, then the stats when any call was made.
    public func finish(emit: (String) -> Void) -> ReplOutcome {
        guard !ended else { return ReplOutcome() }
        ended = true
        var outcome = ReplOutcome()
        if socket != nil { outcome = close(emit: emit) }
        if counters.calls > 0 { report.text.split(separator: "\n").forEach { emit(String($0)) } }
        return outcome
    }

    /// The send command's report for the session so far.
    var report: SendReport {
        var plan = RunPlan(endpoint: endpoint ?? .connect(Target(host: "-", port: 0)))
        plan.transport = transport
        plan.buffers = settings.buffers
        plan.flags = settings.flags
        plan.mode = settings.mode
        plan.outstanding = settings.outstanding
        var report = SendReport(plan: plan)
        report.summary = counters
        var connection = ConnectionReport(index: 0)
        connection.local = local?.description
        connection.remote = remote?.description
        connection.counters = counters
        report.connections = endpoint == nil ? [] : [connection]
        report.elapsedNanoseconds = firstCallAt.map { lastCallAt &- $0 } ?? 0
        return report
    }

    private func stats(json: Bool, emit: (String) -> Void) -> ReplOutcome {
        var outcome = ReplOutcome()
        if json {
            let value = report.json
            outcome.report = value
            emit(value.renderedOnOneLine())
        } else {
            report.text.split(separator: "\n").forEach { emit(String($0)) }
        }
        return outcome
    }

    private func status(emit: (String) -> Void) -> ReplOutcome {
        guard let socket else {
            emit("not connected")
            return ReplOutcome()
        }
        emit("socket      \(socket) (\(transport.rawValue))")
        emit("local       \(local?.description ?? "-")")
        emit("peer        \(remote?.description ?? "-")")
        if remote == nil, let datagramTarget { emit("sendto      \(datagramTarget.address)") }
        emit("mode        \(settings.mode.rawValue)\(nonBlocking ? ", FIONBIO on" : "")")
        emit("pending     \(operations.filter { !$0.finished }.count)")
        emit("calls       \(counters.calls), \(Units.grouped(counters.bytesSent)) bytes sent")
        return ReplOutcome()
    }

    private func set(_ setting: ReplSetting, emit: (String) -> Void) -> ReplOutcome {
        if case .mode(let mode) = setting, mode != settings.mode, !operations.isEmpty {
            return .failure(
                "\(operations.count) overlapped sends are not finished: wait, flush or close before changing the mode")
        }
        settings.apply(setting)
        if case .buffers = setting { pattern = nil }
        guard let socket else { return ReplOutcome() }
        var code: Int32?
        switch setting {
        case .sndbuf(let size):
            code = SocketOptions.set(socket, level: SOL_SOCKET, name: SO_SNDBUF, value: Int32(clamping: size))
        case .nodelay(let on) where transport == .tcp:
            code = SocketOptions.set(socket, level: IPPROTO_TCP, name: TCP_NODELAY, value: on ? 1 : 0)
        case .sndtimeo(let nanoseconds):
            code = SocketOptions.set(
                socket, level: SOL_SOCKET, name: SO_SNDTIMEO, value: Int32(clamping: nanoseconds / 1_000_000))
        default:
            break
        }
        if let code {
            let error = WSAError(code)
            return .failure("setsockopt failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        return ReplOutcome()
    }
}
