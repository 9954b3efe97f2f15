import Testing

@testable import Winsock

/// WSASend and WSAGetOverlappedResult use their socket without retaining it: the thread's one-entry
/// socket cache keeps it alive for the call. A completion routine run in the call's alertable wait may
/// close that socket and look up another, which takes it out of the cache; these tests hold the library
/// to keeping it alive until the call is over, and to freeing it afterwards.
@Suite("The thread's socket cache")
struct SocketCacheTests {
    @Test("a blocked send's socket outlives a routine that closes it and looks up another socket")
    func blockedSendOutlivesEviction() throws {
        let blocked = try OverlappedPair()
        let other = try OverlappedPair()
        _ = try fillSendBuffer(blocked)
        let probe = EvictionProbe(closing: blocked.client.handle, lookingUp: other.client.handle)
        let outcome = try Worker { () -> (Int32, Int32) in
            let slots = SendSlots(1)
            let small = Payload(count: 10)
            var smallBuffer = small.wsabuf
            slots[0].pointee.hEvent = probe.context
            // Completes at once on the idle socket; its routine waits for the next alertable wait, which
            // is the blocked send's own.
            _ = WSASend(other.client.handle, &smallBuffer, 1, nil, 0, slots[0], evictingRoutine)
            let big = Payload(count: 65536)
            var buffer = big.wsabuf
            var sent: DWORD = 0
            let status = WSASend(blocked.client.handle, &buffer, 1, &sent, 0, nil, nil)
            return (status, WSAGetLastError())
        }.join()
        #expect(probe.routineRan)
        #expect(probe.aliveAfterEviction, "the blocked call's socket was freed under it")
        // The socket was closed under the blocked call: "the blocking call was canceled" (WSAEINTR).
        #expect(outcome.0 == SOCKET_ERROR)
        #expect(outcome.1 == WSAEINTR)
        // This thread's own cache still holds the blocked socket (fillSendBuffer used it): a lookup of
        // another socket lets it go, and then nothing may hold it.
        var value = [CChar](repeating: 0, count: 4)
        var length: Int32 = 4
        #expect(getsockopt(other.client.handle, SOL_SOCKET, SO_TYPE, &value, &length) == 0)
        #expect(probe.record == nil, "the socket record leaked")
    }

    /// The blocked-send test above cannot see the pin in a debug build, where the compiler's own copies
    /// keep the record alive; here nothing but the thread's cache holds it when the routines run.
    @Test("routines run with the cached socket pinned, and the pin goes when they are done")
    func routinesPinTheCachedSocket() throws {
        let closed = try OverlappedPair()
        let other = try OverlappedPair()
        let probe = EvictionProbe(closing: closed.client.handle, lookingUp: other.client.handle)
        let outcome = try Worker { () -> (ran: Bool, aliveAfter: Bool) in
            let slots = SendSlots(1)
            let small = Payload(count: 10)
            var smallBuffer = small.wsabuf
            slots[0].pointee.hEvent = probe.context
            _ = WSASend(other.client.handle, &smallBuffer, 1, nil, 0, slots[0], evictingRoutine)
            _ = waitCompleted(slots[0])
            // The socket the routine closes is now this thread's cached one, and nothing else holds it
            // once the routine has closed it.
            var value = [CChar](repeating: 0, count: 4)
            var length: Int32 = 4
            _ = getsockopt(probe.closing, SOL_SOCKET, SO_TYPE, &value, &length)
            let ran = ThreadContext.current.waiter.runQueuedRoutines()
            return (ran, probe.record != nil)
        }.join()
        #expect(outcome.ran)
        #expect(probe.aliveAfterEviction, "the cached socket was freed while the routine ran")
        #expect(!outcome.aliveAfter, "the pin outlived the routines")
    }
}

/// What `evictingRoutine` does and saw; it reaches the routine through `hEvent`.
private final class EvictionProbe: @unchecked Sendable {
    let closing: SOCKET
    let lookingUp: SOCKET
    weak var record: SocketRecord?
    var routineRan = false
    var aliveAfterEviction = false

    init(closing: SOCKET, lookingUp: SOCKET) {
        self.closing = closing
        self.lookingUp = lookingUp
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

/// Closes the probe's socket, looks up another one (which evicts the closed one from the thread's cache),
/// and notes whether the closed socket's record is still alive.
private let evictingRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE = { _, _, overlapped, _ in
    guard let raw = overlapped?.pointee.hEvent else { return }
    let probe = Unmanaged<EvictionProbe>.fromOpaque(raw).takeUnretainedValue()
    probe.routineRan = true
    probe.record = Library.sockets.lookup(probe.closing)
    _ = closesocket(probe.closing)
    var value = [CChar](repeating: 0, count: 4)
    var length: Int32 = 4
    _ = getsockopt(probe.lookingUp, SOL_SOCKET, SO_TYPE, &value, &length)
    probe.aliveAfterEviction = probe.record != nil
}
