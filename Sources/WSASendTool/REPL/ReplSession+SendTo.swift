import Winsock

// `sendto` and `connect HOST:PORT --udp --no-connect`: datagrams sent with WSASendTo from an unconnected
// UDP socket, each to the line's destination or to the session's target.
extension ReplSession {
    /// Closes the current socket and opens an unconnected UDP socket whose datagrams go to `target`
    /// unless a `sendto` line names another destination.
    func openUnconnected(_ target: Target, emit: (String) -> Void) -> ReplOutcome {
        if socket != nil {
            let closed = close(emit: emit)
            guard closed.succeeded else { return closed }
        }
        let address: SocketAddress
        switch resolveDatagramTarget(target) {
        case .success(let resolved): address = resolved
        case .failure(let message): return .failure(message.text)
        }
        if let failure = openDatagramSocket(for: target, at: address) { return failure }
        emit("unconnected UDP socket: sendto sends to \(address)")
        return applySendTimeout()
    }

    /// Runs `send` (the calls of `body`) with WSASendTo to `target`, or to the session's target.
    /// Without a socket, opens an unconnected UDP socket for the destination first (as a program that
    /// only calls WSASendTo does: the first call binds it).
    func sendTo(_ target: Target?, emit: (String) -> Void, _ body: () -> ReplOutcome) -> ReplOutcome {
        var destination = datagramTarget
        if let target {
            switch resolveDatagramTarget(target) {
            case .success(let address): destination = (target, address)
            case .failure(let message): return .failure(message.text)
            }
        }
        guard let destination else {
            return .failure(
                "sendto needs a destination: sendto HOST:PORT ..., or connect HOST:PORT --udp --no-connect first")
        }
        if socket == nil {
            if let failure = openDatagramSocket(for: destination.name, at: destination.address) { return failure }
            emit("unconnected UDP socket opened for sendto")
            let timeout = applySendTimeout()
            guard timeout.succeeded else { return timeout }
        } else if transport != .udp {
            return .failure(
                "sendto sends datagrams, and the session's socket is a TCP stream: "
                    + "close it, or connect HOST:PORT --udp --no-connect")
        }
        destinationOfCalls = destination.address
        defer { destinationOfCalls = nil }
        let outcome = body()
        if local == nil, let socket { local = SocketNames.local(socket) }
        return outcome
    }

    /// A failure's sentence, as an error value for `Result`.
    struct SendToFailure: Error {
        let text: String
    }

    private func resolveDatagramTarget(_ target: Target) -> Result<SocketAddress, SendToFailure> {
        let connector = Connector(plan: plan(for: .connect(target), udp: true), control: control)
        switch connector.resolve(target) {
        case .success(let addresses):
            guard let first = addresses.first else { return .failure(SendToFailure(text: "\(target) has no address")) }
            return .success(first)
        case .failure(let failure):
            return .failure(SendToFailure(text: failure.message))
        }
    }

    /// socket(SOCK_DGRAM) for the address's family with the settings' options, left unconnected and
    /// unbound; nil when it worked, else the failure.
    private func openDatagramSocket(for target: Target, at address: SocketAddress) -> ReplOutcome? {
        let connector = Connector(plan: plan(for: .connect(target), udp: true), control: control)
        let handle = Winsock.socket(address.family, SOCK_DGRAM, 0)
        guard handle != INVALID_SOCKET else {
            let error = WSAError(WSAGetLastError())
            return .failure("socket failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        guard control.register(handle) else { return .failure("socket failed: the session is ending") }
        if let code = connector.configure(handle) {
            control.release(handle)
            let error = WSAError(code)
            return .failure("setsockopt failed: \(error.name) (\(error.code)): \(error.summary)")
        }
        adopt(handle, endpoint: .connect(target), transport: .udp, remote: nil)
        datagramTarget = (target, address)
        return nil
    }
}
