import Testing
import Winsock

/// WSASend or WSASendTo, for the tests that hold both to the same contract (overlapped completion,
/// ordering, cancellation). On a stream socket WSASendTo ignores its destination ("equivalent to
/// WSASend"), so it is given one that no connection could use (127.0.0.1 port 9) to show that it is not
/// read. Datagram tests leave the sender unconnected for WSASendTo (`connectsDatagramSender`) and give
/// the receiver's port as the destination.
enum SendFunction: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case wsaSend = "WSASend"
    case wsaSendTo = "WSASendTo"

    var testDescription: String { rawValue }

    /// WSASend needs a connected datagram socket; WSASendTo names the receiver in each call instead.
    var connectsDatagramSender: Bool { self == .wsaSend }

    func call(
        _ s: SOCKET, _ buffers: UnsafeMutablePointer<WSABUF>?, _ count: DWORD, _ sent: UnsafeMutablePointer<DWORD>?,
        _ flags: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?,
        _ routine: LPWSAOVERLAPPED_COMPLETION_ROUTINE?, to port: UInt16 = 9
    ) -> Int32 {
        switch self {
        case .wsaSend:
            return WSASend(s, buffers, count, sent, flags, overlapped, routine)
        case .wsaSendTo:
            return Loopback.withAddress(family: AF_INET, port: port) { address, length in
                WSASendTo(s, buffers, count, sent, flags, address, Int32(length), overlapped, routine)
            }
        }
    }
}
