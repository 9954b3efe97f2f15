import Testing
import Winsock

/// WSAIoctl's argument checks and overlapped answers, and SIOCATMARK with SO_OOBINLINE, as Windows gives
/// them. Follows Wine's test_fionbio, test_fionread_siocatmark and test_unsupported_ioctls.
@Suite("WSAIoctl's arguments and SIOCATMARK as Windows checks them")
struct IoctlArgumentTests {
    /// Control codes, known and unknown: a nil lpcbBytesReturned is refused before the code is read.
    static let codes: [DWORD] = [
        DWORD(bitPattern: FIONBIO), DWORD(bitPattern: FIONREAD), DWORD(bitPattern: SIOCATMARK), 0xDEAD_BEEF,
    ]

    @Test("a nil lpcbBytesReturned gives WSAEFAULT also with lpOverlapped, whatever the control code", arguments: codes)
    func nilBytesReturnedWithOverlapped(_ code: DWORD) {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var input: ULONG = 0
        var output: ULONG = 0
        var overlapped = WSAOVERLAPPED()
        let rc = WSAIoctl(socket, code, &input, 4, &output, 4, nil, &overlapped, nil)
        expectFailure(rc, WSAEFAULT, "with lpOverlapped")
        let plain = WSAIoctl(socket, code, &input, 4, &output, 4, nil, nil, nil)
        expectFailure(plain, WSAEFAULT, "without lpOverlapped")
    }

    @Test(
        "an overlapped FIONREAD or SIOCATMARK completes with 0 bytes transferred while lpcbBytesReturned says 4",
        arguments: [FIONREAD, SIOCATMARK])
    func overlappedControlTransfersNothing(_ command: Int32) throws {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        let event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        var overlapped = WSAOVERLAPPED()
        overlapped.hEvent = event
        var value: ULONG = 0xDEAD
        var returned: DWORD = 0xDEAD
        let rc = WSAIoctl(socket, DWORD(bitPattern: command), nil, 0, &value, 4, &returned, &overlapped, nil)
        expectSuccess(rc)
        #expect(returned == 4)
        var transferred: DWORD = 0xDEAD
        var flags: DWORD = 0
        #expect(WSAGetOverlappedResult(socket, &overlapped, &transferred, FALSE, &flags) == TRUE)
        #expect(transferred == 0, "the completion reported \(transferred) bytes")
    }

    @Test(
        "SIOCATMARK is TRUE when the urgent byte is the next to read in an SO_OOBINLINE stream, FALSE without SO_OOBINLINE"
    )
    func atMarkWithInlineUrgentData() throws {
        try withLibraryPair { client, server in
            #expect(Win32Probe.control(server, SIOCATMARK) == 1, "no urgent data yet")
            try #require(setOption(server, SOL_SOCKET, SO_OOBINLINE, 1) == 0)
            #expect(wsaSend(client, [0x61], flags: DWORD(MSG_OOB)).rc == 0)
            try #require(Win32Probe.poll(server, POLLRDNORM).rc == 1, "the urgent byte did not arrive")
            #expect(Win32Probe.control(server, FIONREAD) == 1)
            #expect(Win32Probe.control(server, SIOCATMARK) == 1, "inline: the urgent byte is next")
        }
        try withLibraryPair { client, server in
            #expect(wsaSend(client, [0x61], flags: DWORD(MSG_OOB)).rc == 0)
            try #require(Win32Probe.poll(server, POLLRDBAND).rc == 1, "the urgent byte did not arrive")
            #expect(Win32Probe.control(server, SIOCATMARK) == 0, "out of band: urgent data is waiting")
        }
    }

    /// The codes Wine's test_unsupported_ioctls tries on a TCP socket, but SIO_FLUSH (which the library
    /// supports as the cancellation "WSASend function (winsock2.h)" names; see the differences from
    /// Windows): an arbitrary code, Windows' FIOASYNC and FIONBIO's number without its direction bits.
    static let unsupportedCodes: [DWORD] = [0xDEAD_BEEF, 0x8004_667D, 0x667E]

