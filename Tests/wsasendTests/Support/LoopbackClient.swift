import Foundation
import Glibc

/// A plain client for `--listen` runs: connects to a loopback port and reads until the sender closes.
enum LoopbackClient {
    static func readAll(port: UInt16) throws -> Data {
        let fd = try Loopback.socket(SOCK_STREAM)
        defer { close(fd) }
        var address = Loopback.address(port: port)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { throw ToolTestError("connect: \(errno)") }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            data.append(contentsOf: buffer[..<count])
        }
        return data
    }
}
