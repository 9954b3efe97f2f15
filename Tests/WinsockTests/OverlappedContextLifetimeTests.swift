import Glibc
import Testing

@testable import Winsock

/// The issuing thread's context lives while its thread runs, and past the thread's exit while any of its
/// operations is still out in the send pipeline (it holds itself then, once for all of them), and no
/// longer. Records come back on the issuing thread (counted there with plain adds) or from the engine
/// (counted atomically): every mix of the two must let the context go, exactly once.
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

    /// Issues five sends on a fresh pair from a worker thread, runs `settle` there, and returns whether the
    /// thread still had operations out after it, and whether its context was gone as soon as the thread
    /// had been joined.
    private func issueFive(
        settle: @escaping @Sendable (UnsafeMutablePointer<WSAOVERLAPPED>) -> Void
    ) throws -> (
        pendingAtExit: Bool, freedAtJoin: Bool
    ) {
        let pair = try OverlappedPair()
        let slots = SendSlots(5)
        let payload = Payload(count: 4000)
        let handle = pair.client.handle
        let address = UInt(bitPattern: slots.overlapped)
        let watch = Watch()
        let pendingAtExit = try Worker { () -> Bool in
            watch.context = ThreadContext.current
            let base = UnsafeMutablePointer<WSAOVERLAPPED>(bitPattern: address)!
            for index in 0..<5 {
                base[index].hEvent = WSACreateEvent()
                var buffer = payload.wsabuf
                let rc = WSASend(handle, &buffer, 1, nil, 0, base + index, nil)
                #expect(rc == 0 || WSAGetLastError() == WSA_IO_PENDING)
            }
            settle(base)
            for index in 0..<5 {
                var bytes: DWORD = 0
                var flags: DWORD = 0
                #expect(WSAGetOverlappedResult(handle, base + index, &bytes, FALSE, &flags) == TRUE)
                #expect(bytes == 4000)
                _ = WSACloseEvent(base[index].hEvent)
            }
            return ThreadContext.current.operationPool.hasPending
        }.join()
        return (pendingAtExit, watch.context == nil)
    }

    @Test("a thread whose sends completed on the thread itself frees its context as it exits")
    func completedHereFreedAtExit() throws {
        // The wait writes the parked sends on this thread: each record comes back here.
        let outcome = try issueFive { base in
            var events = (0..<5).map { base[$0].hEvent }
            #expect(WSAWaitForMultipleEvents(5, &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        }
        #expect(!outcome.pendingAtExit)
        #expect(outcome.freedAtJoin)
    }

    @Test("a thread whose sends the engine completed before it exited frees its context as it exits")
    func completedElsewhereFreedAtExit() throws {
        // No wait on the thread: the engine takes the parked sends over after its grace period and hands
        // each record back from its own thread.
        let outcome = try issueFive { base in
            for _ in 0..<1000 {
                if (0..<5).allSatisfy({ HasOverlappedIoCompleted(base + $0) })
                    && !ThreadContext.current.operationPool.hasPending
                {
                    break
                }
                usleep(10_000)
            }
            #expect((0..<5).allSatisfy { HasOverlappedIoCompleted(base + $0) })
        }
        #expect(!outcome.pendingAtExit)
        #expect(outcome.freedAtJoin)
    }
}
