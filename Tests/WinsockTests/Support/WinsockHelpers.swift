import Testing
import Winsock

/// The session every in-process test runs under. It is created once and never released, so the
/// process's WSAStartup count never falls back to zero while tests run in parallel: tests that need the
/// count at zero run in a child process (ZeroStartupTests).
let processSession: WinsockSession = {
    do {
        return try WinsockSession()
    } catch {
        fatalError("WSAStartup failed: \(error)")
    }
}()

/// Starts the library for the calling test (idempotent).
func startWinsock() {
    _ = processSession
}

/// What one WSASend call returned, with the last error read right after it on the same thread.
struct SendOutcome: Equatable, CustomStringConvertible {
    var rc: Int32
    var error: Int32
    var sent: DWORD

    var description: String { "rc \(rc), error \(error) (\(WSAError(error).name)), sent \(sent)" }
}

/// Owns a WSABUF array over a copy of some bytes, split into given sizes (zero sizes included).
final class BufferArray: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<UInt8>
    let byteCount: Int
    let buffers: UnsafeMutablePointer<WSABUF>
    let count: Int

    init(_ data: [UInt8], sizes: [Int]? = nil) {
        let sizes = sizes ?? [data.count]
        precondition(sizes.reduce(0, +) == data.count, "sizes must add up to the data")
        byteCount = data.count
        bytes = .allocate(capacity: max(data.count, 1))
        bytes.initialize(from: data, count: data.count)
        count = sizes.count
        buffers = .allocate(capacity: max(sizes.count, 1))
        var offset = 0
        for (index, size) in sizes.enumerated() {
            let start = UnsafeMutableRawPointer(bytes + offset).assumingMemoryBound(to: CChar.self)
            buffers[index] = WSABUF(len: DWORD(size), buf: start)
            offset += size
        }
    }

    deinit {
        bytes.deallocate()
        buffers.deallocate()
    }

    /// One non-overlapped WSASend (or `function`) of the whole array.
    func send(on socket: SOCKET, flags: DWORD = 0, using function: SendFunction = .wsaSend) -> SendOutcome {
        withExtendedLifetime(self) {
            var sent: DWORD = 0xDEAD
            let rc = function.call(socket, buffers, DWORD(count), &sent, flags, nil, nil)
            let error = WSAGetLastError()
            return SendOutcome(rc: rc, error: error, sent: sent)
        }
    }
}

/// Sends `data` in one WSASend (or `function`), split into `sizes`.
func wsaSend(
    _ socket: SOCKET, _ data: [UInt8], sizes: [Int]? = nil, flags: DWORD = 0, using function: SendFunction = .wsaSend
) -> SendOutcome {
    BufferArray(data, sizes: sizes).send(on: socket, flags: flags, using: function)
}

/// Expects SOCKET_ERROR and `code` as the calling thread's last error.
func expectFailure(
    _ rc: Int32, _ code: Int32, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = WSAGetLastError()
    #expect(rc == SOCKET_ERROR, comment, sourceLocation: sourceLocation)
    #expect(
        error == code, "expected \(WSAError(code)), got \(WSAError(error)). \(comment?.rawValue ?? "")",
        sourceLocation: sourceLocation)
}

/// Expects success (0) and a last error of 0.
func expectSuccess(_ rc: Int32, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    let error = WSAGetLastError()
    #expect(rc == 0, "failed with \(WSAError(error)). \(comment?.rawValue ?? "")", sourceLocation: sourceLocation)
    #expect(error == 0, comment, sourceLocation: sourceLocation)
}

/// A new library socket; records an issue and returns INVALID_SOCKET when creation fails.
func makeSocket(_ family: Int32, _ type: Int32, sourceLocation: SourceLocation = #_sourceLocation) -> SOCKET {
    let proto = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP
    let handle = Winsock.socket(family, type, proto)
    #expect(handle != INVALID_SOCKET, "socket failed: \(WSAError(WSAGetLastError()))", sourceLocation: sourceLocation)
    return handle
}

/// Winsock's connect to `port` on the family's loopback address.
func connectLoopback(_ socket: SOCKET, family: Int32, port: UInt16) -> Int32 {
    Loopback.withAddress(family: family, port: port) { Winsock.connect(socket, $0, Int32($1)) }
}

/// Winsock's bind to the family's loopback address, port 0.
func bindLoopback(_ socket: SOCKET, family: Int32) -> Int32 {
    Loopback.withAddress(family: family, port: 0) { Winsock.bind(socket, $0, Int32($1)) }
}

