import Foundation
import Glibc
import Locking
import Synchronization

/// A peer written in the test, independent of the tool: a plain loopback listener on a thread that
/// accepts one connection and reads it to the end (or, with `reads: false`, holds it without reading,
/// so that the sender's calls block).
final class LoopbackPeer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let received = Locked<Data?>(nil)
    private let release = Atomic<Bool>(false)
    private let accepted = Atomic<Bool>(false)

    init(reads: Bool = true) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolTestError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 4) == 0 else { throw ToolTestError("bind/listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in reads ? self.readAll() : self.hold() }
        thread.start()
    }

    deinit {
        close(listener)
    }

    private func accept() -> Int32 {
        let connection = Glibc.accept(listener, nil, nil)
        accepted.store(true, ordering: .releasing)
        return connection
    }

    /// Waits until the peer has accepted its connection; false on timeout.
    func waitForConnection(timeout: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if accepted.load(ordering: .acquiring) { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    private func readAll() {
        let connection = accept()
        guard connection >= 0 else { return }
        defer { close(connection) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            data.append(contentsOf: buffer[..<count])
        }
        received.withLock { $0 = data }
    }

    private func hold() {
        let connection = accept()
        guard connection >= 0 else { return }
        while !release.load(ordering: .relaxed) { usleep(10_000) }
        close(connection)
    }

    /// Lets a holding peer close its connection.
    func stopHolding() { release.store(true, ordering: .relaxed) }

    /// Everything the connection carried, once it closed; nil on timeout.
    func bytes(timeout: Double = 30) -> Data? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let data = received.withLock({ $0 }) { return data }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    /// A loopback port with nothing listening on it: bound to learn a free number, then closed.
    static func closedPort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolTestError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
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

/// A plain client for `--listen` runs: connects to a loopback port and reads until the sender closes.
enum LoopbackClient {
    static func readAll(port: UInt16) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolTestError("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
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
