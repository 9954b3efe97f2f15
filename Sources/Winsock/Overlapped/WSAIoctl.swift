/// Controls a socket.
///
/// - `SIO_FLUSH`: cancels the socket's pending overlapped sends; each completes with
///   WSA_OPERATION_ABORTED (995) before WSAIoctl returns ("the execution of the SIO_FLUSH command in
///   WSAIoctl"). Sends the transport had already taken complete normally.
/// - `SIO_UDP_CONNRESET`: a BOOL in `lpvInBuffer`; FALSE stops a connected UDP socket from reporting an
///   ICMP port unreachable as WSAECONNRESET.
/// - `FIONBIO` (a ULONG in), `FIONREAD` and `SIOCATMARK` (a ULONG out), as `ioctlsocket`.
///
/// A nil `lpcbBytesReturned` gives WSAEFAULT, with or without `lpOverlapped`, before the control code
/// is looked at (Windows checks it first). Any other code is not supported, as on Windows' TCP and UDP
/// providers: without `lpOverlapped` the call fails with WSAEOPNOTSUPP and sets `*lpcbBytesReturned` to 0;
/// with it the call returns WSA_IO_PENDING, leaves `*lpcbBytesReturned` alone, and the operation completes
/// with WSAEOPNOTSUPP and 0 bytes (the event is signalled or the routine queued with that error). With `lpOverlapped` or
/// `lpCompletionRoutine` the control completes at once: the event is signalled or the routine queued,
/// as for an overlapped send that completes at once, and the completion reports 0 bytes transferred
/// (as Windows reports it, also for FIONREAD and SIOCATMARK), while `*lpcbBytesReturned` holds the
/// output's size.
///
/// The corresponding Win32 function is `WSAIoctl`.
public func WSAIoctl(
    _ s: SOCKET, _ dwIoControlCode: DWORD, _ lpvInBuffer: UnsafeMutableRawPointer?, _ cbInBuffer: DWORD,
    _ lpvOutBuffer: UnsafeMutableRawPointer?, _ cbOutBuffer: DWORD, _ lpcbBytesReturned: UnsafeMutablePointer<DWORD>?,
    _ lpOverlapped: UnsafeMutablePointer<WSAOVERLAPPED>?, _ lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard let lpcbBytesReturned else { return socketError(WSAEFAULT) }
    if lpOverlapped == nil && lpCompletionRoutine != nil { return socketError(WSAEFAULT) }
    var returned: DWORD = 0
    switch dwIoControlCode {
    case SIO_FLUSH:
        if record.engineRegistered.load(ordering: .acquiring) {
            let done = CancelCompletion(context: ThreadContext.current)
            OverlappedEngine.shared.post(
                .cancel(record, thread: nil, status: WSA_OPERATION_ABORTED, forget: false, done: done))
            done.wait()
        }
    case SIO_UDP_CONNRESET:
        guard let lpvInBuffer, cbInBuffer >= 4 else { return socketError(WSAEFAULT) }
        record.reportsPortUnreachable.store(lpvInBuffer.loadUnaligned(as: Int32.self) != 0, ordering: .relaxed)
    case DWORD(bitPattern: FIONBIO):
        guard let lpvInBuffer, cbInBuffer >= 4 else { return socketError(WSAEFAULT) }
        var value = lpvInBuffer.loadUnaligned(as: ULONG.self)
        if ioctlsocket(s, FIONBIO, &value) != 0 { return SOCKET_ERROR }
    case DWORD(bitPattern: FIONREAD), DWORD(bitPattern: SIOCATMARK):
        guard let lpvOutBuffer, cbOutBuffer >= 4 else { return socketError(WSAEFAULT) }
        var value: ULONG = 0
        if ioctlsocket(s, Int32(bitPattern: dwIoControlCode), &value) != 0 { return SOCKET_ERROR }
        lpvOutBuffer.storeBytes(of: value, as: ULONG.self)
        returned = 4
    default:
        guard let lpOverlapped else {
            lpcbBytesReturned.pointee = 0
            return socketError(WSAEOPNOTSUPP)
        }
        completeAtOnce(lpOverlapped, routine: lpCompletionRoutine, status: WSAEOPNOTSUPP, bytes: 0, record: record)
        return socketError(WSA_IO_PENDING)
    }
    lpcbBytesReturned.pointee = returned
    if let lpOverlapped {
        completeAtOnce(lpOverlapped, routine: lpCompletionRoutine, status: 0, bytes: 0, record: record)
    }
    WSASetLastError(0)
    return 0
}

/// Reports an overlapped control that finished inside the call: status, then the event or the routine.
private func completeAtOnce(
    _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>, routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, status: Int32,
    bytes: DWORD, record: SocketRecord
) {
    cwinsock_overlapped_publish(overlapped, UInt(UInt32(bitPattern: status)), UInt(bytes))
    if let routine {
        let context = ThreadContext.current
        context.waiter.queueRoutine(
            QueuedRoutine(
                routine: routine, error: DWORD(bitPattern: status), bytes: bytes, overlapped: overlapped,
                socket: record.handle, record: nil))
    } else if let event = EventTable.lookup(overlapped.pointee.hEvent) {
        event.set()
    }
}
