import Foundation
import Glibc
import Locking
import Synchronization

/// The tests' one peer, written in the test and independent of the tool: a loopback listener that accepts
/// any number of connections and treats each the same way: reads it to the end, echoes it, holds it
/// without reading (so that the sender blocks), or resets it (SO_LINGER 0) once a number of bytes arrived.
/// What each connection carried so far can be read at any time, in accept order.
final class ScriptedPeer: Sendable {
    enum Behaviour: Sendable {
        case read
        /// Reads, and sends every byte back (the REPL's recv).
        case echo
        case hold
        case reset(afterBytes: Int)
        /// Holds the first connection it accepts and reads the others.
        case holdFirst
    }

    let port: UInt16
    private let listener: Int32
    private let behaviour: Behaviour
    private let streams = Locked<[Data]>([])
    /// When each connection saw its end of stream (seconds since the peer started), in accept order.
    private let ends = Locked<[Double?]>([])
    private let stopped = Atomic<Bool>(false)
    private let started = Date()

    /// `receiveBuffer` sets SO_RCVBUF on the listener, which accepted connections inherit: a small one
    /// (with `.hold`) makes overlapped sends pend soon.
    init(_ behaviour: Behaviour, receiveBuffer: Int32? = nil) throws {
        self.behaviour = behaviour
        let fd = try Loopback.socket(SOCK_STREAM)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = try Loopback.bindAnyPort(fd)
        guard listen(fd, 64) == 0 else { throw ToolTestError("listen: \(errno)") }
        listener = fd
        port = bound
        Thread { [self] in self.acceptAll() }.start()
    }

    deinit { stop() }

    /// Stops accepting, and lets held connections close.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // shutdown wakes the accept(2) in progress; close alone would not.
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptAll() {
        while !stopped.load(ordering: .acquiring) {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let index = streams.withLock { streams in
                streams.append(Data())
                return streams.count - 1
            }
            ends.withLock { $0.append(nil) }
            Thread { [self] in self.serve(connection, index: index) }.start()
        }
    }

    private func serve(_ connection: Int32, index: Int) {
        defer { close(connection) }
        let holds: Bool
        switch behaviour {
        case .hold: holds = true
        case .holdFirst: holds = index == 0
        case .read, .echo, .reset: holds = false
        }
        if holds {
            while !stopped.load(ordering: .relaxed) { usleep(10_000) }
            return
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            total += count
            streams.withLock { $0[index].append(contentsOf: buffer[..<count]) }
            if case .echo = behaviour {
                _ = buffer.withUnsafeBytes { send(connection, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
            }
            if case .reset(let limit) = behaviour, total >= limit {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                return
            }
        }
        let seconds = Date().timeIntervalSince(started)
        ends.withLock { $0[index] = seconds }
    }

    /// What each connection carried so far, in accept order.
    var received: [Data] { streams.withLock { $0 } }

    /// How many connections reached their end of stream.
    var endedCount: Int { ends.withLock { $0.compactMap { $0 }.count } }

    /// Waits until `condition` holds for what arrived; false on timeout.
    func wait(timeout: Double = 30, until condition: ([Data]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(received) { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return condition(received)
    }

    /// Waits until `count` connections were accepted; false on timeout.
    func waitForConnections(_ count: Int = 1, timeout: Double = 30) -> Bool {
        wait(timeout: timeout) { $0.count >= count }
    }

    /// Everything the first connection carried, once it reached its end of stream; nil on timeout.
    func bytes(timeout: Double = 30) -> Data? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let first = ends.withLock { $0.first ?? nil }
            if first != nil { return received.first }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    /// A loopback port with nothing listening on it: bound to learn a free number, then closed.
    static func closedPort() throws -> UInt16 {
        let fd = try Loopback.socket(SOCK_STREAM)
        defer { close(fd) }
        return try Loopback.bindAnyPort(fd)
    }
}
