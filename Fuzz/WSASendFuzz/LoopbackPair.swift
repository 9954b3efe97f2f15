import Glibc
import Locking
import Winsock

/// A real TCP connection on loopback, made once per process: the sender is a Winsock SOCKET, the peer a
/// plain Linux socket accepted without the library and read by a thread of its own, so that a blocking
/// WSASend of any size finishes and what arrives is checked by code that shares nothing with WSASend.
///
/// The peer keeps urgent data in line (SO_OOBINLINE): a MSG_OOB call's bytes stay in the stream, in
/// order, as the other bytes do.
final class LoopbackPair: Sendable {
    let sender: SOCKET
    private let peer: Int32
    /// Every byte the peer has read and the oracle has not yet matched.
    let received = Locked<[UInt8]>([])

    static let shared = LoopbackPair()

    private init() {
        var data = WSADATA()
        precondition(WSAStartup(0x0202, &data) == 0, "WSAStartup failed")
        let listener = Glibc.socket(Glibc.AF_INET, Int32(Glibc.SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(Glibc.AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(listener, $0, length) == 0 && Glibc.listen(listener, 1) == 0
                    && Glibc.getsockname(listener, $0, &length) == 0
            }
        }
        precondition(listening, "cannot listen on 127.0.0.1: errno \(errno)")
        let port = UInt16(bigEndian: address.sin_port)
        let target = try! SocketAddress.resolve(host: "127.0.0.1", port: port, type: SOCK_STREAM)[0]
        let handle = Winsock.socket(target.family, SOCK_STREAM, 0)
        precondition(handle != INVALID_SOCKET, "socket failed: \(WSAGetLastError())")
        sender = handle
        let connected = target.withSockaddr { Winsock.connect(handle, $0, $1) }
        precondition(connected == 0, "connect failed: \(WSAGetLastError())")
        peer = Glibc.accept(listener, nil, nil)
        precondition(peer >= 0, "accept failed: errno \(errno)")
        Glibc.close(listener)
        var one: Int32 = 1
        _ = Glibc.setsockopt(peer, Int32(Glibc.SOL_SOCKET), Glibc.SO_OOBINLINE, &one, 4)
        startReader()
    }

    private func startReader() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { argument in
                let pair = Unmanaged<LoopbackPair>.fromOpaque(argument!).takeRetainedValue()
                pair.readForever()
                return nil
            }, box)
        precondition(started == 0, "cannot start the peer's reader thread")
    }

    private func readForever() {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(peer, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            precondition(count > 0, "the peer's connection ended (recv \(count), errno \(errno))")
            received.withLock { $0 += chunk[0..<count] }
        }
    }

    /// Waits until the peer has read `expected.count` bytes, then checks that they are `expected` and
    /// that nothing more came; traps otherwise (libFuzzer then keeps the input).
    func expect(_ expected: [UInt8], what: String) {
        var waited = 0
        while received.withLock({ $0.count }) < expected.count {
            precondition(waited < 10_000, "\(what): the peer read fewer bytes than WSASend reported sent")
            usleep(1000)
            waited += 1
        }
        received.withLock { bytes in
            precondition(bytes.count == expected.count, "\(what): the peer read more bytes than WSASend reported sent")
            if let index = bytes.indices.first(where: { bytes[$0] != expected[$0] }) {
                preconditionFailure("\(what): byte \(index) of the stream differs from the byte reported sent")
            }
            bytes.removeAll(keepingCapacity: true)
        }
    }
}
