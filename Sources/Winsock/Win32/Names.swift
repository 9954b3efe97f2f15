import Glibc

/// The local address a socket is bound to. A `namelen` too small for the address gives WSAEFAULT
/// (Linux would truncate it; Windows refuses), and nothing is written. A socket that was never bound
/// (by bind, connect, or the implicit bind of a first WSASendTo) gives WSAEINVAL and leaves the caller's
/// buffer untouched: Linux would answer with the wildcard address and port 0.
///
/// The corresponding Win32 function is `getsockname`.
public func getsockname(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    socketName(s, name, namelen, system_getsockname, peer: false)
}

/// The address of the socket's peer. A `namelen` too small for the address gives WSAEFAULT, as
/// `getsockname`. After `shutdown` the peer's address is still given, as Windows gives it, although
/// Linux forgets it once the connection is closed both ways.
///
/// The corresponding Win32 function is `getpeername`.
public func getpeername(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    socketName(s, name, namelen, system_getpeername, peer: true)
}

private func socketName(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?,
    _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32, peer: Bool
) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard let name, let namelen, namelen.pointee > 0 else { return socketError(WSAEFAULT) }
    // Linux truncates an address that does not fit; Windows refuses the call ("the namelen parameter is
    // too small"): read the whole address first, and copy it only when it fits.
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(record.fd, $0, &length) }
    }
    if result == -ENOTCONN && peer, let remembered = record.rememberedPeer.bytes {
        storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: remembered) }
        length = socklen_t(remembered.count)
    } else if result < 0 {
        return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other)))
    } else if !peer && (record.family == AF_INET || record.family == AF_INET6) && SocketRecord.port(of: storage) == 0 {
        // "The socket has not been bound to an address with bind" (getsockname's WSAEINVAL).
        return socketError(WSAEINVAL)
    }
    guard Int(length) <= Int(namelen.pointee) else { return socketError(WSAEFAULT) }
    withUnsafeBytes(of: &storage) {
        UnsafeMutableRawPointer(name).copyMemory(from: $0.baseAddress!, byteCount: Int(length))
    }
    namelen.pointee = Int32(length)
    WSASetLastError(0)
    return 0
}
