import Glibc
import Winsock

/// A connection's address as the report keeps it until it is printed: an IPv4 address and port in a
/// few bytes, anything else as its text.
///
/// The text of an IPv4 address and port ("127.213.1.1:53422") is often longer than the 15 bytes a Swift
/// string holds without a heap block, so keeping the text cost a block (64 bytes) for each connection
/// for the whole run: 640 KB at 10,000 connections.
enum ReportAddress: Sendable, Equatable, CustomStringConvertible {
    /// Address and port in host byte order.
    case ipv4(address: UInt32, port: UInt16)
    case text(String)

    init(_ address: SocketAddress) {
        let ipv4: UInt32? = address.withSockaddr { pointer, _ in
            guard Int32(pointer.pointee.sa_family) == Glibc.AF_INET else { return nil }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                UInt32(bigEndian: $0.pointee.sin_addr.s_addr)
            }
        }
        if let ipv4 {
            self = .ipv4(address: ipv4, port: address.port)
        } else {
            self = .text(address.description)
        }
    }

    /// The same text as `SocketAddress.description`: "127.0.0.1:9000", "[::1]:9000".
    var description: String {
        switch self {
        case .ipv4(let address, let port):
            "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255):\(port)"
        case .text(let text): text
        }
    }
}
