import Winsock

/// A connection ready for WSASend calls, or why it could not be made.
struct ConnectionAttempt: Sendable {
    var index: Int
    var handle: SOCKET?
    var local: SocketAddress?
    var remote: SocketAddress?
    /// Time spent connecting (or waiting in accept), in nanoseconds.
    var connectNanoseconds: UInt64
    /// The WSA code when no connection was made.
    var error: Int32?
}

/// Makes the run's connections with the Win32-shaped calls: resolve, socket, options, connect (or bind,
/// listen, accept for `--listen`), then the plan's blocking mode.
struct Connector {
    let plan: RunPlan
    let control: RunControl

    /// Resolves the target with getaddrinfo, in a wait that the run's stop (SIGINT) or `interrupted`
    /// (the REPL's Ctrl-C) ends at once (`NameLookup`).
    ///
    /// - Returns: The addresses to try in order (none when the run stopped first), or a failure with exit
    ///   status 68.
    func resolve(_ target: Target, interrupted: () -> Bool = { false }) -> Result<[SocketAddress], ToolFailure> {
        switch NameLookup.resolve(
            host: target.host, port: target.port, type: plan.socketType, control: control, interrupted: interrupted)
        {
        case .resolved(let addresses): return .success(addresses)
        case .failed(let error): return .failure(.unresolvedHost(target.host, error))
        case .stopped: return .success([])
        }
    }

    /// Connects one socket, trying each address in turn; with `connectTimeout`, each try waits at most that.
    func connect(index: Int, to addresses: [SocketAddress]) -> ConnectionAttempt {
        if plan.noConnect { return unconnected(index: index, to: addresses) }
        let started = MonotonicClock.now()
        var lastError = WSAEHOSTUNREACH
        tries: for address in addresses {
            switch connectOne(address, index: index) {
            case .success(let handle):
                // Set-up ends with the connected socket in its mode; the local address the report names is
                // read after that, so connect_seconds times only what a connection needs.
                let connected = MonotonicClock.now()
                return ConnectionAttempt(
                    index: index, handle: handle, local: SocketNames.local(handle), remote: address,
                    connectNanoseconds: connected &- started)
            case .failure(let error):
                lastError = error.code
                if control.isStopping { break tries }
            }
        }
        return ConnectionAttempt(
            index: index, handle: nil, local: nil, remote: addresses.first,
            connectNanoseconds: MonotonicClock.now() &- started, error: lastError)
    }

    /// socket, options and a non-blocking connect waited for with WSAPoll, so that the timeout and a stop
    /// both apply; the code of the failing call otherwise.
    private func connectOne(_ address: SocketAddress, index: Int) -> Result<SOCKET, WSAError> {
        let handle = socket(address.family, plan.socketType, 0)
        guard handle != INVALID_SOCKET else { return .failure(WSAError(WSAGetLastError())) }
        guard control.register(handle) else { return .failure(.interrupted) }
        let fail = { (code: Int32) -> Result<SOCKET, WSAError> in
            control.release(handle)
            return .failure(WSAError(code))
        }
        if let code = configure(handle) ?? bindSource(handle, index: index, family: address.family) {
            return fail(code)
        }
        if let code = SocketOptions.setNonBlocking(handle, true) { return fail(code) }
        let status = address.withSockaddr { Winsock.connect(handle, $0, $1) }
        if status == SOCKET_ERROR {
            let code = WSAGetLastError()
            guard code == WSAEWOULDBLOCK else { return fail(code) }
            let deadline = plan.connectTimeout.map { MonotonicClock.now() &+ $0 }
            switch SocketOptions.wait(handle, for: POLLWRNORM, until: deadline, control: control) {
            case .ready: break
            case .timedOut: return fail(WSAETIMEDOUT)
            case .stopped: return fail(WSAEINTR)
            }
            guard let pending = SocketOptions.get(handle, level: SOL_SOCKET, name: SO_ERROR) else {
                return fail(WSAGetLastError())
            }
            if pending != 0 { return fail(pending) }
        }
        if plan.mode != .nonblocking, let code = SocketOptions.setNonBlocking(handle, false) { return fail(code) }
        return .success(handle)
    }

    /// The plan's socket options: SO_SNDBUF, SO_SNDTIMEO and TCP_NODELAY (stream sockets only); the code of
    /// a refusal.
    func configure(_ handle: SOCKET) -> Int32? {
        if let milliseconds = plan.sendTimeoutMilliseconds,
            let code = SocketOptions.set(
                handle, level: SOL_SOCKET, name: SO_SNDTIMEO, value: Int32(clamping: milliseconds))
        {
            return code
        }
        if let size = plan.sendBufferSize,
            let code = SocketOptions.set(handle, level: SOL_SOCKET, name: SO_SNDBUF, value: Int32(clamping: size))
        {
            return code
        }
        if plan.noDelay && plan.transport == .tcp,
            let code = SocketOptions.set(handle, level: IPPROTO_TCP, name: TCP_NODELAY, value: 1)
        {
            return code
        }
        return nil
    }

    /// Accepts one connection on `listener` for `--listen`, waiting at most `connectTimeout`.
    func accept(index: Int, on listener: SOCKET) -> ConnectionAttempt {
        let started = MonotonicClock.now()
        let deadline = plan.connectTimeout.map { started &+ $0 }
        let failed = { (code: Int32) in
            ConnectionAttempt(
                index: index, handle: nil, local: nil, remote: nil, connectNanoseconds: MonotonicClock.now() &- started,
                error: code)
        }
        switch SocketOptions.wait(listener, for: POLLRDNORM, until: deadline, control: control) {
        case .ready: break
        case .timedOut: return failed(WSAETIMEDOUT)
        case .stopped: return failed(WSAEINTR)
        }
        let handle = Winsock.accept(listener, nil, nil)
        guard handle != INVALID_SOCKET else { return failed(WSAGetLastError()) }
        guard control.register(handle) else { return failed(WSAEINTR) }
        if let code = configure(handle) ?? SocketOptions.setNonBlocking(handle, plan.mode == .nonblocking) {
            control.release(handle)
            return failed(code)
        }
        return ConnectionAttempt(
            index: index, handle: handle, local: SocketNames.local(handle), remote: SocketNames.peer(handle),
            connectNanoseconds: MonotonicClock.now() &- started)
    }
}
