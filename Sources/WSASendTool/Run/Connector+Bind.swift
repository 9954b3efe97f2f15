import Winsock

extension Connector {
    /// `--bind`: binds connection `index` to its source address (the list taken in turn, port 0) before
    /// it connects; the code of a refusal, such as WSAEADDRNOTAVAIL for an address no interface has,
    /// WSAEADDRINUSE when that source has no ephemeral port left, or WSAEAFNOSUPPORT for an IPv4 source
    /// on an IPv6 socket or the other way round (where Linux would say only EINVAL).
    func bindSource(_ handle: SOCKET, index: Int, family: Int32) -> Int32? {
        guard !plan.sourceAddresses.isEmpty else { return nil }
        let source = plan.sourceAddresses[index % plan.sourceAddresses.count]
        guard source.family == family else { return WSAEAFNOSUPPORT }
        let status = source.withSockaddr { Winsock.bind(handle, $0, $1) }
        return status == SOCKET_ERROR ? WSAGetLastError() : nil
    }
}
