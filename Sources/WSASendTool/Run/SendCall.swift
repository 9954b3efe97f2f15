import Winsock

extension DriveContext {
    /// The run's send call: WSASend on a connected socket, or, with `--no-connect`, WSASendTo to the
    /// target (the same contract plus a destination). Only the nil check is added to WSASend's path.
    @inline(__always)
    func send(
        _ s: SOCKET, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: DWORD, _ sent: UnsafeMutablePointer<DWORD>?,
        _ flags: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
        _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
    ) -> Int32 {
        guard let destination = destinationBox else {
            return WSASend(s, buffers, count, sent, flags, overlapped, routine)
        }
        return destination.address.withSockaddr {
            WSASendTo(s, buffers, count, sent, flags, $0, $1, overlapped, routine)
        }
    }
}
