import Testing
import Winsock

@Suite("Overlapped WSASend")
struct OverlappedSendTests {
    /// "If an overlapped operation completes immediately, WSASend returns a value of zero and the
    /// lpNumberOfBytesSent parameter is updated with the number of bytes sent."
    @Test(
        "a send that completes at once returns 0, fills lpNumberOfBytesSent and still signals hEvent",
        arguments: SendFunction.allCases)
    func immediateCompletionSignalsEvent(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let slots = SendSlots(1)
        let payload = Payload(count: 1000)
        slots[0].pointee.hEvent = WSACreateEvent()
        defer { _ = WSACloseEvent(slots[0].pointee.hEvent) }
        var buffer = payload.wsabuf
        var sent: DWORD = 0xDEAD
        #expect(function.call(pair.client.handle, &buffer, 1, &sent, 0, slots[0], nil) == 0)
        #expect(WSAGetLastError() == 0)
        #expect(sent == 1000)
        var event = slots[0].pointee.hEvent
        #expect(WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE) == WSA_WAIT_EVENT_0)
        #expect(status(of: slots[0]) == (0, 1000))
        #expect(try readAll(pair.server, count: 1000).count == 1000)
    }

    /// "In this case, the completion routine will have already been scheduled to be called once the
    /// calling thread is in the alertable state."
    @Test(
        "a send that completes at once queues its completion routine for the next alertable wait",
        arguments: SendFunction.allCases)
    func immediateCompletionQueuesRoutine(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let outcome = try Worker { () -> (Int32, DWORD, Int, DWORD, [RoutineLog.Call]) in
            let slots = SendSlots(1)
            let payload = Payload(count: 512)
            let log = RoutineLog()
            slots[0].pointee.hEvent = log.context
            var buffer = payload.wsabuf
            var sent: DWORD = 0
            let rc = function.call(pair.client.handle, &buffer, 1, &sent, 0, slots[0], loggingRoutine)
            let before = log.calls.count
            let slept = SleepEx(0, TRUE)
            return (rc, sent, before, slept, log.calls)
        }.join()
        #expect(outcome.0 == 0)
        #expect(outcome.1 == 512)
        #expect(outcome.2 == 0, "the routine must not run before an alertable wait")
        #expect(outcome.3 == WAIT_IO_COMPLETION)
        #expect(outcome.4.count == 1)
        #expect(outcome.4.first?.error == 0)
        #expect(outcome.4.first?.bytes == 512)
        #expect(outcome.4.first?.flags == 0)
    }

    /// "If the overlapped operation is successfully initiated and will complete later, WSASend returns
    /// SOCKET_ERROR and indicates error code WSA_IO_PENDING. In this case, lpNumberOfBytesSent is not
    /// updated."
    @Test(
        "a send that cannot finish returns WSA_IO_PENDING and leaves lpNumberOfBytesSent alone",
        arguments: SendFunction.allCases)
    func pendingLeavesBytesAlone(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(1)
        let payload = Payload(count: 100_000)
        slots[0].pointee.hEvent = WSACreateEvent()
        defer { _ = WSACloseEvent(slots[0].pointee.hEvent) }
        var buffer = payload.wsabuf
        var sent: DWORD = 0xDEAD
        #expect(function.call(pair.client.handle, &buffer, 1, &sent, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        #expect(sent == 0xDEAD)
        #expect(status(of: slots[0]).status == WSA_IO_PENDING)
        #expect(!HasOverlappedIoCompleted(slots[0]))
        try drain(pair.server, count: filled)
        // "A completion indication will occur ... when the buffer(s) have been consumed by the transport."
        let reader = Worker { try readAll(pair.server, count: 100_000) }
        var event = slots[0].pointee.hEvent
        #expect(WSAWaitForMultipleEvents(1, &event, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        #expect(status(of: slots[0]) == (0, 100_000))
        #expect(try reader.join().count == 100_000)
    }

