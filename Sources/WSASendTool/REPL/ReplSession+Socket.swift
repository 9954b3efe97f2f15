import Winsock

// The session's socket: connect, listen, close, shutdown, recv.
extension ReplSession {
    /// The plan the command line would make of these settings, for the shared `Connector`.
    func plan(for endpoint: RunPlan.Endpoint, udp: Bool) -> RunPlan {
        var plan = RunPlan(endpoint: endpoint)
        plan.transport = udp ? .udp : .tcp
        plan.mode = settings.mode
        plan.sendBufferSize = settings.sendBufferSize.map { UInt32(clamping: $0) }
        plan.noDelay = settings.noDelay
        plan.connectTimeout = settings.connectTimeout
        return plan
    }

    func connect(_ target: Target, udp: Bool, emit: (String) -> Void) -> ReplOutcome {
        if socket != nil {
            let closed = close(emit: emit)
            guard closed.succeeded else { return closed }
        }
        let plan = plan(for: .connect(target), udp: udp)
        let connector = Connector(plan: plan, control: control)
        let addresses: [SocketAddress]
        switch connector.resolve(target, interrupted: interrupt.take) {
        case .success(let resolved) where resolved.isEmpty: return .failure("connect to \(target) interrupted")
        case .success(let resolved): addresses = resolved
        case .failure(let failure): return .failure(failure.message)
        }
        var lastError = WSAError(WSAEHOSTUNREACH)
        for address in addresses {
            switch connectOne(address, connector: connector) {
            case .success(let handle):
                adopt(handle, endpoint: .connect(target), transport: plan.transport, remote: address)
                emit("connected to \(address) from \(local?.description ?? "-")")
                return applySendTimeout()
            case .failure(let error):
                lastError = error
                if error.code == WSAEINTR { return .failure("connect to \(target) interrupted") }
            }
        }
        return .failure("cannot connect to \(target): \(lastError.name) (\(lastError.code)): \(lastError.summary)")
    }

    /// socket, the settings' options, and a non-blocking connect waited for in WSAPoll slices, so that
    /// Ctrl-C (WSAEINTR here) and the connect timeout both end it.
    private func connectOne(_ address: SocketAddress, connector: Connector) -> Result<SOCKET, WSAError> {
        let handle = Winsock.socket(address.family, connector.plan.socketType, 0)
        guard handle != INVALID_SOCKET else { return .failure(WSAError(WSAGetLastError())) }
        guard control.register(handle) else { return .failure(WSAError(WSAEINTR)) }
        let fail = { (code: Int32) -> Result<SOCKET, WSAError> in
            self.control.release(handle)
            return .failure(WSAError(code))
        }
        if let code = connector.configure(handle) ?? SocketOptions.setNonBlocking(handle, true) { return fail(code) }
        if address.withSockaddr({ Winsock.connect(handle, $0, $1) }) == SOCKET_ERROR {
            let code = WSAGetLastError()
            guard code == WSAEWOULDBLOCK else { return fail(code) }
            let deadline = settings.connectTimeout.map { MonotonicClock.now() &+ $0 }
            while true {
                if interrupt.take() { return fail(WSAEINTR) }
                var entry = WSAPOLLFD(fd: handle, events: POLLWRNORM)
                if WSAPoll(&entry, 1, Int32(ReplInterrupt.slice)) != 0 { break }
                if let deadline, MonotonicClock.now() >= deadline { return fail(WSAETIMEDOUT) }
            }
            guard let pending = SocketOptions.get(handle, level: SOL_SOCKET, name: SO_ERROR) else {
                return fail(WSAGetLastError())
            }
            if pending != 0 { return fail(pending) }
        }
        return .success(handle)
    }

