import Glibc

/// What a reading peer saw: every byte in arrival order, and how the stream ended.
struct Received: Sendable {
    var bytes: [UInt8] = []
    /// The sender closed or shut down its side (recv returned 0).
    var sawEOF = false
    /// The peer gave up waiting: nothing arrived for `idleMilliseconds`.
    var timedOut = false
    /// A recv failed: the errno.
    var failure: Int32 = 0

    /// The first position where `bytes` differs from `expected` (a missing or extra byte included), or
    /// nil when they are identical.
    func firstMismatch(against expected: [UInt8]) -> Int? {
        let common = min(bytes.count, expected.count)
        let equalPrefix = bytes.withUnsafeBytes { left in
            expected.withUnsafeBytes { right in
                common == 0 || memcmp(left.baseAddress!, right.baseAddress!, common) == 0
            }
        }
        if !equalPrefix {
            for index in 0..<common where bytes[index] != expected[index] { return index }
        }
        return bytes.count == expected.count ? nil : common
    }
}

/// A peer on its own thread that reads a stream socket and keeps every byte.
///
/// It reads until EOF, or until `limit` bytes arrived when a limit is given; every wait is bounded by
/// `idleMilliseconds`, so a test never hangs on it. `pauseMilliseconds` makes it a slow reader.
func readingPeer(
    _ socket: RawSocket, limit: Int? = nil, chunk: Int = 65536, pauseMilliseconds: Int = 0,
    idleMilliseconds: Int32 = 10_000
) -> TestThread<Received> {
    TestThread {
        var received = Received()
        var buffer = [UInt8](repeating: 0, count: chunk)
        while limit.map({ received.bytes.count < $0 }) ?? true {
            guard socket.waitReadable(milliseconds: idleMilliseconds) else {
                received.timedOut = true
                break
            }
            let wanted = min(chunk, (limit ?? Int.max) - received.bytes.count)
            let count = buffer.withUnsafeMutableBytes {
                Glibc.recv(socket.fd, $0.baseAddress, wanted, Int32(MSG_DONTWAIT))
            }
            if count == 0 {
                received.sawEOF = true
                break
            }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                received.failure = errno
                break
            }
            received.bytes.append(contentsOf: buffer[0..<count])
            if pauseMilliseconds > 0 { TestClock.sleep(milliseconds: pauseMilliseconds) }
        }
        return received
    }
}
