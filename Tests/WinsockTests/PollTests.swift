import Testing
import Winsock

/// WSAPoll with many sockets: a steady poll loop allocates nothing. The child side runs under glibc's
/// mtrace, which is process-wide, in a child process that PollAllocationTraceTests starts.
@Suite(
    "WSAPoll without allocation (traced child)",
    .enabled(if: ChildProcess.isChild, Comment(rawValue: ChildProcess.childOnlyReason)))
struct PollAllocationTests {
    // The design rule: "no heap allocation ... on the per-call path".
    @Test("a steady WSAPoll loop over 64 entries allocates nothing")
    func steadyPollAllocatesNothing() throws {
        let probe = AllocationTrace.count { _ = [Int](repeating: 7, count: Int(WSAGetLastError() & 3) + 3) }
        try #require((probe ?? 0) >= 1, "the trace does not see an array allocation: \(String(describing: probe))")
        try withLibraryPair { client, server in
            #expect(wsaSend(client, [1, 2, 3]).rc == 0)
            var entries = [WSAPOLLFD](repeating: WSAPOLLFD(fd: 0xDEAD_BEE0, events: POLLRDNORM), count: 64)
            for index in stride(from: 0, to: 64, by: 2) {
                entries[index] = WSAPOLLFD(fd: index % 4 == 0 ? server : client, events: POLLRDNORM | POLLWRNORM)
            }
            var ready: Int32 = 0
            var allocated: Int?
            entries.withUnsafeMutableBufferPointer { buffer in
                // The first call may set up the thread's context; the loop after it must allocate nothing.
                ready = WSAPoll(buffer.baseAddress, 64, 1000)
                allocated = AllocationTrace.count {
                    for _ in 0..<1000 { ready = WSAPoll(buffer.baseAddress, 64, 0) }
                }
            }
            // The trace sees every thread: allow a few allocations of the test runner, none per call.
            #expect((allocated ?? .max) < 50, "1000 WSAPoll calls: \(String(describing: allocated)) allocations")
            #expect(ready == 32, "every socket entry has an event; the 32 POLLNVAL entries are not counted")
            #expect(entries[0].revents & POLLRDNORM != 0)
            #expect(entries[1].revents == POLLNVAL)
        }
        ChildProcess.markFinished("steadyPollAllocatesNothing")
    }
}

@Suite(
    "WSAPoll without allocation, traced with glibc's mtrace",
    .enabled(if: !ChildProcess.isChild, "the parent side of the traced child"),
    .enabled(
        if: AllocationTrace.debugLibrary != nil,
        "glibc's libc_malloc_debug.so is not installed: allocations cannot be traced"),
    .enabled(
        if: !AllocationTrace.underSanitizer,
        "a sanitizer replaces malloc, so glibc's mtrace sees no allocation (make test checks this suite)"))
struct PollAllocationTraceTests {
    @Test("the traced child's steady WSAPoll loop allocates nothing")
    func traced() {
        let trace = ChildProcess.temporaryFile("mtrace")
        defer { ChildProcess.remove(trace) }
        let outcome = ChildProcess.runIsolated(
            filter: "PollAllocationTests/steadyPollAllocatesNothing\\(",
            wrapper: AllocationTrace.wrapper(writingTo: trace))
        #expect(outcome.status == 0, "\(outcome.summary)")
        #expect(outcome.marks == ["steadyPollAllocatesNothing"], "\(outcome.summary)")
    }
}

/// What one WSAPoll returned on another thread.
private struct PollOutcome: Sendable, CustomStringConvertible {
    var rc: Int32
    var error: Int32
    var entries: [WSAPOLLFD]
    var description: String { "rc \(rc), error \(WSAError(error).name), revents \(entries.map(\.revents))" }
}

/// The sockets a WSAPoll can wait on without an event: what each test case closes under it.
enum IdleSocket: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case connectedStream, listeningStream, boundDatagram
    var testDescription: String { rawValue }
}

@Suite("WSAPoll and closesocket")
struct PollCloseTests {
    // closesocket: "threads blocked on the socket return"; WSAPoll's POLLNVAL: "The socket used is invalid."
    @Test(
        "closesocket from another thread wakes a WSAPoll waiting on the socket, and its entry reports POLLNVAL",
        arguments: IdleSocket.allCases)
    func closeWakesPoll(_ kind: IdleSocket) throws {
        startWinsock()
        let idle = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(idle) }
        try #require(bindLoopback(idle, family: AF_INET) == 0)
        var keep: [SOCKET] = []
        defer { keep.forEach { _ = closesocket($0) } }
        let target: SOCKET
        switch kind {
        case .connectedStream:
            let listener = makeSocket(AF_INET, SOCK_STREAM)
            keep.append(listener)
            try #require(bindLoopback(listener, family: AF_INET) == 0)
            try #require(Winsock.listen(listener, 4) == 0)
            target = makeSocket(AF_INET, SOCK_STREAM)
            try #require(connectLoopback(target, family: AF_INET, port: localPort(listener)) == 0)
            let server = Winsock.accept(listener, nil, nil)
            try #require(server != INVALID_SOCKET)
            keep.append(server)
        case .listeningStream:
            target = makeSocket(AF_INET, SOCK_STREAM)
            try #require(bindLoopback(target, family: AF_INET) == 0)
            try #require(Winsock.listen(target, 4) == 0)
        case .boundDatagram:
            target = makeSocket(AF_INET, SOCK_DGRAM)
            try #require(bindLoopback(target, family: AF_INET) == 0)
        }
        let poller = TestThread { () -> PollOutcome in
            var entries = [WSAPOLLFD(fd: idle, events: POLLRDNORM), WSAPOLLFD(fd: target, events: POLLRDNORM)]
            let rc = WSAPoll(&entries, 2, 20_000)
            return PollOutcome(rc: rc, error: WSAGetLastError(), entries: entries)
        }
        TestClock.sleep(milliseconds: 300)
        #expect(!poller.isFinished, "WSAPoll should be waiting: no socket has an event")
        let closedAt = TestClock.now()
        expectSuccess(closesocket(target))
        let outcome = poller.join(waitingAtMost: 5000)
        #expect(outcome != nil, "closesocket did not wake the WSAPoll")
        #expect(TestClock.now() - closedAt < 5)
        guard let outcome else { return }
        #expect(outcome.rc == 1 && outcome.error == 0, "\(outcome)")
        #expect(outcome.entries[1].revents == POLLNVAL, "\(outcome)")
        #expect(outcome.entries[0].revents == 0, "\(outcome)")
    }
}