    @Test(
        "an unsupported control code fails with WSAEOPNOTSUPP and sets lpcbBytesReturned to 0 (Wine's test_unsupported_ioctls)",
        arguments: unsupportedCodes)
    func unsupportedCodeWithoutOverlapped(_ code: DWORD) {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var returned: DWORD = 0xDEAD_BEEF
        let rc = WSAIoctl(socket, code, nil, 0, nil, 0, &returned, nil, nil)
        expectFailure(rc, WSAEOPNOTSUPP)
        #expect(returned == 0)
    }

    @Test(
        "an overlapped unsupported control code is pending, then completes with WSAEOPNOTSUPP and 0 bytes (Wine's test_unsupported_ioctls)",
        arguments: unsupportedCodes)
    func unsupportedCodeWithEvent(_ code: DWORD) {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        let event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        var overlapped = WSAOVERLAPPED()
        overlapped.hEvent = event
        var returned: DWORD = 0xDEAD_BEEF
        let rc = WSAIoctl(socket, code, nil, 0, nil, 0, &returned, &overlapped, nil)
        expectFailure(rc, WSA_IO_PENDING)
        #expect(returned == 0xDEAD_BEEF, "lpcbBytesReturned is left alone when the call is pending")
        var transferred: DWORD = 0xDEAD
        var flags: DWORD = 0
        #expect(WSAWaitForMultipleEvents(1, [event], FALSE, 0, FALSE) == WSA_WAIT_EVENT_0, "the event is signalled")
        #expect(WSAGetOverlappedResult(socket, &overlapped, &transferred, FALSE, &flags) == FALSE)
        #expect(WSAGetLastError() == WSAEOPNOTSUPP)
        #expect(transferred == 0)
    }

    @Test(
        "an unsupported control code with a completion routine queues it with WSAEOPNOTSUPP and 0 bytes (Wine's test_unsupported_ioctls)",
        arguments: unsupportedCodes)
    func unsupportedCodeWithRoutine(_ code: DWORD) throws {
        let notes = try Worker { () -> [String] in
            startWinsock()
            var notes: [String] = []
            let socket = makeSocket(AF_INET, SOCK_STREAM)
            defer { _ = closesocket(socket) }
            let log = RoutineLog()
            let overlapped = UnsafeMutablePointer<WSAOVERLAPPED>.allocate(capacity: 1)
            defer { overlapped.deallocate() }
            overlapped.initialize(to: WSAOVERLAPPED())
            overlapped.pointee.hEvent = log.context
            if WSAIoctl(socket, code, nil, 0, nil, 0, nil, overlapped, loggingRoutine) != SOCKET_ERROR
                || WSAGetLastError() != WSAEFAULT
            {
                notes.append("a nil lpcbBytesReturned with a routine was not WSAEFAULT")
            }
            var returned: DWORD = 0xDEAD_BEEF
            let rc = WSAIoctl(socket, code, nil, 0, nil, 0, &returned, overlapped, loggingRoutine)
            if rc != SOCKET_ERROR || WSAGetLastError() != WSA_IO_PENDING { notes.append("not pending: \(rc)") }
            if returned != 0xDEAD_BEEF { notes.append("lpcbBytesReturned changed to \(returned)") }
            if SleepEx(0, TRUE) != WAIT_IO_COMPLETION { notes.append("SleepEx ran no routine") }
            let expected = RoutineLog.Call(
                error: DWORD(WSAEOPNOTSUPP), bytes: 0, overlapped: UInt(bitPattern: overlapped), flags: 0,
                thread: currentThreadID(), depth: 1)
            if log.calls != [expected] { notes.append("routine calls: \(log.calls)") }
            return notes
        }.join()
        #expect(notes.isEmpty, "\(notes)")
    }
}
