import Foundation
import Glibc
import Synchronization

/// Loopback peers for the REPL's scripts: one that echoes what it reads, and one that accepts and reads
/// nothing with a small receive buffer, so that overlapped sends soon pend.
final class ReplPeer: Sendable {
    enum Behaviour: Sendable { case echo, silent }

    let port: UInt16
    private let listener: Int32
    private let done = Atomic<Bool>(false)

    init(_ behaviour: Behaviour) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolTestError("socket: \(errno)") }
        if behaviour == .silent {
            // Set before listen, so that the accepted socket inherits it (and a small window).
            var size: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 ? getsockname(fd, $0, &length) : -1
            }
        }
        guard status == 0 else { throw ToolTestError("bind/listen: \(errno)") }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve(behaviour) }
        thread.start()
    }

    deinit {
        done.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ behaviour: Behaviour) {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !done.load(ordering: .relaxed) {
            if behaviour == .silent {
                usleep(10_000)
                continue
            }
            var entry = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            _ = buffer.withUnsafeBytes { send(connection, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
        }
    }
}
