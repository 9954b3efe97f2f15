import Glibc

/// Where one WSASendTo datagram goes: a copy of the caller's address, checked as Windows checks it.
///
/// The storage comes first, so a pointer to the destination is a pointer to the address (`msg_name`).
struct SendDestination {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    /// Checks `lpTo` and `iTolen` for a datagram socket, in Windows' order; the destination, nil to send
    /// to the connected peer, or the refusal's code.
    ///
    /// - nil `lpTo`: the socket's peer from `connect`; without one, WSAEDESTADDRREQ ("A destination
    ///   address is required").
    /// - `iTolen` below the family's address size (16 for IPv4, 28 for IPv6): WSAEFAULT ("the lpTo
    ///   parameter is too small").
    /// - another family than the socket's: WSAEAFNOSUPPORT ("Addresses in the specified family cannot
    ///   be used with this socket").
    /// - the wildcard address or port 0: WSAEADDRNOTAVAIL ("The remote address is not a valid address
    ///   (such as ADDR_ANY)").
    static func check(
        _ lpTo: UnsafePointer<sockaddr>?, _ iTolen: Int32, for record: SocketRecord
    ) -> Result<SendDestination?, WSAError> {
        guard let lpTo else {
            return record.isConnected ? .success(nil) : .failure(WSAError(WSAEDESTADDRREQ))
        }
        guard iTolen >= record.addressLength else { return .failure(WSAError(WSAEFAULT)) }
        guard Int32(lpTo.pointee.sa_family) == record.family else { return .failure(WSAError(WSAEAFNOSUPPORT)) }
        var destination = SendDestination()
        destination.length = socklen_t(record.addressLength)
        withUnsafeMutableBytes(of: &destination.storage) {
            $0.copyMemory(from: UnsafeRawBufferPointer(start: lpTo, count: Int(destination.length)))
        }
        guard SocketRecord.port(of: destination.storage) != 0, !destination.isWildcard else {
            return .failure(WSAError(WSAEADDRNOTAVAIL))
        }
        return .success(destination)
    }

    /// The address is 0.0.0.0 or ::.
    private var isWildcard: Bool {
        var storage = storage
        return withUnsafeBytes(of: &storage) { raw in
            if Int32(raw.load(as: sa_family_t.self)) == AF_INET6 {
                // sin6_addr follows the family, the port and the 4-byte flow information.
                return raw[8..<24].allSatisfy { $0 == 0 }
            }
            // sin_addr follows the family and the port.
            return raw[4..<8].allSatisfy { $0 == 0 }
        }
    }
}

extension msghdr {
    /// Points the message at `destination`'s address, or at none (the connected peer) for nil.
    @inline(__always)
    mutating func address(_ destination: UnsafePointer<SendDestination>?) {
        msg_name = destination.map { UnsafeMutableRawPointer(mutating: $0) }
        msg_namelen = destination?.pointee.length ?? 0
    }
}
