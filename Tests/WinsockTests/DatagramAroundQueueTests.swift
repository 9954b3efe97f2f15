import Testing

@testable import Winsock

/// A non-overlapped datagram takes no turn in the socket's send queue when the queue is idle (each
/// sendmsg of a datagram is whole, whatever other threads send). These tests hold that shortcut to what
/// the queue promised: a datagram never overtakes the sends queued before it, and concurrent datagrams
/// stay whole.
@Suite("Datagrams around an idle send queue")
struct DatagramAroundQueueTests {
    /// "For message-oriented sockets ... WSASend" sends in call order: overlapped datagrams still queued
    /// on the socket (another caller held the transmitter when they were posted) go out before a later
    /// blocking datagram of the same thread.
    @Test(
        "a blocking datagram never overtakes the overlapped datagrams this thread queued before it",
        arguments: SendFunction.allCases)
    func blockingDatagramStaysBehindQueuedOnes(_ function: SendFunction) throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, port) = try OverlappedOrderRoutineTests.datagramPair(function)
        let record = try #require(Library.sockets.lookup(sender.handle))
        let context = ThreadContext.current
        let queued = 6
        let payloads = (0...queued).map { Payload(count: 200 + $0, call: $0) }
        let slots = SendSlots(queued)
        var events: [WSAEVENT] = []

        // Another caller's send holds the transmitter: the overlapped datagrams wait in the queue.
        guard case .granted = record.sendQueue.admit(blocking: false, context: context, record: record) else {
            Issue.record("the idle queue should grant the transmitter")
            return
        }
        for call in 0..<queued {
            slots[call].pointee.hEvent = WSACreateEvent()
            events.append(slots[call].pointee.hEvent)
            var buffer = payloads[call].wsabuf
            let rc = function.call(sender.handle, &buffer, 1, nil, 0, slots[call], nil, to: port)
            #expect(rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING, "call \(call) waits in the queue")
        }
        #expect(!record.sendQueue.isIdle)
        // That send ends: the queued datagrams are parked, for a waiting thread or the engine to write.
        record.sendQueue.release(record: record)

        var buffer = payloads[queued].wsabuf
        var sent: DWORD = 0
        #expect(function.call(sender.handle, &buffer, 1, &sent, 0, nil, nil, to: port) == 0)
        #expect(sent == DWORD(200 + queued))
        #expect(WSAWaitForMultipleEvents(DWORD(events.count), &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)

        var received = [UInt8](repeating: 0, count: 1000)
        for call in 0...queued {
            let n = try received.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == 200 + call, "datagram \(call) arrives in call order")
            #expect(received[0..<n].enumerated().allSatisfy { $0.element == patternByte(call: call, index: $0.offset) })
        }
        events.forEach { _ = WSACloseEvent($0) }
    }

    /// Blocking datagrams from several threads at once, none of them taking the transmitter while the
    /// queue is idle: every one arrives whole, and each thread's in its call order.
    @Test("blocking datagrams from four threads at once arrive whole, each thread's in order")
    func concurrentDatagramsStayWhole() throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, _) = try OverlappedOrderRoutineTests.datagramPair(.wsaSend)
        let handle = sender.handle
        let threads = 4
        let perThread = 50
        let size = 64
        let workers = (0..<threads).map { thread in
            Worker { () -> Int in
                var failures = 0
                for sequence in 0..<perThread {
                    let payload = Payload(count: size, call: thread * perThread + sequence)
                    var buffer = payload.wsabuf
                    var sent: DWORD = 0
                    if WSASend(handle, &buffer, 1, &sent, 0, nil, nil) != 0 || sent != DWORD(size) { failures += 1 }
                }
                return failures
            }
        }
        for worker in workers { #expect(try worker.join() == 0) }

        var next = [Int](repeating: 0, count: threads)
        var received = [UInt8](repeating: 0, count: 1000)
        for _ in 0..<(threads * perThread) {
            let n = try received.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == size)
            // Which call sent it: the pattern's first byte is call * 131 (mod 256), unique below 256 calls.
            guard
                let call = (0..<(threads * perThread)).first(where: { patternByte(call: $0, index: 0) == received[0] })
            else {
                Issue.record("a datagram of no call")
                continue
            }
            #expect(received[0..<n].enumerated().allSatisfy { $0.element == patternByte(call: call, index: $0.offset) })
            let (thread, sequence) = call.quotientAndRemainder(dividingBy: perThread)
            #expect(sequence == next[thread], "thread \(thread)'s datagrams arrive in its call order")
            next[thread] = sequence + 1
        }
        #expect(next == [Int](repeating: perThread, count: threads))
    }
}