    /// "A completion indication will occur ... when the buffer(s) have been consumed by the transport":
    /// a stream send completes only when all its bytes are consumed.
    @Test("a large stream send completes only when every byte is consumed", arguments: SendFunction.allCases)
    func streamSendCompletesWhole(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        try pair.client.setOption(level: SOL_SOCKET, name: SO_SNDBUF, value: 16384)
        let slots = SendSlots(1)
        let payload = Payload(count: 4 << 20, call: 3)
        slots[0].pointee.hEvent = WSACreateEvent()
        defer { _ = WSACloseEvent(slots[0].pointee.hEvent) }
        var buffer = payload.wsabuf
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        let partial = try readAll(pair.server, count: 1 << 20)
        #expect(partial.count == 1 << 20)
        #expect(!HasOverlappedIoCompleted(slots[0]), "3 MiB are still unread, so the send cannot be complete")
        let rest = try readAll(pair.server, count: 3 << 20)
        #expect(waitCompleted(slots[0]))
        #expect(status(of: slots[0]) == (0, 4 << 20))
        let all = partial + rest
        #expect(all.enumerated().allSatisfy { $0.element == patternByte(call: 3, index: $0.offset) })
    }

    /// The library's rule: "overlapped call on a non-blocking socket: WSA_IO_PENDING, never WSAEWOULDBLOCK".
    @Test(
        "an overlapped send on a full non-blocking socket gives WSA_IO_PENDING, never WSAEWOULDBLOCK",
        arguments: SendFunction.allCases)
    func nonBlockingSocketPends(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        try pair.client.setNonBlocking(true)
        let slots = SendSlots(1)
        let payload = Payload(count: 50_000)
        slots[0].pointee.hEvent = WSACreateEvent()
        defer { _ = WSACloseEvent(slots[0].pointee.hEvent) }
        var buffer = payload.wsabuf
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        try drain(pair.server, count: filled)
        try drain(pair.server, count: 50_000)
        #expect(waitCompleted(slots[0]))
        #expect(status(of: slots[0]) == (0, 50_000))
    }

