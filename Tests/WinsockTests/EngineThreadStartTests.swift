import Testing

@testable import Winsock

/// The engine's thread starts with the first send that has to wait for it: a process of one thread whose
/// overlapped datagrams all go out inside WSASend stays one thread (a second thread makes every system
/// call on a socket dearer). That the thread blocks signals is held by the tool's tests, in a process whose
/// main thread blocks none (this one's test threads block them already).
@Suite("When the engine's thread starts")
struct EngineThreadStartTests {
    /// A datagram socket is registered with the engine (and so needs its thread) only when one of its
    /// datagrams waits: here the test holds the transmitter, as a send of another thread would.
    @Test(
        "overlapped datagrams taken at once leave their socket off the engine; the first that waits puts it on",
        arguments: SendFunction.allCases)
    func datagramSocketRegistersWhenADatagramWaits(_ function: SendFunction) throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, port) = try OverlappedOrderRoutineTests.datagramPair(function)
        let record = try #require(Library.sockets.lookup(sender.handle))
        let slots = SendSlots(2)
        var events = [WSACreateEvent(), WSACreateEvent()]
        defer { events.forEach { _ = WSACloseEvent($0) } }
        slots[0].pointee.hEvent = events[0]
        slots[1].pointee.hEvent = events[1]
        for call in 0..<20 {
            var buffer = Payload(count: 100 + call, call: call).wsabuf
            var sent: DWORD = 0
            #expect(function.call(sender.handle, &buffer, 1, &sent, 0, slots[0], nil, to: port) == 0)
            #expect(sent == DWORD(100 + call))
        }
        let registeredAtOnce = record.engineRegistered.load(ordering: .acquiring)
        #expect(!registeredAtOnce, "20 datagrams sent at once")

        let context = ThreadContext.current
        guard case .granted = record.sendQueue.admit(blocking: false, context: context, record: record) else {
            Issue.record("the idle queue should grant the transmitter")
            return
        }
        let waiting = Payload(count: 300, call: 20)
        var buffer = waiting.wsabuf
        let rc = function.call(sender.handle, &buffer, 1, nil, 0, slots[1], nil, to: port)
        #expect(rc == SOCKET_ERROR && WSAGetLastError() == WSA_IO_PENDING)
        let registeredWaiting = record.engineRegistered.load(ordering: .acquiring)
        #expect(registeredWaiting, "the datagram that waits")
        record.sendQueue.release(record: record)
        #expect(WSAWaitForMultipleEvents(1, &events[1], TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)

        var data = [UInt8](repeating: 0, count: 1000)
        for call in 0...20 {
            let n = try data.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == (call == 20 ? 300 : 100 + call), "datagram \(call)")
        }
    }
}