    func listen(_ address: ListenAddress, emit: (String) -> Void) -> ReplOutcome {
        if socket != nil {
            let closed = close(emit: emit)
            guard closed.succeeded else { return closed }
        }
        let plan = plan(for: .listen(address), udp: false)
        let listener: SOCKET
        switch Listener.open(address, type: SOCK_STREAM, control: control, interrupted: interrupt.take) {
        case .success(let (handle, bound)):
            listener = handle
            emit("listening on \(bound) (tcp)")
        case .failure(.interrupted):
            return .failure("listen on \(address) interrupted")
        case .failure(let failure):
            return .failure(failure.message)
        }
        defer { control.release(listener) }
        let deadline = settings.connectTimeout.map { MonotonicClock.now() &+ $0 }
        while true {
            if interrupt.take() { return .failure("listen interrupted: no peer connected") }
            var entry = WSAPOLLFD(fd: listener, events: POLLRDNORM)
            if WSAPoll(&entry, 1, Int32(ReplInterrupt.slice)) > 0 { break }
            if let deadline, MonotonicClock.now() >= deadline {
                return .failure("no peer connected to \(address) in time: WSAETIMEDOUT (10060)")
            }
        }
        let handle = Winsock.accept(listener, nil, nil)
        guard handle != INVALID_SOCKET else {
            let error = WSAError(WSAGetLastError())
            return .failure("accept failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        guard control.register(handle) else { return .failure("accept failed: the session is ending") }
        if let code = Connector(plan: plan, control: control).configure(handle) {
            control.release(handle)
            let error = WSAError(code)
            return .failure("setsockopt failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        adopt(handle, endpoint: .listen(address), transport: .tcp, remote: SocketNames.peer(handle))
        emit("accepted \(remote?.description ?? "-") on \(local?.description ?? "-")")
        return applySendTimeout()
    }

    func adopt(_ handle: SOCKET, endpoint: RunPlan.Endpoint, transport: Transport, remote: SocketAddress?) {
        socket = handle
        self.endpoint = endpoint
        self.transport = transport
        self.remote = remote
        local = SocketNames.local(handle)
        let wanted = settings.mode == .nonblocking
        nonBlocking = SocketOptions.setNonBlocking(handle, wanted) == nil ? wanted : !wanted
    }

    func applySendTimeout() -> ReplOutcome {
        guard let socket, settings.sendTimeout > 0 else { return ReplOutcome() }
        let milliseconds = Int32(clamping: settings.sendTimeout / 1_000_000)
        if let code = SocketOptions.set(socket, level: SOL_SOCKET, name: SO_SNDTIMEO, value: milliseconds) {
            let error = WSAError(code)
            return .failure("setsockopt SO_SNDTIMEO failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        return ReplOutcome()
    }

    /// closesocket, then an alertable wait for the routines (or a look at each event) of the sends it
    /// aborted, so that each prints its WSA_OPERATION_ABORTED, oldest first.
    func close(emit: (String) -> Void) -> ReplOutcome {
        guard let socket else { return .failure("not connected: there is no socket to close") }
        let aborting = operations.filter { !$0.finished }.count
        control.release(socket)
        self.socket = nil
        datagramTarget = nil
        var outcome = ReplOutcome()
        collectAll(emit: emit, outcome: &outcome)
        emit("closed\(aborting > 0 ? " (\(aborting) pending sends aborted)" : "")")
        return outcome
    }

    func shutdown(_ direction: ShutdownDirection, emit: (String) -> Void) -> ReplOutcome {
        guard let socket else { return notConnected() }
        guard Winsock.shutdown(socket, direction.how) == 0 else {
            let error = WSAError(WSAGetLastError())
            return .failure("shutdown failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        emit("shutdown \(direction.rawValue) (\(["SD_RECEIVE", "SD_SEND", "SD_BOTH"][Int(direction.how)]))")
        return ReplOutcome()
    }

    func notConnected() -> ReplOutcome {
        .failure("not connected: connect HOST:PORT or listen PORT first")
    }

    /// Waits for data (WSAPoll in slices, so that Ctrl-C ends it), then one recv.
    func receive(size: UInt64, timeout: UInt64, emit: (String) -> Void) -> ReplOutcome {
        guard let socket else { return notConnected() }
        let deadline = MonotonicClock.now() &+ timeout
        while true {
            if interrupt.take() {
                emit("recv interrupted: nothing received")
                return ReplOutcome()
            }
            let now = MonotonicClock.now()
            let left = deadline > now ? (deadline - now + 999_999) / 1_000_000 : 0
            var entry = WSAPOLLFD(fd: socket, events: POLLRDNORM)
            let ready = WSAPoll(&entry, 1, Int32(min(left, ReplInterrupt.slice)))
            if ready != 0 { break }
            if left == 0 {
                emit("nothing received within \(Units.duration(Double(timeout)))")
                return ReplOutcome()
            }
        }
        var buffer = [CChar](repeating: 0, count: Int(size))
        let count = buffer.withUnsafeMutableBufferPointer { recv(socket, $0.baseAddress, Int32($0.count), 0) }
        if count == SOCKET_ERROR {
            let error = WSAError(WSAGetLastError())
            return .failure("recv = SOCKET_ERROR, \(error.name) (\(error.code)): \(error.summary)")
        }
        if count == 0 {
            emit("recv = 0: the peer closed its side of the connection")
            return ReplOutcome()
        }
        let bytes = buffer[..<Int(count)].map { UInt8(bitPattern: $0) }
        emit("recv = \(count) bytes")
        ReplBytesView.lines(bytes).forEach(emit)
        return ReplOutcome()
    }
}
