/// Sends one buffer on a connected socket: WSASend with one WSABUF and no overlapped structure, so an
/// overlapped socket sends as a non-overlapped one (as Windows' send does).
///
/// - Returns: The bytes sent (all of them on a blocking socket; on a non-blocking stream socket possibly
///   fewer), or SOCKET_ERROR with WSASend's codes. A negative `len` gives WSAEFAULT.
///
/// The corresponding Win32 function is `send`.
public func send(_ s: SOCKET, _ buf: UnsafePointer<CChar>?, _ len: Int32, _ flags: Int32) -> Int32 {
    oneBuffer(s, buf, len) { buffer, sent in
        WSASend(s, buffer, 1, sent, DWORD(bitPattern: flags), nil, nil)
    }
}

/// Sends one buffer to a given destination: WSASendTo with one WSABUF and no overlapped structure. On a
/// stream socket `to` and `tolen` are ignored, as WSASendTo ignores them.
///
/// - Returns: The bytes sent, or SOCKET_ERROR with WSASendTo's codes. A negative `len` gives WSAEFAULT.
///
/// The corresponding Win32 function is `sendto`.
public func sendto(
    _ s: SOCKET, _ buf: UnsafePointer<CChar>?, _ len: Int32, _ flags: Int32, _ to: UnsafePointer<sockaddr>?,
    _ tolen: Int32
) -> Int32 {
    oneBuffer(s, buf, len) { buffer, sent in
        WSASendTo(s, buffer, 1, sent, DWORD(bitPattern: flags), to, tolen, nil, nil)
    }
}

/// One WSABUF over `buf`, the call, and its answer as a byte count or SOCKET_ERROR.
private func oneBuffer(
    _ s: SOCKET, _ buf: UnsafePointer<CChar>?, _ len: Int32,
    _ call: (UnsafeMutablePointer<WSABUF>, UnsafeMutablePointer<DWORD>) -> Int32
) -> Int32 {
    if len < 0 {
        if case .failure(let error) = openSocket(s) { return socketError(error.code) }
        return socketError(WSAEFAULT)
    }
    var buffer = WSABUF(len: ULONG(len), buf: UnsafeMutablePointer(mutating: buf))
    var sent: DWORD = 0
    let rc = call(&buffer, &sent)
    return rc == 0 ? Int32(truncatingIfNeeded: sent) : SOCKET_ERROR
}
