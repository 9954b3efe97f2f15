import Glibc
import Testing

@testable import Winsock

/// The issuing thread's context lives while any of its operations is out in the send pipeline (it holds
/// itself then, once for all of them) and no longer.
@Suite("Overlapped sends and their thread's context")
struct OverlappedContextLifetimeTests {
    /// Watches a context without keeping it.
    final class Watch: @unchecked Sendable {
        weak var context: ThreadContext?
    }

    @Test("an exited thread's context is freed once the engine has handed back its cancelled sends")
    func exitedContextFreed() throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(5)
        let payload = Payload(count: 4000)
        let handle = pair.client.handle
        let address = UInt(bitPattern: slots.overlapped)
        let watch = Watch()
        let issued = try Worker { () -> [Int32] in
            watch.context = ThreadContext.current
            let base = UnsafeMutablePointer<WSAOVERLAPPED>(bitPattern: address)!
            var codes: [Int32] = []
            for index in 0..<5 {
                base[index].hEvent = WSACreateEvent()
                var buffer = payload.wsabuf
                let rc = WSASend(handle, &buffer, 1, nil, 0, base + index, nil)
                codes.append(rc == SOCKET_ERROR ? WSAGetLastError() : 0)
            }
            return codes
        }.join()
        #expect(issued == Array(repeating: WSA_IO_PENDING, count: 5))
        var events = (0..<5).map { slots[$0].pointee.hEvent }
        #expect(WSAWaitForMultipleEvents(5, &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        // The engine hands each record back just after it signals the event: wait for the last one.
        var freed = false
        for _ in 0..<1000 {
            if watch.context == nil {
                freed = true
                break
            }
            usleep(10_000)
        }
        #expect(freed, "the context outlived its operations by 10 s")
        events.forEach { _ = WSACloseEvent($0) }
        _ = filled
    }
}
