import Glibc
import Testing

@testable import Winsock

/// A thread's cache of event handles keeps the events of its pending overlapped sends alive (the sends
/// take no reference of their own on them), so it must not let a slot's event go while any of the
/// thread's sends is out, even when the application closes that event and looks up another one that
/// falls in the same slot.
@Suite("Event handles in a thread's cache")
struct EventCacheTests {
    /// Watches an event object without keeping it.
    final class Watch: @unchecked Sendable {
        weak var event: EventObject?
    }

    /// The cache slot of an event handle (the cache maps `handle >> 2` onto 64 slots).
    private static func slot(_ handle: WSAEVENT) -> UInt { (UInt(bitPattern: handle) >> 2) & 63 }

    @Test(
        "a pending send's closed event outlives a lookup of another event in its slot, and goes once the send is back"
    )
    func pendingSendKeepsItsSlot() throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(1)
        let payload = Payload(count: 4000)
        let handle = pair.client.handle
        let server = pair.server
        let address = UInt(bitPattern: slots.overlapped)
        let watch = Watch()
        let outcome = try Worker { () -> (aliveWhilePending: Bool, completed: Bool, goneAfter: Bool) in
            let overlapped = UnsafeMutablePointer<WSAOVERLAPPED>(bitPattern: address)!
            let pending = WSACreateEvent()
            overlapped.pointee.hEvent = pending
            var buffer = payload.wsabuf
            let rc = WSASend(handle, &buffer, 1, nil, 0, overlapped, nil)
            #expect(rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING)
            watch.event = EventTable.lookup(pending)
            // Another event in the same slot of this thread's cache.
            var made: [WSAEVENT] = []
            var other: WSAEVENT = nil
            while other == nil && made.count < 1000 {
                let event = WSACreateEvent()
                made.append(event)
                if Self.slot(event) == Self.slot(pending) { other = event }
            }
            #expect(other != nil, "no event of 1,000 fell in the pending send's slot")
            _ = WSACloseEvent(pending)
            // A lookup of the other event on this thread, while the send is out.
            var others = [other]
            _ = WSAWaitForMultipleEvents(1, &others, FALSE, 0, FALSE)
            let aliveWhilePending = watch.event != nil
            // Let the send complete (the engine writes it once the peer reads), and its record come back.
            _ = try readAll(server, count: filled + 4000)
            var completed = false
            for _ in 0..<1000 {
                if HasOverlappedIoCompleted(overlapped) && !ThreadContext.current.operationPool.hasPending {
                    completed = true
                    break
                }
                usleep(10_000)
            }
            var bytes: DWORD = 0
            var flags: DWORD = 0
            #expect(WSAGetOverlappedResult(handle, overlapped, &bytes, FALSE, &flags) == TRUE)
            #expect(bytes == 4000)
            // Nothing is out now: the next lookup of the other event takes the slot, and the closed event goes.
            _ = WSAWaitForMultipleEvents(1, &others, FALSE, 0, FALSE)
            let goneAfter = watch.event == nil
            made.forEach { _ = WSACloseEvent($0) }
            return (aliveWhilePending, completed, goneAfter)
        }.join()
        #expect(outcome.aliveWhilePending, "the cache let a pending send's event go")
        #expect(outcome.completed)
        #expect(outcome.goneAfter, "the cache kept a closed event after its send was back")
    }
}
