import Testing
import Winsock

@Suite("Overlapped sends keep call order")
struct OverlappedOrderTests {
    /// "The order of calls made to WSASend is also the order in which the buffers are transmitted to
    /// the transport layer."
    @Test(
        "256 outstanding event-mode sends of 64 KiB and odd sizes arrive byte-exact to a slow reader",
        arguments: SendFunction.allCases)
    func eventModeOrder(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let sizes = (0..<256).map { $0 % 3 == 0 ? 65536 : 1 + ($0 * 7919) % 9000 }
        let total = sizes.reduce(0, +)
        var payloads: [UnsafeMutablePointer<CChar>] = sizes.enumerated().map { call, size in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            for index in 0..<size { buffer[index] = CChar(bitPattern: patternByte(call: call, index: index)) }
            return buffer
        }
        defer { payloads.forEach { $0.deallocate() } }
        let overlapped = UnsafeMutablePointer<WSAOVERLAPPED>.allocate(capacity: sizes.count)
        overlapped.initialize(repeating: WSAOVERLAPPED(), count: sizes.count)
        defer { overlapped.deallocate() }
        let reader = Worker { try readAll(pair.server, count: total, chunk: 4096, pauseMicroseconds: 50) }
        var pending = 0
        for call in 0..<sizes.count {
            overlapped[call].hEvent = WSACreateEvent()
            var buffer = WSABUF(len: UInt32(sizes[call]), buf: payloads[call])
            var sent: DWORD = 0
            let rc = function.call(pair.client.handle, &buffer, 1, &sent, 0, overlapped + call, nil)
            if rc == SOCKET_ERROR {
                #expect(WSAGetLastError() == WSA_IO_PENDING)
                pending += 1
            }
        }
        for call in 0..<sizes.count {
            var event = overlapped[call].hEvent
            #expect(WSAWaitForMultipleEvents(1, &event, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
            var bytes: DWORD = 0
            var flags: DWORD = 0
            #expect(WSAGetOverlappedResult(pair.client.handle, overlapped + call, &bytes, FALSE, &flags) == TRUE)
            #expect(Int(bytes) == sizes[call])
            _ = WSACloseEvent(event)
        }
        let received = try reader.join()
        #expect(received.count == total)
        var offset = 0
        var mismatches = 0
        for (call, size) in sizes.enumerated() {
            for index in 0..<size where received[offset + index] != patternByte(call: call, index: index) {
                mismatches += 1
            }
            offset += size
        }
        #expect(mismatches == 0)
        #expect(pending > 0, "a slow reader must leave some sends pending")
        payloads = payloads.map { $0 }
    }
}
