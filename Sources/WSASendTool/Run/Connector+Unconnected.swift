import Winsock

extension Connector {
    /// `--udp --no-connect`: a datagram socket with the plan's options and blocking mode, and no connect;
    /// the report's remote address is the target every WSASendTo sends to.
    func unconnected(index: Int, to addresses: [SocketAddress]) -> ConnectionAttempt {
        let started = MonotonicClock.now()
        let failed = { (code: Int32) in
            ConnectionAttempt(
                index: index, handle: nil, local: nil, remote: addresses.first,
                connectNanoseconds: MonotonicClock.now() &- started, error: code)
        }
        guard let address = addresses.first else { return failed(WSAEHOSTUNREACH) }
        let handle = socket(address.family, plan.socketType, 0)
        guard handle != INVALID_SOCKET else { return failed(WSAGetLastError()) }
        guard control.register(handle) else { return failed(WSAEINTR) }
        if let code = configure(handle) ?? bindSource(handle, index: index, family: address.family)
            ?? SocketOptions.setNonBlocking(handle, plan.mode == .nonblocking)
        {
            control.release(handle)
            return failed(code)
        }
        return ConnectionAttempt(
            index: index, handle: handle, local: nil, remote: address,
            connectNanoseconds: MonotonicClock.now() &- started)
    }
}

extension SendReport {
    /// `--udp --no-connect`: each socket's local address as getsockname gives it at the end of the run,
    /// before the sockets close. Nothing connected them, so the system bound each at its first WSASendTo
    /// (or `--bind` did before); a socket that sent nothing has no address and keeps none in the report.
    mutating func noteImplicitBinds(_ made: MadeConnections) {
        for (index, handle) in made.open where connections[index].localAddress == nil {
            connections[index].localAddress = SocketNames.local(handle).map(ReportAddress.init)
        }
    }
}
