import Testing

@testable import Winsock

/// A stream's overlapped send is tried at once when nothing waits before it, unless the socket's sends
/// come in bursts: then the first send of a burst waits with the others and goes out in the same gathered
/// sendmsg, instead of costing a system call of its own.
@Suite("Overlapped stream sends that come in bursts")
struct OverlappedBurstTests {
    @Test(
        "once a gathered write completed several sends, the next burst's first send waits; after a write of one, a send completes at once again"
    )
    func firstSendOfABurstWaits() throws {
        let pair = try OverlappedPair()
        let record = try #require(Library.sockets.lookup(pair.client.handle))
        let slots = SendSlots(1)
        slots[0].pointee.hEvent = WSACreateEvent()
        defer { _ = WSACloseEvent(slots[0].pointee.hEvent) }
        let payload = Payload(count: 64)
        func post() -> Int32 {
            var buffer = payload.wsabuf
            return WSASend(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == 0 ? 0 : WSAGetLastError()
        }
        func collect() {
            var events = [slots[0].pointee.hEvent]
            #expect(WSAWaitForMultipleEvents(1, &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
            var bytes: DWORD = 0
            var flags: DWORD = 0
            #expect(WSAGetOverlappedResult(pair.client.handle, slots[0], &bytes, FALSE, &flags) == TRUE)
            #expect(bytes == 64)
        }

        #expect(post() == 0, "a lone send on an idle socket completes at once")
        collect()
        // As a gathered write of several sends leaves it (EngineBookkeepingTests: the write sets it).
        record.sendsComeInBursts.store(true, ordering: .relaxed)
        #expect(post() == WSA_IO_PENDING, "the first send of a burst waits for the others")
        collect()
        let stillInBursts = record.sendsComeInBursts.load(ordering: .relaxed)
        #expect(!stillInBursts, "the write that carried it completed one send")
        #expect(post() == 0, "a lone send completes at once again")
        collect()
        let received = try readAll(pair.server, count: 3 * 64)
        #expect(received == Array(repeating: (0..<64).map { patternByte(call: 0, index: $0) }, count: 3).flatMap { $0 })
    }
}
