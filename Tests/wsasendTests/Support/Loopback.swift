import Glibc

/// The start of the tests' own sockets: a plain Linux socket and 127.0.0.1, so nothing a test sends
/// leaves the machine.
enum Loopback {
    /// A socket of `type` (SOCK_STREAM or SOCK_DGRAM), or an error naming errno.
    static func socket(_ type: __socket_type) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(type.rawValue), 0)
        guard fd >= 0 else { throw ToolTestError("socket: \(errno)") }
        return fd
    }

    /// 127.0.0.1:`port`; port 0 lets bind choose a free one.
    static func address(port: UInt16 = 0) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    /// Binds `fd` to 127.0.0.1 on a port the kernel picks, and returns that port.
    static func bindAnyPort(_ fd: Int32) throws -> UInt16 {
        var address = address()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1
            }
        }
        guard status == 0 else { throw ToolTestError("bind: \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}
