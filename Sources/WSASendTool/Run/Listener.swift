import Winsock

/// A bound (and, for TCP, listening) socket: the sink's, and the sender's with `--listen`.
enum Listener {
    /// Connections the kernel may queue before they are accepted (listen(2)'s backlog; Linux caps it at
    /// net.core.somaxconn, 4096 by default). A sender setting up thousands of connections makes them
    /// faster than a sink accepts them for a moment; a full queue drops SYNs, and each drop costs that
    /// sender a second or more (128 did, at 3,000 connections).
    static let backlog: Int32 = 4096

    /// Resolves `address`, binds a socket of `type` with SO_REUSEADDR and listens on stream sockets.
    ///
    /// A name is looked up as the sending side looks up its target (`NameLookup`: on a helper thread,
    /// waited for in a way a stop ends), so Ctrl-C during a slow lookup ends it at once; `interrupted`
    /// is asked between slices of that wait (the REPL's Ctrl-C).
    ///
    /// - Returns: The socket (registered with `control`) and the address it is bound to, or a failure:
    ///   68 when the host does not resolve, 69 when the address cannot be bound, `.interrupted` when the
    ///   run stopped during the lookup.
    static func open(
        _ address: ListenAddress, type: Int32, receiveBuffer: Int32? = nil, control: RunControl,
        interrupted: () -> Bool = { false }
    ) -> Result<(SOCKET, SocketAddress), ToolFailure> {
        let candidates: [SocketAddress]
        switch NameLookup.resolve(
            host: address.host, port: address.port, type: type, control: control, interrupted: interrupted)
        {
        case .resolved(let addresses): candidates = addresses
        case .failed(let error): return .failure(.unresolvedHost(address.host, error))
        case .stopped: return .failure(.interrupted)
        }
        var lastCode = WSAEADDRNOTAVAIL
        for candidate in candidates {
            let handle = socket(candidate.family, type, 0)
            guard handle != INVALID_SOCKET else {
                lastCode = WSAGetLastError()
                continue
            }
            guard control.register(handle) else { return .failure(.interrupted) }
            _ = SocketOptions.set(handle, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            if let receiveBuffer {
                _ = SocketOptions.set(handle, level: SOL_SOCKET, name: SO_RCVBUF, value: receiveBuffer)
            }
            var status = candidate.withSockaddr { bind(handle, $0, $1) }
            if status == 0 && type == SOCK_STREAM { status = listen(handle, Self.backlog) }
            if status == 0 { return .success((handle, SocketNames.local(handle) ?? candidate)) }
            lastCode = WSAGetLastError()
            control.release(handle)
        }
        return .failure(.cannotListen(address.description, WSAError(lastCode)))
    }
}
