import Glibc

/// A socket address copied out of the kernel: the bytes and their length, as getpeername gave them.
struct PeerAddress: Sendable {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    /// The connected peer of `fd`, or nil when Linux has none to give.
    static func current(of fd: Int32) -> PeerAddress? {
        var address = PeerAddress()
        address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { system_getpeername(fd, $0, &address.length) }
        }
        return result == 0 ? address : nil
    }

    /// The address's bytes, `length` of them.
    var bytes: [UInt8] {
        withUnsafeBytes(of: storage) { Array($0.prefix(min(Int(length), MemoryLayout<sockaddr_storage>.size))) }
    }
}
