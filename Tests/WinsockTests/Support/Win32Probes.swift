import Testing
import Winsock

/// Small probes the Windows-conformance tests of the calls around WSASend share.
enum Win32Probe {
    /// One WSAPoll of one socket for `events`: the result and the revents Windows would report.
    static func poll(_ socket: SOCKET, _ events: Int16, timeout: Int32 = 1000) -> (rc: Int32, revents: Int16) {
        var entry = WSAPOLLFD(fd: socket, events: events)
        entry.revents = 0x0DEA
        let rc = WSAPoll(&entry, 1, timeout)
        return (rc, entry.revents)
    }

    /// The mask Wine's `check_poll` asks for: normal and priority data, and room to write.
    static let readWrite: Int16 = POLLRDNORM | POLLRDBAND | POLLWRNORM

    /// getpeername or getsockname into a buffer filled with 0xCC: the call's result, the length it left
    /// and the port it wrote (0 when none).
    static func name(
        _ socket: SOCKET, peer: Bool
    ) -> (rc: Int32, error: Int32, length: Int32, port: UInt16, untouched: Bool) {
        var storage = sockaddr_storage()
        _ = withUnsafeMutableBytes(of: &storage) { $0.initializeMemory(as: UInt8.self, repeating: 0xCC) }
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                peer ? getpeername(socket, $0, &length) : getsockname(socket, $0, &length)
            }
        }
        let error = WSAGetLastError()
        let untouched = withUnsafeBytes(of: &storage) { $0.allSatisfy { $0 == 0xCC } }
        return (rc, error, length, rc == 0 ? Loopback.port(of: storage) : 0, untouched)
    }

    /// ioctlsocket's ULONG answer for `command`, nil on failure.
    static func control(_ socket: SOCKET, _ command: Int32) -> ULONG? {
        var value: ULONG = 0xDEAD
        return ioctlsocket(socket, command, &value) == 0 ? value : nil
    }

    /// One recv of up to 16 bytes: the result and the last error.
    static func receive(_ socket: SOCKET, from: Bool = false) -> (rc: Int32, error: Int32) {
        var buffer = [CChar](repeating: 0, count: 16)
        let rc = buffer.withUnsafeMutableBufferPointer { bytes in
            if from {
                var address = sockaddr_storage()
                var length = Int32(MemoryLayout<sockaddr_storage>.size)
                return withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(socket, bytes.baseAddress, 16, 0, $0, &length)
                    }
                }
            }
            return recv(socket, bytes.baseAddress, 16, 0)
        }
        return (rc, WSAGetLastError())
    }
}
