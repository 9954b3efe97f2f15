/// The Linux descriptor behind a socket handle; nil for a handle that is not an open socket of the table.
///
/// For what only the kernel can do without the library, above all from a signal handler, where no
/// library call is safe: `shutdown(2)` on the descriptor wakes a WSASend blocked on the socket, which then
/// fails (Linux answers EPIPE: WSAECONNRESET). Winsock has no such function: a Windows SOCKET is itself a
/// kernel handle. The descriptor stays the library's: closing it, or changing its flags, breaks the
/// handle.
public func linuxDescriptor(of s: SOCKET) -> Int32? {
    guard case .success(let record) = openSocket(s) else { return nil }
    return record.fd
}
