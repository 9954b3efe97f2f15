import Testing
import Winsock

/// Every public function of the Win32-shaped surface that WSAStartup gates, called on a handle.
enum PublicFunction: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case socket, WSASocket, closesocket, bind, connect, listen, accept, shutdown, setsockopt, getsockopt
    case ioctlsocket, recv, recvfrom, WSASend, WSAPoll, getsockname, getpeername, WSACleanup

    var testDescription: String { rawValue }

    /// The functions that take a SOCKET.
    static let onHandles: [PublicFunction] = allCases.filter {
        ![.socket, .WSASocket, .WSAPoll, .WSACleanup].contains($0)
    }

    /// Calls the function on `handle`; true when it reported failure (SOCKET_ERROR or INVALID_SOCKET).
    ///
    /// - Parameter nilPointers: Pass nil (or too short) pointers and nonsense values, so that a pointer
    ///   check made before the handle check would give WSAEFAULT instead.
    func fails(on handle: SOCKET, nilPointers: Bool = false) -> Bool {
        var sent: DWORD = 0
        var value: UInt32 = 1
        var length: Int32 = 4
        var storage = sockaddr_storage()
        var nameLength = Int32(MemoryLayout<sockaddr_storage>.size)
        var byte: CChar = 0
        switch self {
        case .socket:
            return Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) == INVALID_SOCKET
        case .WSASocket:
            return Winsock.WSASocket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nil, 0, WSA_FLAG_OVERLAPPED) == INVALID_SOCKET
        case .closesocket:
            return Winsock.closesocket(handle) == SOCKET_ERROR
        case .bind:
            if nilPointers { return Winsock.bind(handle, nil, 0) == SOCKET_ERROR }
            return bindLoopback(handle, family: AF_INET) == SOCKET_ERROR
        case .connect:
            if nilPointers { return Winsock.connect(handle, nil, 0) == SOCKET_ERROR }
            return connectLoopback(handle, family: AF_INET, port: 9) == SOCKET_ERROR
        case .listen:
            return Winsock.listen(handle, nilPointers ? -1 : 4) == SOCKET_ERROR
        case .accept:
            if nilPointers {
                var tooShort: Int32 = 1
                return withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(handle, $0, &tooShort) }
                } == INVALID_SOCKET
            }
            return Winsock.accept(handle, nil, nil) == INVALID_SOCKET
        case .shutdown:
            return Winsock.shutdown(handle, nilPointers ? 99 : SD_SEND) == SOCKET_ERROR
        case .setsockopt:
            if nilPointers { return Winsock.setsockopt(handle, SOL_SOCKET, SO_SNDBUF, nil, 0) == SOCKET_ERROR }
            return setOption(handle, SOL_SOCKET, SO_SNDBUF, 65536) == SOCKET_ERROR
        case .getsockopt:
            if nilPointers { return Winsock.getsockopt(handle, SOL_SOCKET, SO_TYPE, nil, nil) == SOCKET_ERROR }
            return withUnsafeMutableBytes(of: &value) {
                Winsock.getsockopt(
                    handle, SOL_SOCKET, SO_TYPE, $0.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
            } == SOCKET_ERROR
        case .ioctlsocket:
            if nilPointers { return Winsock.ioctlsocket(handle, FIONBIO, nil) == SOCKET_ERROR }
            return Winsock.ioctlsocket(handle, FIONBIO, &value) == SOCKET_ERROR
        case .recv:
            if nilPointers { return Winsock.recv(handle, nil, 100, 0) == SOCKET_ERROR }
            return Winsock.recv(handle, &byte, 1, 0) == SOCKET_ERROR
        case .recvfrom:
            if nilPointers {
                var tooShort: Int32 = 1
                return withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Winsock.recvfrom(handle, nil, 100, 0, $0, &tooShort)
                    }
                } == SOCKET_ERROR
            }
            return Winsock.recvfrom(handle, &byte, 1, 0, nil, nil) == SOCKET_ERROR
        case .WSASend:
            if nilPointers { return Winsock.WSASend(handle, nil, 1, nil, 0xFFFF_0000, nil, nil) == SOCKET_ERROR }
            return withUnsafeMutablePointer(to: &byte) { pointer in
                var buffer = WSABUF(len: 1, buf: pointer)
                return Winsock.WSASend(handle, &buffer, 1, &sent, 0, nil, nil) == SOCKET_ERROR
            }
        case .WSAPoll:
            var entry = WSAPOLLFD(fd: handle, events: POLLRDNORM)
            return Winsock.WSAPoll(&entry, 1, 0) == SOCKET_ERROR
        case .getsockname, .getpeername:
            let call = self == .getsockname ? Winsock.getsockname : Winsock.getpeername
            if nilPointers { return call(handle, nil, nil) == SOCKET_ERROR }
            return withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(handle, $0, &nameLength) }
            } == SOCKET_ERROR
        case .WSACleanup:
            return Winsock.WSACleanup() == SOCKET_ERROR
        }
    }
}
