import Glibc

/// Receives data from a connected socket: the peer side of tests and of the tool's sink.
///
/// - Parameter flags: MSG_PEEK, MSG_OOB and MSG_WAITALL (Winsock's values); other bits, and MSG_OOB on a
///   datagram socket, give WSAEOPNOTSUPP.
/// - Returns: The bytes received, 0 when the peer has closed gracefully, or SOCKET_ERROR. A blocking
///   socket's SO_RCVTIMEO expiry gives WSAETIMEDOUT; a non-blocking socket with nothing to read,
///   WSAEWOULDBLOCK; a socket shut down for receiving, WSAESHUTDOWN; a connection the peer reset,
///   WSAECONNRESET, also after an earlier call (a send) was told of the reset.
///
/// The corresponding Win32 function is `recv`.
public func recv(_ s: SOCKET, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32, _ flags: Int32) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    return receive(record, buf, len, flags, from: nil, fromLength: nil)
}

/// Receives data and, on a datagram socket, the address it came from.
///
/// The flags, results and codes are `recv`'s. On a datagram socket a non-nil `from` needs a `fromlen`
/// that holds at least the family's address size (16 bytes for IPv4, 28 for IPv6), or the call gives
/// WSAEFAULT before anything is received; `*fromlen` then receives the address's length. On a stream
/// socket `from` and `fromlen` are ignored and left untouched, as Windows' recvfrom documents (Linux
/// would write the peer's address).
///
/// The corresponding Win32 function is `recvfrom`.
public func recvfrom(
    _ s: SOCKET, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32, _ flags: Int32,
    _ from: UnsafeMutablePointer<sockaddr>?, _ fromlen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard let from, !record.isStream else { return receive(record, buf, len, flags, from: nil, fromLength: nil) }
    guard let fromlen, fromlen.pointee >= record.addressLength else { return socketError(WSAEFAULT) }
    var length = socklen_t(fromlen.pointee)
    let received = receive(record, buf, len, flags, from: from, fromLength: &length)
    if received != SOCKET_ERROR { fromlen.pointee = Int32(length) }
    return received
}

/// recv and recvfrom after the handle check: the argument and flag checks, the wait, the codes.
private func receive(
    _ record: SocketRecord, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32, _ flags: Int32,
    from: UnsafeMutablePointer<sockaddr>?, fromLength: UnsafeMutablePointer<socklen_t>?
) -> Int32 {
    guard len >= 0, buf != nil || len == 0 else { return socketError(WSAEFAULT) }
    guard flags & ~(MSG_PEEK | MSG_OOB | MSG_WAITALL) == 0 else { return socketError(WSAEOPNOTSUPP) }
    // "MSG_OOB was specified, but the socket is not stream-style": Linux's UDP would ignore the flag
    // and wait for a datagram.
    if flags & MSG_OOB != 0 && !record.isStream { return socketError(WSAEOPNOTSUPP) }
    // "The socket has been shut down" for receiving (SD_RECEIVE or SD_BOTH): Linux would report an end
    // of stream, or wait for a datagram that is then dropped.
    if record.receiveShutDown.load(ordering: .acquiring) { return socketError(WSAESHUTDOWN) }
    var linuxFlags: Int32 = 0
    if flags & MSG_PEEK != 0 { linuxFlags |= Int32(Glibc.MSG_PEEK) }
    if flags & MSG_OOB != 0 { linuxFlags |= Int32(Glibc.MSG_OOB) }
    if flags & MSG_WAITALL != 0 { linuxFlags |= Int32(Glibc.MSG_WAITALL) }
    let blocking = !record.nonBlocking.load(ordering: .relaxed)
    if blocking && ThreadContext.current.waiter.isInsideRoutineOfBlockingCall { return socketError(WSAEINPROGRESS) }
    record.blockedCalls.wrappingAdd(1, ordering: .acquiringAndReleasing)
    defer { record.blockedCalls.wrappingSubtract(1, ordering: .releasing) }
    let result =
        from == nil
        ? system_recv(record.fd, buf, Int(len), linuxFlags)
        : system_recvfrom(record.fd, buf, Int(len), linuxFlags, from, fromLength)
    // closesocket wakes a blocked recv by shutting the socket down, which makes it return 0 as if the
    // peer had closed: report the close as WSAEINTR, as the other blocking calls do.
    if result == 0 && len > 0 && record.closed.load(ordering: .acquiring) { return socketError(WSAEINTR) }
    // Linux reports a reset once, as ECONNRESET to whichever call comes first (often a send); after that
    // a receive reads an orderly end of stream. Windows goes on reporting the reset.
    if result == 0 && len > 0 && record.isStream && record.connectionWasReset { return socketError(WSAECONNRESET) }
    if result >= 0 {
        WSASetLastError(0)
        return Int32(result)
    }
    if record.closed.load(ordering: .acquiring) { return socketError(WSAEINTR) }
    return socketError(ErrnoMapping.code(forErrno: Int32(-result), in: record.situation(.other)))
}
