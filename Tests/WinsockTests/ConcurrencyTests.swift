import Testing

@testable import Winsock

/// One WSASend call's message in the concurrent test: an 8-byte header (writer, sequence number,
/// payload length, little-endian) and a payload that depends on all three and the position.
private enum Message {
    static func payloadByte(writer: Int, sequence: Int, at index: Int) -> UInt8 {
        Pattern.byte(at: writer &* 50_000_000 &+ sequence &* 1_000_000 &+ index)
    }

    static func make(writer: Int, sequence: Int, length: Int) -> [UInt8] {
        var bytes = [UInt8(writer), 0, UInt8(sequence), 0]
        bytes += withUnsafeBytes(of: UInt32(length).littleEndian, Array.init)
        bytes += Pattern.bytes(from: writer &* 50_000_000 &+ sequence &* 1_000_000, count: length)
        return bytes
    }

    /// Walks a received stream of messages; the problems it finds, or [] when every message is whole,
    /// every writer's messages come in order and nothing is left over.
    static func problems(in stream: [UInt8], writers: Int, perWriter: Int) -> [String] {
        var next = [Int](repeating: 0, count: writers)
        var offset = 0
        while offset + 8 <= stream.count {
            let writer = Int(stream[offset])
            let sequence = Int(stream[offset + 2])
            let length =
                Int(stream[offset + 4]) | Int(stream[offset + 5]) << 8 | Int(stream[offset + 6]) << 16
                | Int(stream[offset + 7]) << 24
            guard writer < writers, sequence == next[writer], offset + 8 + length <= stream.count else {
                return ["bad header at \(offset): writer \(writer), sequence \(sequence), length \(length)"]
            }
            let expected = make(writer: writer, sequence: sequence, length: length)
            if Array(stream[offset..<(offset + 8 + length)]) != expected {
                return ["message \(writer)/\(sequence) at \(offset) is not whole: another call's bytes are inside it"]
            }
            next[writer] += 1
            offset += 8 + length
        }
        var found: [String] = []
        if offset != stream.count { found.append("\(stream.count - offset) bytes left over") }
        if next != [Int](repeating: perWriter, count: writers) { found.append("messages per writer: \(next)") }
        return found
    }
}

/// Several threads on one socket. The spec warns that concurrent WSASend calls on one stream socket
/// "may lead to unintended data interleaving"; the library's choice: "never interleaves".
@Suite("WSASend from several threads")
struct ConcurrencyTests {
    @Test(
        "concurrent blocking WSASend calls on one stream socket never interleave their bytes",
        arguments: SendFunction.allCases)
    func noInterleaving(_ function: SendFunction) throws {
        let writers = 4
        let perWriter = 6
        let messages = (0..<writers).map { writer in
            (0..<perWriter).map { sequence in
                Message.make(
                    writer: writer, sequence: sequence, length: 40_000 + (writer * 7 + sequence * 13) % 9 * 30_000)
            }
        }
        let total = messages.joined().reduce(0) { $0 + $1.count }
        try withStreamPair(peerReceiveBuffer: 8192, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 8192) }) {
            socket, peer in
            let reader = readingPeer(peer, limit: total, chunk: 4096)
            let senders = messages.map { own in
                TestThread { () -> [SendOutcome] in
                    own.map { message in
                        // Many buffers per call, so a provider that split calls would have many chances.
                        wsaSend(
                            socket, message,
                            sizes: Pattern.sizes(total: message.count, cycle: [8, 4000, 0, 1, 12_000]),
                            using: function)
                    }
                }
            }
            for (writer, sender) in senders.enumerated() {
                let outcomes = try #require(sender.join(waitingAtMost: 60_000), "writer \(writer) hangs")
                for (sequence, outcome) in outcomes.enumerated() {
                    #expect(outcome == SendOutcome(rc: 0, error: 0, sent: DWORD(messages[writer][sequence].count)))
                }
            }
            let received = reader.join()
            #expect(received.bytes.count == total)
            #expect(Message.problems(in: received.bytes, writers: writers, perWriter: perWriter) == [])
        }
    }

    // closesocket: "threads blocked on the socket return (WSAEINTR)" (the library's documentation);
    // LibraryCondition.blockingCallCancelledByClose.
    @Test(
        "closesocket from another thread releases a blocked WSASend, and one queued behind it, with WSAEINTR",
        arguments: SendFunction.allCases)
    func closeReleasesBlockedSend(_ function: SendFunction) throws {
        let total = 4 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(peerReceiveBuffer: 4096, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 4096) }) {
            socket, _ in
            let first = TestThread { wsaSend(socket, data, sizes: Pattern.sizes(total: total), using: function) }
            try #require(waitUntil { sendQueueIsBusy(socket) }, "the first WSASend never started")
            let second = TestThread { wsaSend(socket, [1, 2, 3], using: function) }
            try #require(waitUntil { queuedCallers(socket) == 1 }, "the second WSASend never queued")
            TestClock.sleep(milliseconds: 100)
            #expect(!first.isFinished, "the first WSASend should be blocked: the peer reads nothing")
            try #require(closesocket(socket) == 0)
            let firstOutcome = first.join(waitingAtMost: 10_000)
            let secondOutcome = second.join(waitingAtMost: 10_000)
            #expect(
                firstOutcome?.rc == SOCKET_ERROR && firstOutcome?.error == WSAEINTR,
                "\(String(describing: firstOutcome))")
            #expect(Int(firstOutcome?.sent ?? 0) < total)
            #expect(
                secondOutcome?.rc == SOCKET_ERROR && secondOutcome?.error == WSAEINTR,
                "\(String(describing: secondOutcome))")
        }
    }
}

