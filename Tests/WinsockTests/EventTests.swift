import Testing
import Winsock

@Suite("Event objects and WSAWaitForMultipleEvents")
struct EventTests {
    let session: WinsockSession

    init() throws { session = try WinsockSession() }

    @Test("WSACreateEvent makes a manual-reset event that starts non-signalled")
    func createUnsignalled() {
        var event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        #expect(event != WSA_INVALID_EVENT)
        #expect(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT)
        #expect(WSASetEvent(event) == TRUE)
        // Manual reset: a satisfied wait leaves it signalled.
        #expect(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0)
        #expect(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0)
        #expect(WSAResetEvent(event) == TRUE)
        #expect(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT)
    }

    @Test("an invalid or closed handle gives FALSE with WSA_INVALID_HANDLE")
    func invalidHandles() {
        let event = WSACreateEvent()
        #expect(WSACloseEvent(event) == TRUE)
        for call in [WSACloseEvent, WSASetEvent, WSAResetEvent] {
            WSASetLastError(0)
            #expect(call(event) == FALSE)
            #expect(WSAGetLastError() == WSA_INVALID_HANDLE)
            #expect(call(UnsafeMutableRawPointer(bitPattern: 0x40)) == FALSE)
            #expect(call(nil) == FALSE)
        }
        var closed = event
        #expect(WSAWaitForMultipleEvents(1, &closed, FALSE, 0, FALSE) == WSA_WAIT_FAILED)
        #expect(WSAGetLastError() == WSA_INVALID_HANDLE)
    }

    @Test("WSA_INVALID_PARAMETER for no events, more than 64, or a nil array", arguments: [0, 65, 1000])
    func invalidCounts(count: Int) {
        var events = (0..<max(count, 1)).map { _ in WSACreateEvent() }
        defer { events.forEach { _ = WSACloseEvent($0) } }
        #expect(WSAWaitForMultipleEvents(DWORD(count), &events, FALSE, 0, FALSE) == WSA_WAIT_FAILED)
        #expect(WSAGetLastError() == WSA_INVALID_PARAMETER)
        #expect(WSAWaitForMultipleEvents(1, nil, FALSE, 0, FALSE) == WSA_WAIT_FAILED)
        #expect(WSAGetLastError() == WSA_INVALID_PARAMETER)
    }

    @Test("the result is WSA_WAIT_EVENT_0 + the lowest signalled index, for 1 to 64 events", arguments: [1, 2, 17, 64])
    func lowestSignalledIndex(count: Int) {
        var events = (0..<count).map { _ in WSACreateEvent() }
        defer { events.forEach { _ = WSACloseEvent($0) } }
        #expect(WSAWaitForMultipleEvents(DWORD(count), &events, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT)
        _ = WSASetEvent(events[count - 1])
        #expect(WSAWaitForMultipleEvents(DWORD(count), &events, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0 + DWORD(count - 1))
        _ = WSASetEvent(events[count / 2])
        #expect(WSAWaitForMultipleEvents(DWORD(count), &events, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0 + DWORD(count / 2))
    }

    @Test("fWaitAll waits until every event is signalled")
    func waitAll() throws {
        var events = (0..<3).map { _ in WSACreateEvent() }
        defer { events.forEach { _ = WSACloseEvent($0) } }
        _ = WSASetEvent(events[0])
        _ = WSASetEvent(events[2])
        #expect(WSAWaitForMultipleEvents(3, &events, TRUE, 0, FALSE) == WSA_WAIT_TIMEOUT)
        let last = UInt(bitPattern: events[1])
        let setter = Worker {
            pause(microseconds: 50_000)
            _ = WSASetEvent(UnsafeMutableRawPointer(bitPattern: last))
        }
        #expect(WSAWaitForMultipleEvents(3, &events, TRUE, WSA_INFINITE, FALSE) == WSA_WAIT_EVENT_0)
        try setter.join()
    }

    @Test("a finite timeout expires with WSA_WAIT_TIMEOUT after about that long")
    func finiteTimeout() {
        var event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        let start = MonotonicClock.now()
        #expect(WSAWaitForMultipleEvents(1, &event, FALSE, 80, FALSE) == WSA_WAIT_TIMEOUT)
        let elapsed = MonotonicClock.now() - start
        #expect(elapsed >= 80_000_000, "the wait must not end early")
        #expect(elapsed < 5_000_000_000)
    }

    @Test("WSA_INFINITE waits until another thread sets the event")
    func infiniteWaitWakesOnSet() throws {
        var event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        let address = UInt(bitPattern: event)
        let setter = Worker {
            pause(microseconds: 30_000)
            _ = WSASetEvent(UnsafeMutableRawPointer(bitPattern: address))
        }
        #expect(WSAWaitForMultipleEvents(1, &event, FALSE, WSA_INFINITE, FALSE) == WSA_WAIT_EVENT_0)
        try setter.join()
    }

    @Test(
        "every function fails with WSANOTINITIALISED is covered by the isolated start-up tests; SleepEx needs no start-up"
    )
    func sleepExWithoutRoutines() {
        #expect(SleepEx(0, FALSE) == 0)
        #expect(SleepEx(10, TRUE) == 0)
    }
}
