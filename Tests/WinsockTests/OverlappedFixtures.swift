import Glibc
import Testing
import Winsock

/// A connected TCP pair on loopback: `client` sends, `server` is the peer the tests read from.
struct OverlappedPair {
    let session: WinsockSession
    let client: Socket
    let server: Socket

    init(host: String = "127.0.0.1", overlapped: Bool = true) throws {
        session = try WinsockSession()
        let listener = try Socket(family: host.contains(":") ? Winsock.AF_INET6 : Winsock.AF_INET, type: Winsock.SOCK_STREAM)
        try listener.bind(to: SocketAddress(numericHost: host, port: 0)!)
        try listener.listen()
        let client = try Socket(family: listener.localAddress!.family, type: Winsock.SOCK_STREAM, overlapped: overlapped)
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
        let n = try buffer.withUnsafeMutableBytes { try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
        if n == 0 { break }
        received.append(contentsOf: buffer[0..<n])
        if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
    }
    return received
}

/// Runs `body` on a new thread and returns a way to wait for its result.
final class Worker<Value: Sendable>: @unchecked Sendable {
    private var outcome: Result<Value, any Error>?
    private var thread = pthread_t()
    private let body: @Sendable () throws -> Value

    init(_ body: @escaping @Sendable () throws -> Value) {
        self.body = body
        start()
    }

    private func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, workerMain, box)
    }

    fileprivate func run() {
        outcome = Result { try body() }
    }

    func join() throws -> Value {
        pthread_join(thread, nil)
        return try outcome!.get()
    }
}

private protocol Runnable: AnyObject { func run() }
extension Worker: Runnable {}

private func workerMain(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let worker = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue()
    (worker as! any Runnable).run()
    return nil
}
