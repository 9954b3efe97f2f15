import Testing
import Winsock

/// Runs in a child process (IsolatedRunTests) because a signal handler is process-wide.
@Suite("SIGPIPE (child process)", .enabled(if: ChildProcess.isChild, Comment(rawValue: ChildProcess.childOnlyReason)))
struct SignalTests {
    // Issue 2: "SIGPIPE is never raised" (every non-overlapped send uses MSG_NOSIGNAL).
    @Test("WSASend never raises SIGPIPE, on a reset connection or a closed one")
    func sigpipeNeverRaised() throws {
        try #require(SigpipeCounter.install())
        // The handler counts: a plain send on a broken socket without MSG_NOSIGNAL raises SIGPIPE here.
        SigpipeCounter.raiseOne()
        try #require(SigpipeCounter.count == 1, "the counting handler does not see SIGPIPE")
        SigpipeCounter.reset()

        var data = WSADATA()
        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        defer { _ = WSACleanup() }
        let payload = Pattern.bytes(count: 4096)

        // The peer resets the connection: ECONNRESET, then EPIPE.
        try withStreamPair { socket, peer in
            peer.resetConnection()
            _ = waitForError(socket)
            for _ in 0..<3 { expectFailure(wsaSend(socket, payload).rc, WSAECONNRESET) }
        }
        // The peer closes normally: the first send draws a RST, the next ones fail.
        try withStreamPair { socket, peer in
            peer.close()
            var outcomes: [SendOutcome] = []
            for _ in 0..<5 {
                outcomes.append(wsaSend(socket, payload))
                TestClock.sleep(milliseconds: 20)
            }
            #expect(outcomes.contains { $0.rc == SOCKET_ERROR && $0.error == WSAECONNRESET }, "\(outcomes)")
        }
        // A blocking send of many megabytes while the peer resets the connection under it.
        try withStreamPair(peerReceiveBuffer: 4096, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 4096) }) {
            socket, peer in
            let sender = TestThread {
                wsaSend(socket, Pattern.bytes(count: 8 << 20), sizes: Pattern.sizes(total: 8 << 20))
            }
            TestClock.sleep(milliseconds: 200)
            peer.resetConnection()
            let outcome = sender.join()
            #expect(outcome.rc == SOCKET_ERROR && outcome.error == WSAECONNRESET, "\(outcome)")
        }
        #expect(SigpipeCounter.count == 0, "WSASend raised SIGPIPE")
        ChildProcess.markFinished("sigpipeNeverRaised")
    }
}

/// Runs in a child process (IsolatedRunTests) because a signal handler is process-wide.
@Suite(
    "Signals during a wait (child process)",
    .enabled(if: ChildProcess.isChild, Comment(rawValue: ChildProcess.childOnlyReason)))
struct SignalDuringWaitTests {
    // The library's rule: "EINTR: retried, never surfaced". A WSAPoll that a signal interrupts neither reports a
    // timeout early nor misses the readiness that comes after the signal.
    @Test("A signal during WSAPoll does not end its wait: it times out on time, or sees the data that comes later")
    func pollWaitsOutSignals() throws {
        try #require(SignalPoke.install())
        var data = WSADATA()
        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        defer { _ = WSACleanup() }
        try withStreamPair { socket, peer in
            for dataComes in [false, true] {
                SignalPoke.clearTarget()
                let before = SignalPoke.count
                let poller = TestThread {
                    SignalPoke.becomeTarget()
                    var entry = WSAPOLLFD(fd: socket, events: POLLRDNORM)
                    let started = TestClock.now()
                    let ready = WSAPoll(&entry, 1, 600)
                    return (ready, entry.revents, TestClock.now() - started)
                }
                while !SignalPoke.hasTarget { TestClock.sleep(milliseconds: 1) }
                for _ in 0..<4 {
                    TestClock.sleep(milliseconds: 50)
                    SignalPoke.pokeAndWait()
                }
                if dataComes { _ = peer.send([1, 2, 3]) }
                let (ready, revents, seconds) = poller.join()
                #expect(SignalPoke.count - before == 4, "the poller took \(SignalPoke.count - before) signals")
                if dataComes {
                    #expect(ready == 1 && revents & POLLRDNORM != 0, "ready \(ready), revents \(revents)")
                    #expect(seconds < 0.55, "returned after \(seconds) s")
                } else {
                    #expect(ready == 0, "ready \(ready)")
                    #expect(seconds >= 0.59, "timed out after \(seconds) s of 0.6")
                }
            }
        }
        ChildProcess.markFinished("pollWaitsOutSignals")
    }
}

/// Waits (at most 5 s) until a library socket reports an error or hang-up, such as a peer's RST.
func waitForError(_ socket: SOCKET) -> Bool {
    var entry = WSAPOLLFD(fd: socket, events: POLLRDNORM)
    let ready = WSAPoll(&entry, 1, 5000)
    return ready > 0 && entry.revents & (POLLERR | POLLHUP) != 0
}
