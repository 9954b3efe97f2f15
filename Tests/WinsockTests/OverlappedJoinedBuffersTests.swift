import Testing

@testable import Winsock

/// A thread that writes its parked sends copies their leading small buffers into one before the sendmsg:
/// the kernel's work per iovec cost more than a short buffer's bytes. The same bytes must reach the peer
/// in the same order, and a partial write must resume at the exact byte.
@Suite("Overlapped stream sends whose small buffers are joined into one")
struct OverlappedJoinedBuffersTests {
    typealias Buffers = EngineBookkeepingTests.Buffers

    /// The message's iovec lengths and the bytes they hold, in order.
    func message(of batch: SendBatch) -> (lengths: [Int], bytes: [UInt8]) {
        let message = batch.message.pointee
        let iovecs = UnsafeBufferPointer(start: message.msg_iov, count: message.msg_iovlen)
        let bytes = iovecs.flatMap { iovec in
            Array(UnsafeRawBufferPointer(start: iovec.iov_base, count: iovec.iov_len))
        }
        return (iovecs.map(\.iov_len), bytes)
    }

    /// The storage filled with a pattern, so that every byte says where it came from.
    func patterned() -> Buffers {
        let buffers = Buffers()
        for index in 0..<(1 << 20) { buffers.storage[index] = CChar(bitPattern: patternByte(call: 0, index: index)) }
        return buffers
    }

    /// The storage's bytes in these ranges, one after another: each operation's buffers are consecutive
    /// slices of the storage from its start.
    func expected(_ buffers: Buffers, _ ranges: [Range<Int>]) -> [UInt8] {
        ranges.flatMap { range in range.map { UInt8(bitPattern: buffers.storage[$0]) } }
    }

    @Test("the leading small buffers go as one copy, the first large one and those after it as they are")
    func leadingRunJoined() {
        let buffers = patterned()
        let batch = SendBatch()
        // 64 + 64 + 3 + 200 bytes lead (the empty buffer is left out); 300 is above the threshold.
        for lengths in [[64], [64], [3, 0, 200], [300], [10]] { batch.operations.append(buffers.operation(lengths)) }
        #expect(batch.prepare(stream: true, limit: 1024))
        #expect(message(of: batch).lengths == [64, 64, 3, 200, 300, 10], "prepare alone joins nothing")
        batch.joinLeadingSmallBuffers()
        let first = message(of: batch)
        #expect(first.lengths == [331, 300, 10])
        #expect(first.bytes == expected(buffers, [0..<64, 0..<64, 0..<203, 0..<300, 0..<10]))
        #expect(batch.message.pointee.msg_iov != batch.iov, "the message starts at the joined copy")

        // The kernel takes 100 bytes: the first send is done and the second has 36 of 64. The next
        // message joins again from the first unsent byte.
        var finished = 0
        batch.distribute(100) { _ in finished += 1 }
        #expect(finished == 1)
        #expect(batch.prepare(stream: true, limit: 1024))
        batch.joinLeadingSmallBuffers()
        let second = message(of: batch)
        #expect(second.lengths == [231, 300, 10])
        #expect(second.bytes == expected(buffers, [36..<64, 0..<203, 0..<300, 0..<10]))
    }

    @Test("nothing is joined where fewer than two small buffers lead")
    func notJoined() {
        let buffers = patterned()
        for lengths in [[[64], [4096]], [[257, 8, 8]], [[8, 300, 8]], [[200]]] {
            let batch = SendBatch()
            for operation in lengths { batch.operations.append(buffers.operation(operation)) }
            #expect(batch.prepare(stream: true, limit: 1024))
            batch.joinLeadingSmallBuffers()
            #expect(message(of: batch).lengths == lengths.flatMap { $0 }, "\(lengths)")
            #expect(batch.message.pointee.msg_iov == batch.iov)
        }
    }

    @Test("a datagram's small buffers are joined into one buffer of the same datagram")
    func datagramJoined() {
        let buffers = patterned()
        let batch = SendBatch()
        batch.operations.append(buffers.operation([8, 8, 8], stream: false))
        batch.operations.append(buffers.operation([9], stream: false))
        #expect(batch.prepare(stream: false, limit: 1024))
        batch.joinLeadingSmallBuffers()
        let sent = message(of: batch)
        #expect(sent.lengths == [24], "the first datagram alone")
        #expect(sent.bytes == expected(buffers, [0..<24]))
    }

    @Test("the joined copy holds at most its capacity; the buffers beyond it follow as iovecs")
    func capacity() {
        let buffers = patterned()
        let batch = SendBatch()
        for _ in 0..<100 { batch.operations.append(buffers.operation([200])) }
        #expect(batch.prepare(stream: true, limit: 1024))
        batch.joinLeadingSmallBuffers()
        let joinedCount = SendBatch.joinedCapacity / 200
        let sent = message(of: batch)
        #expect(sent.lengths == [joinedCount * 200] + Array(repeating: 200, count: 100 - joinedCount))
        #expect(sent.bytes == expected(buffers, Array(repeating: 0..<200, count: 100)))
    }

    @Test("hundreds of small overlapped sends, written in bursts and partly at a time, arrive byte-exact")
    func smallSendsArriveExact() throws {
        let pair = try OverlappedPair()
        try pair.client.setOption(level: SOL_SOCKET, name: SO_SNDBUF, value: 4096)
        try pair.server.setOption(level: SOL_SOCKET, name: SO_RCVBUF, value: 4096)
        let record = try #require(Library.sockets.lookup(pair.client.handle))
        // Sizes around the threshold, an empty send among them.
        let sizes = (0..<600).map { $0 == 7 ? 0 : 1 + ($0 * 7919) % 300 }
        let total = sizes.reduce(0, +)
        let payloads = sizes.enumerated().map { Payload(count: $0.element, call: $0.offset) }
        let slots = SendSlots(64)
        let reader = Worker { try readAll(pair.server, count: total, chunk: 1024, pauseMicroseconds: 20) }
        var sawBurst = false
        for start in stride(from: 0, to: sizes.count, by: 64) {
            let calls = start..<min(start + 64, sizes.count)
            for call in calls {
                let slot = slots[call - start]
                slot.pointee = WSAOVERLAPPED()
                slot.pointee.hEvent = WSACreateEvent()
                var buffer = payloads[call].wsabuf
                let rc = WSASend(pair.client.handle, &buffer, 1, nil, 0, slot, nil)
                #expect(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "call \(call)")
            }
            for call in calls {
                let slot = slots[call - start]
                var event = slot.pointee.hEvent
                #expect(WSAWaitForMultipleEvents(1, &event, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
                var bytes: DWORD = 0
                var flags: DWORD = 0
                #expect(WSAGetOverlappedResult(pair.client.handle, slot, &bytes, FALSE, &flags) == TRUE)
                #expect(Int(bytes) == sizes[call], "call \(call)")
                _ = WSACloseEvent(slot.pointee.hEvent)
            }
            if record.sendsComeInBursts.load(ordering: .relaxed) { sawBurst = true }
        }
        #expect(sawBurst, "some write carried several sends")
        let received = try reader.join()
        #expect(received.count == total)
        #expect(matchesPattern(received, sizes: sizes))
    }
}