/// The local port of a library socket (getsockname).
func localPort(_ socket: SOCKET) -> UInt16 {
    var storage = sockaddr_storage()
    var length = Int32(MemoryLayout<sockaddr_storage>.size)
    let rc = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    return rc == 0 ? Loopback.port(of: storage) : 0
}

/// Sets a 4-byte option (BOOL, DWORD or int) through Winsock's setsockopt.
@discardableResult
func setOption(_ socket: SOCKET, _ level: Int32, _ name: Int32, _ value: UInt32) -> Int32 {
    var value = value
    return withUnsafeBytes(of: &value) {
        Winsock.setsockopt(socket, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 4)
    }
}

/// Reads a 4-byte option through Winsock's getsockopt; nil on failure.
func getOption(_ socket: SOCKET, _ level: Int32, _ name: Int32) -> UInt32? {
    var value: UInt32 = 0
    var length: Int32 = 4
    let rc = withUnsafeMutableBytes(of: &value) {
        Winsock.getsockopt(socket, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
    }
    return rc == 0 ? value : nil
}

/// Sets or clears non-blocking mode with ioctlsocket(FIONBIO).
@discardableResult
func setNonBlocking(_ socket: SOCKET, _ nonBlocking: Bool) -> Int32 {
    var value: ULONG = nonBlocking ? 1 : 0
    return ioctlsocket(socket, FIONBIO, &value)
}

/// A library stream socket connected over loopback to a raw Linux peer; both are closed after `body`.
///
/// - Parameters:
///   - configure: Runs on the library socket before it connects (SO_SNDBUF, timeouts).
///   - peerReceiveBuffer: SO_RCVBUF of the peer, set on the listener so the accepted socket inherits it.
func withStreamPair<R>(
    family: Int32 = AF_INET, peerReceiveBuffer: Int32? = nil, configure: (SOCKET) -> Void = { _ in },
    _ body: (SOCKET, RawSocket) throws -> R
) throws -> R {
    try requireFamily(family)
    startWinsock()
    let listener = RawSocket(family: family, datagram: false)
    defer { listener.close() }
    if let peerReceiveBuffer { listener.setReceiveBuffer(peerReceiveBuffer) }
    let port = listener.bindLoopback()
    listener.listen()
    let socket = makeSocket(family, SOCK_STREAM)
    defer { _ = closesocket(socket) }
    configure(socket)
    let rc = connectLoopback(socket, family: family, port: port)
    try #require(rc == 0, "connect failed: \(WSAError(WSAGetLastError()))")
    let peer = try #require(listener.accept(), "the raw listener accepted nothing")
    defer { peer.close() }
    return try body(socket, peer)
}

/// A library datagram socket connected over loopback to a raw Linux receiver; both closed after `body`.
func withDatagramPair<R>(family: Int32 = AF_INET, _ body: (SOCKET, RawSocket) throws -> R) throws -> R {
    try requireFamily(family)
    startWinsock()
    let receiver = RawSocket(family: family, datagram: true)
    defer { receiver.close() }
    receiver.setReceiveBuffer(1 << 20)
    let port = receiver.bindLoopback()
    let socket = makeSocket(family, SOCK_DGRAM)
    defer { _ = closesocket(socket) }
    let rc = connectLoopback(socket, family: family, port: port)
    try #require(rc == 0, "connect failed: \(WSAError(WSAGetLastError()))")
    return try body(socket, receiver)
}

/// Two library stream sockets connected over loopback (the library's own accept and recv in play).
func withLibraryPair<R>(family: Int32 = AF_INET, _ body: (SOCKET, SOCKET) throws -> R) throws -> R {
    try requireFamily(family)
    startWinsock()
    let listener = makeSocket(family, SOCK_STREAM)
    defer { _ = closesocket(listener) }
    try #require(bindLoopback(listener, family: family) == 0)
    try #require(Winsock.listen(listener, 8) == 0)
    let client = makeSocket(family, SOCK_STREAM)
    defer { _ = closesocket(client) }
    try #require(connectLoopback(client, family: family, port: localPort(listener)) == 0)
    let server = Winsock.accept(listener, nil, nil)
    try #require(server != INVALID_SOCKET, "accept failed: \(WSAError(WSAGetLastError()))")
    defer { _ = closesocket(server) }
    return try body(client, server)
}

/// The families every loopback test runs on: 127.0.0.1 and ::1.
let loopbackFamilies: [Int32] = [AF_INET, AF_INET6]

/// Skips (cancels, with the reason) an IPv6 case on a machine without ::1, rather than passing it.
func requireFamily(_ family: Int32) throws {
    if family == AF_INET6 && !Loopback.ipv6Available {
        try Test.cancel("::1 is not configured on this machine: the IPv6 case cannot run")
    }
}
