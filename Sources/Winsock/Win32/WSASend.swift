/// Sends data on a connected socket from one or more buffers, blocking, non-blocking or overlapped.
///
/// - Parameters:
///   - s: A connected socket (or a datagram socket with a default peer from `connect`).
///   - lpBuffers: The WSABUF array. The array itself is copied before WSASend returns; the bytes behind
///     it belong to the system until the operation completes.
///   - dwBufferCount: The number of WSABUF structures. More than IOV_MAX (1024) go out in IOV_MAX
///     slices, in order, as one call on a stream socket; a datagram stays one datagram.
///   - lpNumberOfBytesSent: The bytes sent when the call completes immediately. Required unless
///     `lpOverlapped` is given. When a non-overlapped call fails part-way (a reset, a send timeout), it
///     holds the bytes the transport took before the error; Windows leaves it undefined then.
///   - dwFlags: `MSG_OOB` (stream sockets), `MSG_DONTROUTE` (passed to Linux), `MSG_PARTIAL`
///     (WSAEOPNOTSUPP: TCP and UDP have no partial messages). Any other bit gives WSAEOPNOTSUPP.
///   - lpOverlapped: The overlapped structure, or nil for a non-overlapped call.
///   - lpCompletionRoutine: Run in an alertable wait of this thread when the send completes, or nil.
/// - Returns: 0 when the send completed immediately; otherwise SOCKET_ERROR, and `WSAGetLastError` says
///   WSA_IO_PENDING for an overlapped send that will complete later, or the error. Success sets the
///   last error to 0.
///
/// A non-overlapped send is one system call with MSG_NOSIGNAL (SIGPIPE is never raised): `sendto` for
/// one buffer, which the kernel serves more cheaply, `sendmsg` for several. A blocking
/// stream socket returns only when every byte is consumed, SO_SNDTIMEO bounding the whole call
/// (WSAETIMEDOUT); a non-blocking one returns the bytes consumed, or WSAEWOULDBLOCK when there were
/// none. A datagram above SO_MAX_MSG_SIZE gives WSAEMSGSIZE and nothing is transmitted.
///
/// The corresponding Win32 function is `WSASend`.
public func WSASend(
    _ s: SOCKET,
    _ lpBuffers: UnsafeMutablePointer<WSABUF>?,
    _ dwBufferCount: DWORD,
    _ lpNumberOfBytesSent: UnsafeMutablePointer<DWORD>?,
    _ dwFlags: DWORD,
    _ lpOverlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
) -> Int32 {
    withOpenSocket(s, failure: socketError) { record, context in
        let count = Int(dwBufferCount)
        // "If both lpOverlapped and lpCompletionRoutine are NULL, the socket in this function will be
        // treated as a non-overlapped socket."
        if lpOverlapped != nil || lpCompletionRoutine != nil {
            if record.isDatagram {
                return sendOverlappedDatagram(
                    record, lpBuffers, count, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine,
                    context: context)
            }
            return sendOverlapped(
                record, lpBuffers, count, lpNumberOfBytesSent, dwFlags, lpOverlapped, lpCompletionRoutine,
                context: context)
        }
        return sendNonOverlapped(record, lpBuffers, count, lpNumberOfBytesSent, dwFlags, context: context)
    }
}

/// A non-overlapped WSASend after the socket lookup: the argument checks, then the send.
@inline(__always)
private func sendNonOverlapped(
    _ record: SocketRecord, _ lpBuffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ lpNumberOfBytesSent: UnsafeMutablePointer<DWORD>?, _ dwFlags: DWORD, context: ThreadContext
) -> Int32 {
    // "This parameter can be NULL only if the lpOverlapped parameter is not NULL."
    guard let lpNumberOfBytesSent else { return socketError(WSAEFAULT) }
    let check = checkSend(record, lpBuffers, count, dwFlags)
    if check.refusal != 0 { return socketError(check.refusal) }

    let result = sendNow(record, lpBuffers, count, total: check.total, flags: check.flags, context: context)
    lpNumberOfBytesSent.pointee = DWORD(truncatingIfNeeded: result.bytes)
    if result.code != 0 { return socketError(result.code) }
    WSASetLastError(0)
    return 0
}
