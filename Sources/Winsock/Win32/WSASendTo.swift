/// Sends data to a given destination from one or more buffers, blocking, non-blocking or overlapped:
/// WSASend's contract (the WSABUF array, the flags, overlapped calls with an event or a completion
/// routine, the socket's one ordered queue, cancellation by closesocket and SIO_FLUSH) plus an address.
///
/// - Parameters:
///   - lpTo: The destination of a datagram socket's datagram. On a connected datagram socket it
///     overrides the peer for this datagram only; nil sends to the connected peer (WSAEDESTADDRREQ
///     without one). On a stream socket `lpTo` and `iTolen` are ignored and the call is WSASend.
///   - iTolen: The size of `*lpTo`: less than the family's address size (16 bytes for IPv4, 28 for
///     IPv6) gives WSAEFAULT. An address of another family than the socket's gives WSAEAFNOSUPPORT, the
///     wildcard address or port 0 WSAEADDRNOTAVAIL.
///   - The others: as WSASend.
/// - Returns: 0 when the send completed immediately; otherwise SOCKET_ERROR, with WSA_IO_PENDING for an
///   overlapped send that completes later, or the error.
///
/// An unbound datagram socket is bound by its first WSASendTo ("unique values are assigned to the local
/// association by the system, and the socket is then marked as bound"): getsockname then gives its port.
///
/// The corresponding Win32 function is `WSASendTo`.
public func WSASendTo(
    _ s: SOCKET,
    _ lpBuffers: UnsafeMutablePointer<WSABUF>?,
    _ dwBufferCount: DWORD,
    _ lpNumberOfBytesSent: UnsafeMutablePointer<DWORD>?,
    _ dwFlags: DWORD,
    _ lpTo: UnsafePointer<sockaddr>?,
    _ iTolen: Int32,
    _ lpOverlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
) -> Int32 {
    let isDatagram = withOpenSocket(s, failure: { _ in false }) { record, _ in record.isDatagram }
    // "On a connection-oriented socket, the lpTo and iToLen parameters are ignored; in this case, the
    // WSASendTo is equivalent to WSASend." (An unknown handle gets WSASend's answer too.)
    guard isDatagram else {
        return WSASend(
            s, lpBuffers, dwBufferCount, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine)
    }
    return withOpenSocket(s, failure: socketError) { record, context in
        let overlapped = lpOverlapped != nil || lpCompletionRoutine != nil
        // "This parameter can be NULL only if the lpOverlapped parameter is not NULL."
        if !overlapped && lpNumberOfBytesSent == nil { return socketError(WSAEFAULT) }
        var destination = SendDestination()
        var hasDestination = false
        switch SendDestination.check(lpTo, iTolen, for: record) {
        case .success(let checked?):
            destination = checked
            hasDestination = true
        case .success(nil): break
        case .failure(let error): return socketError(error.code)
        }
        return withUnsafePointer(to: &destination) { address in
            let to = hasDestination ? address : nil
            if overlapped {
                return sendOverlappedDatagram(
                    record, lpBuffers, Int(dwBufferCount), lpNumberOfBytesSent, dwFlags, lpOverlapped,
                    lpCompletionRoutine, context: context, to: to)
            }
            return sendDatagramNow(
                record, lpBuffers, Int(dwBufferCount), lpNumberOfBytesSent!, dwFlags, context: context, to: to)
        }
    }
}

/// A non-overlapped WSASendTo datagram after its destination was checked.
private func sendDatagramNow(
    _ record: SocketRecord, _ lpBuffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ lpNumberOfBytesSent: UnsafeMutablePointer<DWORD>, _ dwFlags: DWORD, context: ThreadContext,
    to destination: UnsafePointer<SendDestination>?
) -> Int32 {
    let check = checkSend(record, lpBuffers, count, dwFlags, hasDestination: destination != nil)
    if check.refusal != 0 { return socketError(check.refusal) }
    let result = sendNow(
        record, lpBuffers, count, total: check.total, flags: check.flags, context: context, to: destination)
    lpNumberOfBytesSent.pointee = DWORD(truncatingIfNeeded: result.bytes)
    if result.code != 0 { return socketError(result.code) }
    WSASetLastError(0)
    return 0
}
