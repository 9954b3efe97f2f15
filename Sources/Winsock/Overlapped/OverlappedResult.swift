/// The result of an overlapped operation.
///
/// - Parameters:
///   - s: The socket the operation was issued on.
///   - lpOverlapped: The operation's structure; nil gives WSA_INVALID_PARAMETER.
///   - lpcbTransfer: Receives the bytes sent.
///   - fWait: TRUE waits (not alertably) until the operation completes; FALSE returns FALSE with
///     WSA_IO_INCOMPLETE while it is pending.
///   - lpdwFlags: Receives 0 (no flags are defined for sends).
/// - Returns: TRUE when the operation succeeded; FALSE with its WSA code when it failed (for example
///   WSA_OPERATION_ABORTED after closesocket or SIO_FLUSH).
///
/// The corresponding Win32 function is `WSAGetOverlappedResult`.
public func WSAGetOverlappedResult(
    _ s: SOCKET, _ lpOverlapped: UnsafeMutablePointer<WSAOVERLAPPED>?, _ lpcbTransfer: UnsafeMutablePointer<DWORD>?,
    _ fWait: BOOL, _ lpdwFlags: UnsafeMutablePointer<DWORD>?
) -> BOOL {
    withOpenSocket(s, failure: falseWith) { record, context in
        overlappedResult(record, lpOverlapped, lpcbTransfer, fWait, lpdwFlags, context: context)
    }
}

/// WSAGetOverlappedResult after the socket lookup.
@inline(__always)
private func overlappedResult(
    _ record: SocketRecord, _ lpOverlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ lpcbTransfer: UnsafeMutablePointer<DWORD>?, _ fWait: BOOL, _ lpdwFlags: UnsafeMutablePointer<DWORD>?,
    context: ThreadContext
) -> BOOL {
    guard let lpOverlapped else { return falseWith(WSA_INVALID_PARAMETER) }
    guard let lpcbTransfer, let lpdwFlags else { return falseWith(WSAEFAULT) }
    let pending = UInt(UInt32(bitPattern: WSA_IO_PENDING))
    if cwinsock_overlapped_load_status(lpOverlapped) == pending && fWait != FALSE {
        // The sends this thread parked (this one, perhaps) go out before it waits.
        ParkedSends.flush(context)
    }
    if cwinsock_overlapped_load_status(lpOverlapped) == pending {
        guard fWait != FALSE else { return falseWith(WSA_IO_INCOMPLETE) }
        if context.waiter.isInsideRoutineOfBlockingCall { return falseWith(WSAEINPROGRESS) }
        record.addCompletionWaiter(context)
        defer { record.removeCompletionWaiter(context) }
        while cwinsock_overlapped_load_status(lpOverlapped) == pending {
            _ = context.waiter.wait(until: nil, alertable: false)
        }
    }
    let status = Int32(truncatingIfNeeded: cwinsock_overlapped_load_status(lpOverlapped))
    lpcbTransfer.pointee = DWORD(truncatingIfNeeded: cwinsock_overlapped_load_bytes(lpOverlapped))
    lpdwFlags.pointee = 0
    CollectionMark.collect(lpOverlapped, on: record)
    if status != 0 { return falseWith(status) }
    WSASetLastError(0)
    return TRUE
}

/// True once the operation behind the structure has completed: winbase.h's `HasOverlappedIoCompleted`.
///
/// Inlinable, as the macro it stands for is: an application polls it for every call in flight, and a
/// call into the library cost more than the one load it makes.
@inlinable
public func HasOverlappedIoCompleted(_ lpOverlapped: UnsafeMutablePointer<WSAOVERLAPPED>) -> Bool {
    cwinsock_overlapped_load_status(lpOverlapped) != UInt(UInt32(bitPattern: WSA_IO_PENDING))
}
