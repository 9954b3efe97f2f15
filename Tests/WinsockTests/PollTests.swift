import Testing
import Winsock

/// WSAPoll with many sockets: a steady poll loop allocates nothing. The child side runs under glibc's
/// mtrace, which is process-wide, in a child process that PollAllocationTraceTests starts.
@Suite(
    "WSAPoll without allocation (traced child)",
    .enabled(if: ChildProcess.isChild, Comment(rawValue: ChildProcess.childOnlyReason)))
struct PollAllocationTests {
    // DESIGN.md: "no heap allocation ... on the per-call path".
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
            #expect(ready == 64, "every entry has an event: data, room, or POLLNVAL")
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
        "glibc's libc_malloc_debug.so is not installed: allocations cannot be traced"))
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
