// Placeholder until the overlapped engine lands (issue 4): overlapped calls are refused.
final class OverlappedOperation: Sendable {}

final class OverlappedEngine: Sendable {
    static let shared = OverlappedEngine()
    func socketHasWork(_ queue: SendQueue) {}
    func cancelAll(on record: SocketRecord, status: Int32) {}
}

func sendOverlapped(
    _ record: SocketRecord, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: Int,
    _ bytesSent: UnsafeMutablePointer<DWORD>?, _ flags: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
    _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?
) -> Int32 {
    socketError(WSAEOPNOTSUPP)
}