    /// "Any other error code indicates that the overlapped operation was not successfully initiated and
    /// no completion indication will occur."
    @Test("a send refused at once signals no event and queues no routine", arguments: SendFunction.allCases)
    func refusedSendHasNoCompletion(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        #expect(WSASetEvent(nil) == FALSE)
        try pair.client.shutdown(SD_SEND)
        let calls = try Worker { () -> (Int32, Int32, DWORD, Bool, Int) in
            let slots = SendSlots(2)
            let payload = Payload(count: 10)
            let event = WSACreateEvent()
            defer { _ = WSACloseEvent(event) }
            slots[0].pointee.hEvent = event
            var buffer = payload.wsabuf
            let rcEvent = function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil)
            let eventCode = WSAGetLastError()
            let log = RoutineLog()
            slots[1].pointee.hEvent = log.context
            _ = function.call(pair.client.handle, &buffer, 1, nil, 0, slots[1], loggingRoutine)
            var handle = event
            let signalled = WSAWaitForMultipleEvents(1, &handle, TRUE, 0, FALSE) == WSA_WAIT_EVENT_0
            return (rcEvent, eventCode, SleepEx(0, TRUE), signalled, log.calls.count)
        }.join()
        #expect(calls.0 == SOCKET_ERROR)
        #expect(calls.1 == WSAESHUTDOWN)
        #expect(calls.2 == 0, "no routine may be queued")
        #expect(!calls.3, "no event may be signalled")
        #expect(calls.4 == 0)
    }

    /// The library's rule: "hEvent when an operation starts: reset".
    @Test("hEvent is reset when the operation starts", arguments: SendFunction.allCases)
    func eventResetAtStart(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(1)
        let payload = Payload(count: 20_000)
        let event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        #expect(WSASetEvent(event) == TRUE)
        slots[0].pointee.hEvent = event
        var buffer = payload.wsabuf
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        var handle = event
        #expect(WSAWaitForMultipleEvents(1, &handle, TRUE, 0, FALSE) == WSA_WAIT_TIMEOUT)
        try drain(pair.server, count: filled + 20_000)
        #expect(WSAWaitForMultipleEvents(1, &handle, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
    }

    /// The spec's error table: WSAEINVAL, "the socket is not created with the overlapped flag"; "A socket
    /// created by the socket function will have the overlapped attribute as the default."
    @Test(
        "overlapped calls need the overlapped attribute: socket() and WSA_FLAG_OVERLAPPED have it",
        arguments: SendFunction.allCases)
    func overlappedAttribute(_ function: SendFunction) throws {
        let plain = try OverlappedPair(overlapped: false)
        let slots = SendSlots(1)
        let payload = Payload(count: 10)
        var buffer = payload.wsabuf
        #expect(function.call(plain.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAEINVAL)
        var sent: DWORD = 0
        #expect(
            function.call(plain.client.handle, &buffer, 1, &sent, 0, nil, nil) == 0, "non-overlapped calls still work")
        let flagged = try OverlappedPair(overlapped: true)
        #expect(function.call(flagged.client.handle, &buffer, 1, &sent, 0, slots[0], nil) == 0)
        let fromSocket = Winsock.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)
        defer { _ = closesocket(fromSocket) }
        // Unconnected, so the call fails, but not for the attribute.
        #expect(function.call(fromSocket, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAENOTCONN)
    }

    /// The spec's error table: WSAEWOULDBLOCK, "Overlapped sockets: There are too many outstanding
    /// overlapped I/O requests."
    @Test("past the per-socket cap of outstanding sends WSASend gives WSAEWOULDBLOCK", arguments: SendFunction.allCases)
    func outstandingCap(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let cap = OverlappedIO.maximumOutstandingPerSocket
        let slots = SendSlots(cap + 1)
        let payload = Payload(count: 1)
        var buffer = payload.wsabuf
        for index in 0..<cap {
            #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[index], nil) == SOCKET_ERROR)
            #expect(WSAGetLastError() == WSA_IO_PENDING)
        }
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[cap], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAEWOULDBLOCK)
        try drain(pair.server, count: filled + cap)
        for index in 0..<cap { #expect(waitCompleted(slots[index])) }
        let again = function.call(pair.client.handle, &buffer, 1, nil, 0, slots[cap], nil)
        #expect(again == 0 || WSAGetLastError() == WSA_IO_PENDING, "below the cap again, sends are accepted")
        try drain(pair.server, count: 1)
        // The structure must outlive its operation.
        #expect(waitCompleted(slots[cap]))
    }

    /// "If this function is completed in an overlapped manner, it is the Winsock service provider's
    /// responsibility to capture the WSABUF structures before returning from this call."
    @Test(
        "the WSABUF array is captured before WSASend returns: a reused stack array does not matter",
        arguments: SendFunction.allCases)
    func buffersCaptured(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let first = Payload(count: 3000, call: 1)
        let second = Payload(count: 3000, call: 2)
        let slots = SendSlots(1)
        var array = [first.wsabuf, second.wsabuf]
        #expect(function.call(pair.client.handle, &array, 2, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_IO_PENDING)
        // The caller scribbles over its array; the pending send must not notice.
        array[0] = WSABUF(len: 1, buf: nil)
        array[1] = WSABUF(len: 0, buf: nil)
        try drain(pair.server, count: filled)
        let received = try readAll(pair.server, count: 6000)
        #expect(waitCompleted(slots[0]))
        #expect(status(of: slots[0]) == (0, 6000))
        let expected =
            (0..<3000).map { patternByte(call: 1, index: $0) } + (0..<3000).map { patternByte(call: 2, index: $0) }
        #expect(received == expected)
    }

    /// "Each WSABUF structure contains a pointer to a buffer": argument checks apply to overlapped calls.
    @Test(
        "overlapped argument checks: nil buffers, a routine without lpOverlapped, an invalid hEvent",
        arguments: SendFunction.allCases)
    func overlappedArgumentChecks(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let slots = SendSlots(1)
        #expect(function.call(pair.client.handle, nil, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAEFAULT)
        var empty = WSABUF(len: 5, buf: nil)
        #expect(function.call(pair.client.handle, &empty, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAEFAULT)
        let payload = Payload(count: 4)
        var buffer = payload.wsabuf
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, nil, loggingRoutine) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAEFAULT)
        slots[0].pointee.hEvent = UnsafeMutableRawPointer(bitPattern: 0x1234)
        #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[0], nil) == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSA_INVALID_HANDLE)
        #expect(
            function.call(pair.client.handle, &buffer, 1, nil, DWORD(MSG_PARTIAL), slots[0], loggingRoutine)
                == SOCKET_ERROR)
        #expect(WSAGetLastError() == WSAEOPNOTSUPP)
    }
}
