import Testing
import Winsock

@Suite("Cancellation of pending sends")
struct CancellationTests {
    /// "The overlapped operation has been canceled due to the closure of the socket."
    @Test(
        "closesocket completes every pending send with WSA_OPERATION_ABORTED and frees the socket",
        arguments: SendFunction.allCases)
    func closeCancels(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        try fillSendBuffer(pair)
        let handle = pair.client.handle
        let slots = SendSlots(8)
        let payload = Payload(count: 5000)
        var events: [WSAEVENT] = []
        for index in 0..<8 {
            slots[index].pointee.hEvent = WSACreateEvent()
            events.append(slots[index].pointee.hEvent)
            var buffer = payload.wsabuf
            #expect(function.call(handle, &buffer, 1, nil, 0, slots[index], nil) == SOCKET_ERROR)
            #expect(WSAGetLastError() == WSA_IO_PENDING)
        }
        #expect(closesocket(handle) == 0)
        #expect(WSAWaitForMultipleEvents(8, &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        for index in 0..<8 { #expect(status(of: slots[index]) == (WSA_OPERATION_ABORTED, 0)) }
        events.forEach { _ = WSACloseEvent($0) }
        // Nothing leaks: the descriptor is closed, so the peer sees the connection end.
        try pair.server.setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: 10_000)
        var sawEnd = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !sawEnd {
            do {
                sawEnd = try chunk.withUnsafeMutableBytes { try pair.server.receive(into: $0) } == 0
            } catch {
                sawEnd = (error as? WSAError) == .connectionReset
                #expect(sawEnd, "\(error)")
                break
            }
        }
        #expect(sawEnd)
    }

    /// "... the execution of the "SIO_FLUSH" command in WSAIoctl."
    @Test(
        "WSAIoctl(SIO_FLUSH) cancels pending sends with WSA_OPERATION_ABORTED, and the socket goes on",
        arguments: SendFunction.allCases)
    func flushCancels(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(4)
        let payload = Payload(count: 3000)
        var buffer = payload.wsabuf
        for index in 0..<4 {
            #expect(function.call(pair.client.handle, &buffer, 1, nil, 0, slots[index], nil) == SOCKET_ERROR)
            #expect(WSAGetLastError() == WSA_IO_PENDING)
        }
        var returned: DWORD = 0
        #expect(WSAIoctl(pair.client.handle, SIO_FLUSH, nil, 0, nil, 0, &returned, nil, nil) == 0)
        for index in 0..<4 {
            #expect(HasOverlappedIoCompleted(slots[index]), "SIO_FLUSH returns after the cancellations")
            #expect(status(of: slots[index]).status == WSA_OPERATION_ABORTED)
        }
        try drain(pair.server, count: filled)
        let after = Payload(count: 64, call: 9)
        var next = after.wsabuf
        var sent: DWORD = 0
        #expect(WSASend(pair.client.handle, &next, 1, &sent, 0, nil, nil) == 0)
        #expect(sent == 64)
    }

    /// "The overlapped operation has been canceled due to ... the thread that initiated the overlapped
    /// request exited before the operation completed."
    @Test(
        "a thread that exits with sends pending has them cancelled with WSA_OPERATION_ABORTED",
        arguments: SendFunction.allCases)
    func threadExitCancels(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let filled = try fillSendBuffer(pair)
        let slots = SendSlots(5)
        let payload = Payload(count: 4000)
        let handle = pair.client.handle
        let address = UInt(bitPattern: slots.overlapped)
        let issued = try Worker { () -> [Int32] in
            let base = UnsafeMutablePointer<WSAOVERLAPPED>(bitPattern: address)!
            var codes: [Int32] = []
            for index in 0..<5 {
                base[index].hEvent = WSACreateEvent()
                var buffer = payload.wsabuf
                let rc = function.call(handle, &buffer, 1, nil, 0, base + index, nil)
                codes.append(rc == SOCKET_ERROR ? WSAGetLastError() : 0)
            }
            return codes
        }.join()
        #expect(issued == Array(repeating: WSA_IO_PENDING, count: 5))
        var events = (0..<5).map { slots[$0].pointee.hEvent }
        #expect(WSAWaitForMultipleEvents(5, &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        for index in 0..<5 { #expect(status(of: slots[index]).status == WSA_OPERATION_ABORTED) }
        events.forEach { _ = WSACloseEvent($0) }
        _ = filled
    }

    @Test(
        "a closed socket's routines still report WSA_OPERATION_ABORTED to the issuing thread",
        arguments: SendFunction.allCases)
    func closeReportsToRoutines(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        try fillSendBuffer(pair)
        let handle = pair.client.handle
        let outcome = try Worker { () -> [DWORD] in
            let slots = SendSlots(3)
            let payload = Payload(count: 9000)
            let log = RoutineLog()
            var buffer = payload.wsabuf
            for index in 0..<3 {
                slots[index].pointee.hEvent = log.context
                _ = function.call(handle, &buffer, 1, nil, 0, slots[index], loggingRoutine)
            }
            _ = closesocket(handle)
            while log.calls.count < 3 {
                if SleepEx(10_000, TRUE) != WAIT_IO_COMPLETION { break }
            }
            return log.calls.map(\.error)
        }.join()
        #expect(outcome == Array(repeating: DWORD(WSA_OPERATION_ABORTED), count: 3))
    }

    /// Routines of one socket may run in any order on Windows; the library keeps the order of the calls,
    /// so that a program (or the REPL) sees its cancelled sends oldest first.
    @Test(
        "closesocket runs the cancelled sends' routines in the order of the calls, the one in flight first",
        arguments: SendFunction.allCases)
    func closeCancelsInOrder(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        try fillSendBuffer(pair)
        let handle = pair.client.handle
        let (order, slotAddresses) = try Worker { () -> ([UInt], [UInt]) in
            let slots = SendSlots(16)
            let payload = Payload(count: 9000)
            let log = RoutineLog()
            var buffer = payload.wsabuf
            for index in 0..<16 {
                slots[index].pointee.hEvent = log.context
                _ = function.call(handle, &buffer, 1, nil, 0, slots[index], loggingRoutine)
                // The engine takes the first send into flight alone; the others wait in the queue behind it.
                if index == 0 { _ = SleepEx(50, FALSE) }
            }
            _ = closesocket(handle)
            while log.calls.count < 16 {
                if SleepEx(10_000, TRUE) != WAIT_IO_COMPLETION { break }
            }
            return (log.calls.map(\.overlapped), (0..<16).map { UInt(bitPattern: slots[$0]) })
        }.join()
        #expect(order == slotAddresses)
    }
}
