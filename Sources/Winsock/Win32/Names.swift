import Glibc

/// The local address a socket is bound to.
///
/// The corresponding Win32 function is `getsockname`.
public func getsockname(
    _ s: SOCKET, _ name: UnsafeMutablePointer<sockaddr>?, _ namelen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    socketName(s, name, namelen, system_getsockname)
}

/// The address of the socket's peer.
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
    var length = socklen_t(namelen.pointee)
    let result = call(record.fd, name, &length)
    if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
    namelen.pointee = Int32(length)
    WSASetLastError(0)
    return 0
}