extension ConcurrencyTests {
    // The library's rule: SO_SNDTIMEO expiry gives WSAETIMEDOUT, "the timeout bounding the whole call": the
    // wait for another thread's send to finish is part of the call.
    @Test(
        "a blocking WSASend waiting behind another thread's send is bounded by SO_SNDTIMEO",
        arguments: SendFunction.allCases)
    func queuedSendTimesOut(_ function: SendFunction) throws {
        let total = 4 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(peerReceiveBuffer: 4096, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 4096) }) {
            socket, _ in
            // The first send starts with no timeout: it blocks until the socket closes.
            let first = TestThread { wsaSend(socket, data, sizes: Pattern.sizes(total: total), using: function) }
            try #require(waitUntil { sendQueueIsBusy(socket) }, "the first WSASend never started")
            TestClock.sleep(milliseconds: 100)
            try #require(setOption(socket, SOL_SOCKET, SO_SNDTIMEO, 300) == 0)
            let start = TestClock.now()
            let second = TestThread { wsaSend(socket, [1, 2, 3], using: function) }
            let secondOutcome = second.join(waitingAtMost: 10_000)
            let elapsed = TestClock.now() - start
            #expect(secondOutcome == SendOutcome(rc: SOCKET_ERROR, error: WSAETIMEDOUT, sent: 0), "after \(elapsed) s")
            #expect(elapsed < 5)
            #expect(!first.isFinished)
            _ = closesocket(socket)
            let firstOutcome = first.join(waitingAtMost: 10_000)
            #expect(firstOutcome?.error == WSAEINTR, "\(String(describing: firstOutcome))")
            _ = second.join(waitingAtMost: 10_000)
        }
    }
}

/// Polls `condition` for at most 10 s.
func waitUntil(_ condition: () -> Bool) -> Bool {
    let deadline = TestClock.now() + 10
    while !condition() {
        if TestClock.now() > deadline { return false }
        TestClock.sleep(milliseconds: 2)
    }
    return true
}

// White-box views of the socket's send queue (Send/SendQueue.swift), for knowing that a thread is
// inside WSASend before another closes the socket. Read only.
private func sendQueueIsBusy(_ socket: SOCKET) -> Bool {
    Library.sockets.lookup(socket)?.sendQueue.isBusy ?? false
}

private func queuedCallers(_ socket: SOCKET) -> Int {
    Library.sockets.lookup(socket)?.sendQueue.waitingCount ?? 0
}
