import Glibc

/// The local address a socket is bound to. A `namelen` too small for the address gives WSAEFAULT
/// (Linux would truncate it; Windows refuses), and nothing is written.
///
/// The corresponding Win32 function is `getsockname`.
public func getsockname(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    socketName(s, name, namelen, system_getsockname)
}

/// The address of the socket's peer. A `namelen` too small for the address gives WSAEFAULT, as
/// `getsockname`.
///
/// The corresponding Win32 function is `getpeername`.
public func getpeername(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    socketName(s, name, namelen, system_getpeername)
}

private func socketName(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?,
    _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
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
    if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
    guard Int(length) <= Int(namelen.pointee) else { return socketError(WSAEFAULT) }
    withUnsafeBytes(of: &storage) {
        UnsafeMutableRawPointer(name).copyMemory(from: $0.baseAddress!, byteCount: Int(length))
    }
    namelen.pointee = Int32(length)
    WSASetLastError(0)
    return 0
}
