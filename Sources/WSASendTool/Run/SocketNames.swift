import Winsock

/// getsockname / getpeername as optional `SocketAddress`es, for reports.
enum SocketNames {
    static func local(_ socket: SOCKET) -> SocketAddress? { name(socket, getsockname) }
    static func peer(_ socket: SOCKET) -> SocketAddress? { name(socket, getpeername) }

    private static func name(
        _ socket: SOCKET, _ call: (SOCKET, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<Int32>?) -> Int32
    ) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(socket, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress($0, length: length) }
        }
    }
}
