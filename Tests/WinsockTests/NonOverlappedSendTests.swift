import Testing
import Winsock

/// Non-overlapped WSASend on stream sockets, against a raw Linux peer that checks every byte and its
/// order. "For non-overlapped sockets, the last two parameters (lpOverlapped, lpCompletionRoutine) are
/// ignored and WSASend adopts the same blocking semantics as send."
@Suite("Non-overlapped WSASend on stream sockets")
struct NonOverlappedSendTests {
    // "Given the same buffer situation and a blocking socket, WSASend will block until all of the
    // application buffer contents have been consumed."
    @Test(
        "blocking: WSASend returns 0 only when every byte is consumed, and the peer gets them all in order",
        arguments: loopbackFamilies)
    func blockingSendsEverything(_ family: Int32) throws {
        let total = 4 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(family: family, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 8192) }) { socket, peer in
            let reader = readingPeer(peer, chunk: 16384)
            WSASetLastError(4242)
            let outcome = wsaSend(socket, data, sizes: Pattern.sizes(total: total))
            #expect(outcome == SendOutcome(rc: 0, error: 0, sent: DWORD(total)))
            try #require(Winsock.shutdown(socket, SD_SEND) == 0)
            let received = reader.join()
            #expect(received.sawEOF)
            #expect(received.firstMismatch(against: data) == nil, "received \(received.bytes.count) of \(total)")
        }
    }

    // Issue 2: "past IOV_MAX (1024) buffers a stream send goes out in IOV_MAX slices, in order, as one call".
    @Test(
        "more than IOV_MAX buffers go out in one WSASend call, byte-exact and in order",
        arguments: [1025, 3000, 5000])
    func manyBuffers(_ count: Int) throws {
        let sizes = (0..<count).map { index in index % 11 == 0 ? 0 : index % 97 + 1 }
        let total = sizes.reduce(0, +)
        let data = Pattern.bytes(count: total)
        try withStreamPair { socket, peer in
            let reader = readingPeer(peer)
            #expect(wsaSend(socket, data, sizes: sizes) == SendOutcome(rc: 0, error: 0, sent: DWORD(total)))
            try #require(Winsock.shutdown(socket, SD_SEND) == 0)
            let received = reader.join()
            #expect(received.sawEOF)
            #expect(received.firstMismatch(against: data) == nil)
        }
    }

    // "If the socket is non-blocking and stream-oriented, and there is not sufficient space in the
    // transport's buffer, WSASend will return with only part of the application's buffers having been
    // consumed." Issue 2: "SOCKET_ERROR + WSAEWOULDBLOCK when none".
    @Test(
        "non-blocking: a partial count while room lasts, then WSAEWOULDBLOCK; the counts are exactly what the peer gets"
    )
    func nonBlockingPartial() throws {
        let total = 2 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(peerReceiveBuffer: 4096, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 4096) }) {
            socket, peer in
            try #require(setNonBlocking(socket, true) == 0)
            var consumed = 0
            var outcomes: [SendOutcome] = []
            while outcomes.count < 200 {
                let rest = Array(data[consumed...])
                let outcome = wsaSend(socket, rest, sizes: Pattern.sizes(total: rest.count))
                outcomes.append(outcome)
                if outcome.rc != 0 { break }
                consumed += Int(outcome.sent)
            }
            let first = try #require(outcomes.first)
            #expect(first.rc == 0 && first.error == 0, "\(first)")
            #expect(first.sent > 0 && Int(first.sent) < total, "the first call consumes part of the buffers: \(first)")
            let last = try #require(outcomes.last)
            #expect(last.rc == SOCKET_ERROR && last.error == WSAEWOULDBLOCK, "\(last)")
            #expect(last.sent == 0)
            #expect(consumed < total)
            try #require(Winsock.shutdown(socket, SD_SEND) == 0)
            let received = readingPeer(peer).join()
            #expect(received.sawEOF)
            #expect(received.firstMismatch(against: Array(data[..<consumed])) == nil)
        }
    }

    @Test("non-blocking with room: more than IOV_MAX buffers are consumed whole in one call")
    func nonBlockingWithRoom() throws {
        let sizes = [Int](repeating: 3, count: 2000)
        let data = Pattern.bytes(count: 6000)
        try withStreamPair { socket, peer in
            try #require(setNonBlocking(socket, true) == 0)
            #expect(wsaSend(socket, data, sizes: sizes) == SendOutcome(rc: 0, error: 0, sent: 6000))
            #expect(readingPeer(peer, limit: 6000).join().bytes == data)
        }
    }

    // The library's rule: "SO_SNDTIMEO expires (blocking socket) | WSAETIMEDOUT".
    @Test("blocking: SO_SNDTIMEO expiry with a peer that never reads gives WSAETIMEDOUT in bounded time")
    func sendTimeout() throws {
        let total = 4 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(
            peerReceiveBuffer: 4096,
            configure: {
                setOption($0, SOL_SOCKET, SO_SNDBUF, 4096)
                setOption($0, SOL_SOCKET, SO_SNDTIMEO, 200)
            }
        ) { socket, peer in
            let start = TestClock.now()
            let outcome = wsaSend(socket, data, sizes: Pattern.sizes(total: total))
            let elapsed = TestClock.now() - start
            #expect(outcome.rc == SOCKET_ERROR && outcome.error == WSAETIMEDOUT, "\(outcome)")
            // The call ends at the timeout: not before it, and not long after it.
            #expect(elapsed >= 0.19 && elapsed < 1.2, "took \(elapsed) s for a 200 ms timeout")
            #expect(Int(outcome.sent) < total)
            // The count is what the transport took before the timeout: exactly what the peer gets.
            try #require(Winsock.shutdown(socket, SD_SEND) == 0)
            let received = readingPeer(peer).join()
            #expect(received.sawEOF)
            #expect(received.firstMismatch(against: Array(data[..<Int(outcome.sent)])) == nil)
        }
    }

    // The library's rule: "the timeout bounding the whole call"; on Linux, a loop that retries after partial
    // sends while the receiver's window grows "can run for seconds".
    @Test("blocking: a slow reader that keeps making room does not stretch SO_SNDTIMEO past the whole call")
    func timeoutBoundsWholeCall() throws {
        let total = 8 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(
            peerReceiveBuffer: 4096,
            configure: {
                setOption($0, SOL_SOCKET, SO_SNDBUF, 4096)
                setOption($0, SOL_SOCKET, SO_SNDTIMEO, 300)
            }
        ) { socket, peer in
            // About 100 KB/s: the whole send would take over a minute.
            let reader = readingPeer(peer, chunk: 2048, pauseMilliseconds: 20)
            let start = TestClock.now()
            let outcome = wsaSend(socket, data, sizes: Pattern.sizes(total: total))
            let elapsed = TestClock.now() - start
            #expect(outcome.rc == SOCKET_ERROR && outcome.error == WSAETIMEDOUT, "\(outcome)")
            // The reader keeps making room, so only the timeout ends the call: at 300 ms, not before, and
            // not after a retry loop has stretched it.
            #expect(elapsed >= 0.29 && elapsed < 1.3, "took \(elapsed) s for a 300 ms timeout")
            try #require(Winsock.shutdown(socket, SD_SEND) == 0)
            let received = reader.join()
            #expect(received.firstMismatch(against: Array(data[..<Int(outcome.sent)])) == nil)
        }
    }

    @Test("blocking: SO_SNDTIMEO 0 means no timeout: a send that waits for a late reader completes")
    func noTimeoutWaits() throws {
        let total = 1 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(peerReceiveBuffer: 4096, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 4096) }) {
            socket, peer in
            let reader = TestThread { () -> Received in
                TestClock.sleep(milliseconds: 400)
                return readingPeer(peer).join()
            }
            #expect(wsaSend(socket, data, sizes: Pattern.sizes(total: total)).sent == DWORD(total))
            try #require(Winsock.shutdown(socket, SD_SEND) == 0)
            #expect(reader.join().firstMismatch(against: data) == nil)
        }
    }
}
