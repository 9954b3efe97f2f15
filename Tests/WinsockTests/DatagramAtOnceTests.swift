import Testing

@testable import Winsock

/// An overlapped datagram that the transport takes inside WSASend: "If the overlapped operation completes
/// immediately, WSASend returns a value of zero and the lpNumberOfBytesSent parameter is updated with the
/// number of bytes sent", and the completion is indicated all the same (the event signalled). The library
/// sends it without taking the socket's transmitter when nothing transmits or waits, and sets the event
/// without resetting it first; these tests hold that shortcut to the contract.
@Suite("Overlapped datagrams completed inside WSASend")
struct DatagramAtOnceTests {
    /// "hEvent is reset when the operation starts" and signalled when it completes: after a call that
    /// completed at once the event is signalled, whatever its state before.
    @Test(
        "a datagram completed at once signals its event whether it was reset or signalled, and reports its bytes",
        arguments: SendFunction.allCases)
    func completedAtOnceSignalsTheEvent(_ function: SendFunction) throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, port) = try OverlappedOrderRoutineTests.datagramPair(function)
        let slots = SendSlots(1)
        var event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        slots[0].pointee.hEvent = event
        // Reset before the first call and the third; left signalled by the call before the second.
        let resetFirst = [true, false, true, false]
        for (call, reset) in resetFirst.enumerated() {
            if reset { #expect(WSAResetEvent(event) == TRUE) }
            let payload = Payload(count: 200 + call, call: call)
            var buffer = payload.wsabuf
            var sent: DWORD = 0
            WSASetLastError(WSAEINVAL)
            let rc = function.call(sender.handle, &buffer, 1, &sent, 0, slots[0], nil, to: port)
            #expect(rc == 0, "call \(call): WSAGetLastError \(WSAGetLastError())")
            #expect(WSAGetLastError() == 0, "success sets the last error to 0")
            #expect(sent == DWORD(200 + call))
            #expect(status(of: slots[0]) == (0, 200 + call))
            #expect(
                WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE) == WSA_WAIT_EVENT_0,
                "call \(call) left its event signalled")
            var bytes: DWORD = 0
            var flags: DWORD = 0
            #expect(WSAGetOverlappedResult(sender.handle, slots[0], &bytes, FALSE, &flags) == TRUE)
            #expect(bytes == DWORD(200 + call))
        }
        var data = [UInt8](repeating: 0, count: 1000)
        for call in resetFirst.indices {
            let n = try data.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == 200 + call, "datagram \(call)")
        }
    }

    /// "The posted buffers are guaranteed to be sent in the same order they are specified": a datagram
    /// must not overtake one that waits in the socket's queue. Here the test holds the transmitter, as a
    /// send of another thread would, so the first two datagrams have to wait; the third, sent after the
    /// transmitter is given back, goes out behind them.
    @Test(
        "while another send holds the socket, overlapped datagrams wait their turn and arrive in call order",
        arguments: SendFunction.allCases)
    func datagramsWaitBehindAHeldTransmitter(_ function: SendFunction) throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, port) = try OverlappedOrderRoutineTests.datagramPair(function)
        let record = try #require(Library.sockets.lookup(sender.handle))
        let calls = 3
        let payloads = (0..<calls).map { Payload(count: 300 + $0, call: $0) }
        let slots = SendSlots(calls)
        var events: [WSAEVENT] = []
        defer { events.forEach { _ = WSACloseEvent($0) } }
        for call in 0..<calls {
            slots[call].pointee.hEvent = WSACreateEvent()
            events.append(slots[call].pointee.hEvent)
        }
        let (admission, _) = record.sendQueue.admitCaller(blocking: false, context: ThreadContext.current)
        guard case .granted = admission else {
            Issue.record("the idle socket's transmitter was not granted: \(admission)")
            return
        }
        for call in 0..<2 {
            var buffer = payloads[call].wsabuf
            let rc = function.call(sender.handle, &buffer, 1, nil, 0, slots[call], nil, to: port)
            #expect(
                rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING,
                "call \(call) waits for the transmitter (rc \(rc), WSAGetLastError \(WSAGetLastError()))")
            #expect(WSAWaitForMultipleEvents(1, &events[call], TRUE, 0, FALSE) == WSA_WAIT_TIMEOUT)
        }
        record.sendQueue.releaseCaller().perform(for: record)
        var buffer = payloads[2].wsabuf
        let rc = function.call(sender.handle, &buffer, 1, nil, 0, slots[2], nil, to: port)
        #expect(rc == 0 || WSAGetLastError() == WSA_IO_PENDING, "WSAGetLastError \(WSAGetLastError())")
        #expect(WSAWaitForMultipleEvents(DWORD(calls), &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        var data = [UInt8](repeating: 0, count: 1000)
        for call in 0..<calls {
            #expect(status(of: slots[call]) == (0, 300 + call))
            let n = try data.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == 300 + call, "datagram \(call) arrives in call order")
            #expect(data[0..<n].enumerated().allSatisfy { $0.element == patternByte(call: call, index: $0.offset) })
        }
    }
}
