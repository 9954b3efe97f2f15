import Testing
import Winsock

/// A connected TCP pair on loopback: `client` sends, `server` is the peer the tests read from.
struct OverlappedPair {
    let session: WinsockSession
    let client: Socket
    let server: Socket

    init(host: String = "127.0.0.1", overlapped: Bool = true) throws {
        session = try WinsockSession()
        let listener = try Socket(family: host.contains(":") ? AF_INET6 : AF_INET, type: SOCK_STREAM)
        try listener.bind(to: SocketAddress(numericHost: host, port: 0)!)
        try listener.listen()
        let client = try Socket(family: listener.localAddress!.family, type: SOCK_STREAM, overlapped: overlapped)
        try client.connect(to: listener.localAddress!)
        self.client = client
        server = try listener.accept().0
    }
}

/// Byte `index` of the test pattern: distinct for each call (`call`) and position.
@inline(__always)
func patternByte(call: Int, index: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: call &* 131 &+ index &* 7 &+ (index >> 8))
}

/// Reads exactly `count` bytes from `socket` (blocking), optionally slowly, and returns them.
func readAll(_ socket: Socket, count: Int, chunk: Int = 65536, pauseMicroseconds: UInt32 = 0) throws -> [UInt8] {
    var received = [UInt8]()
    received.reserveCapacity(count)
    var buffer = [UInt8](repeating: 0, count: chunk)
    while received.count < count {
        let want = min(chunk, count - received.count)
        let n = try buffer.withUnsafeMutableBytes {
            try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
        }
        if n == 0 { break }
        received.append(contentsOf: buffer[0..<n])
        if pauseMicroseconds > 0 { pause(microseconds: pauseMicroseconds) }
    }
    return received
}

/// What completion routines saw: the routine's arguments arrive through `hEvent`, which "can be used by
/// the application to pass context information to the completion routine".
final class RoutineLog: @unchecked Sendable {
    struct Call: Equatable, Sendable {
        var error: DWORD
        var bytes: DWORD
        /// The lpOverlapped argument's address.
        var overlapped: UInt
        var flags: DWORD
        var thread: UInt
        var depth: Int
    }

    private(set) var calls: [Call] = []
    /// Routines of this log running now (to see nesting).
    private(set) var depth = 0
    private(set) var maximumDepth = 0
    /// Runs inside the routine, after it is recorded.
    var onCall: ((RoutineLog, UnsafeMutablePointer<WSAOVERLAPPED>?) -> Void)?

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    fileprivate func record(
        _ error: DWORD, _ bytes: DWORD, _ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>?, _ flags: DWORD
    ) {
        depth += 1
        maximumDepth = max(maximumDepth, depth)
        calls.append(
            Call(
                error: error, bytes: bytes, overlapped: UInt(bitPattern: overlapped), flags: flags,
                thread: currentThreadID(), depth: depth))
        onCall?(self, overlapped)
        depth -= 1
    }
}

/// A completion routine that records its call in the `RoutineLog` its `hEvent` carries.
let loggingRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE = { error, bytes, overlapped, flags in
    let log = Unmanaged<RoutineLog>.fromOpaque(overlapped!.pointee.hEvent!).takeUnretainedValue()
    log.record(error, bytes, overlapped, flags)
}

/// Heap storage for overlapped structures and buffers that must outlive the calls that use them.
final class SendSlots: @unchecked Sendable {
    let overlapped: UnsafeMutablePointer<WSAOVERLAPPED>
    let count: Int

    init(_ count: Int) {
        self.count = count
        overlapped = .allocate(capacity: count)
        overlapped.initialize(repeating: WSAOVERLAPPED(), count: count)
    }

    deinit {
        // A test that failed may leave an operation pending; its completion (say WSA_OPERATION_ABORTED
        // when the socket closes) will still write into the structure, so that memory is left alone.
        let pending = (0..<count).contains { !HasOverlappedIoCompleted(overlapped + $0) }
        if !pending { overlapped.deallocate() }
    }

    subscript(index: Int) -> UnsafeMutablePointer<WSAOVERLAPPED> { overlapped + index }
}

/// A heap buffer of `count` bytes holding the test pattern of `call`.
final class Payload: @unchecked Sendable {
    let bytes: UnsafeMutablePointer<CChar>
    let count: Int

    init(count: Int, call: Int = 0) {
        self.count = count
        bytes = .allocate(capacity: max(count, 1))
        for index in 0..<count { bytes[index] = CChar(bitPattern: patternByte(call: call, index: index)) }
    }

    deinit { bytes.deallocate() }

    var wsabuf: WSABUF { WSABUF(len: DWORD(count), buf: bytes) }
}

/// Fills the client's send path until the transport takes nothing more (the peer is not reading):
/// later sends must wait. Returns the bytes it sent.
@discardableResult
func fillSendBuffer(_ pair: OverlappedPair) throws -> Int {
    try pair.client.setOption(level: SOL_SOCKET, name: SO_SNDBUF, value: 4096)
    try pair.server.setOption(level: SOL_SOCKET, name: SO_RCVBUF, value: 4096)
    try pair.client.setNonBlocking(true)
    let chunk = Payload(count: 65536)
    var total = 0
    while true {
        var buffer = chunk.wsabuf
        var sent: DWORD = 0
        if WSASend(pair.client.handle, &buffer, 1, &sent, 0, nil, nil) == SOCKET_ERROR {
            #expect(WSAGetLastError() == WSAEWOULDBLOCK)
            break
        }
        total += Int(sent)
    }
    try pair.client.setNonBlocking(false)
    return total
}

/// Drains `count` bytes from the server side, without checking them.
func drain(_ socket: Socket, count: Int) throws {
    var left = count
    var buffer = [UInt8](repeating: 0, count: 65536)
    while left > 0 {
        let n = try buffer.withUnsafeMutableBytes {
            try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<min(65536, left)]))
        }
        if n == 0 { return }
        left -= n
    }
}

/// The status and byte count an overlapped structure holds.
func status(of overlapped: UnsafeMutablePointer<WSAOVERLAPPED>) -> (status: Int32, bytes: Int) {
    (
        Int32(truncatingIfNeeded: cwinsock_overlapped_load_status(overlapped)),
        Int(cwinsock_overlapped_load_bytes(overlapped))
    )
}

/// Waits (up to 10 s) until the structure's operation has completed.
func waitCompleted(_ overlapped: UnsafeMutablePointer<WSAOVERLAPPED>) -> Bool {
    let deadline = MonotonicClock.now() + 10_000_000_000
    while !HasOverlappedIoCompleted(overlapped) {
        if MonotonicClock.now() > deadline { return false }
        pause(microseconds: 1000)
    }
    return true
}
