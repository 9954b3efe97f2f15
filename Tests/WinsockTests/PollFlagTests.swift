import Testing
import Winsock

/// WSAPoll reports what Windows reports, where Linux's poll answers differently. Each test follows a part
/// of Wine's test_poll (dlls/ws2_32/tests/sock.c), which runs the same checks against Windows.
@Suite("WSAPoll's flags and count as Windows reports them")
struct PollFlagTests {
    @Test("an entry whose handle is not a socket gets POLLNVAL but is not counted")
    func invalidEntryIsNotCounted() throws {
        try withLibraryPair { client, _ in
            var entries = [WSAPOLLFD(fd: 0xABACAB, events: POLLRDNORM), WSAPOLLFD(fd: client, events: POLLRDNORM)]
            entries[0].revents = 0x0DEA
            entries[1].revents = 0x0DEA
            let rc = WSAPoll(&entries, 2, 0)
            #expect(rc == 0, "WSAPoll counted \(rc) entries")
            #expect(entries[0].revents == POLLNVAL)
            #expect(entries[1].revents == 0)
        }
    }

    @Test("when no entry is a socket, WSAPoll fails at once with WSAENOTSOCK and marks each POLLNVAL")
    func onlyInvalidEntriesFail() {
        startWinsock()
        var entries = [WSAPOLLFD(fd: 0xABACAB, events: POLLRDNORM), WSAPOLLFD(fd: 0xABACAC, events: 0)]
        let started = TestClock.now()
        let rc = WSAPoll(&entries, 2, 2000)
        let error = WSAGetLastError()
        #expect(rc == SOCKET_ERROR && error == WSAENOTSOCK, "rc \(rc), \(WSAError(error).name)")
        #expect(entries.allSatisfy { $0.revents == POLLNVAL })
        #expect(TestClock.now() - started < 1, "WSAPoll waited on no socket")
    }

    @Test(
        "urgent data reads as POLLRDNORM with SO_OOBINLINE, and as POLLRDBAND without it",
        arguments: [true, false])
    func urgentData(inline: Bool) throws {
        try withLibraryPair { client, server in
            if inline { try #require(setOption(server, SOL_SOCKET, SO_OOBINLINE, 1) == 0) }
            #expect(wsaSend(client, [0x61], flags: DWORD(MSG_OOB)).rc == 0)
            let arrival = Win32Probe.poll(server, inline ? POLLRDNORM : POLLRDBAND)
            try #require(arrival.rc == 1, "the urgent byte did not arrive: \(arrival)")
            let answer = Win32Probe.poll(server, Win32Probe.readWrite)
            let expected = (inline ? POLLRDNORM : POLLRDBAND) | POLLWRNORM
            #expect(answer.rc == 1 && answer.revents == expected, "\(answer), expected \(expected)")
        }
    }

    @Test("after shutdown(SD_RECEIVE) a socket reports only that it can be written")
    func afterReceiveShutdown() throws {
        try withLibraryPair { client, _ in
            expectSuccess(Winsock.shutdown(client, SD_RECEIVE))
            let answer = Win32Probe.poll(client, Win32Probe.readWrite)
            #expect(answer.rc == 1 && answer.revents == POLLWRNORM, "\(answer)")
        }
    }

    @Test("after the peer's graceful close a socket reports POLLHUP, also to an entry that asks for no events")
    func afterPeerClose() throws {
        try withStreamPair { socket, peer in
            peer.close()
            let quiet = Win32Probe.poll(socket, 0, timeout: 2000)
            #expect(quiet.rc == 1 && quiet.revents == POLLHUP, "events 0: \(quiet)")
            let answer = Win32Probe.poll(socket, Win32Probe.readWrite)
            #expect(answer.rc == 1 && answer.revents == POLLHUP | POLLWRNORM, "\(answer)")
        }
    }

    /// Wine's test_WSAPoll sees POLLHUP beside the unread data once the peer's FIN arrives.
    @Test("data sent before the peer's close reads as POLLRDNORM and POLLHUP until it is read, then POLLHUP")
    func dataBeforePeerClose() throws {
        try withStreamPair { socket, peer in
            #expect(peer.send([1, 2, 3]) == 3)
            peer.close()
            TestClock.sleep(milliseconds: 100)
            let quiet = Win32Probe.poll(socket, 0, timeout: 2000)
            #expect(quiet.rc == 1 && quiet.revents == POLLHUP, "events 0: \(quiet)")
            let before = Win32Probe.poll(socket, Win32Probe.readWrite)
            #expect(before.rc == 1 && before.revents == POLLRDNORM | POLLHUP | POLLWRNORM, "\(before)")
            #expect(Win32Probe.receive(socket).rc == 3)
            let after = Win32Probe.poll(socket, Win32Probe.readWrite)
            #expect(after.rc == 1 && after.revents == POLLHUP | POLLWRNORM, "\(after)")
        }
    }

    @Test("after a reset a socket reports POLLERR, POLLHUP and POLLWRNORM, also once a send was told of the reset")
    func afterReset() throws {
        try withStreamPair { socket, peer in
            peer.resetConnection()
            let quiet = Win32Probe.poll(socket, 0, timeout: 2000)
            #expect(quiet.rc == 1 && quiet.revents == POLLERR | POLLHUP, "events 0: \(quiet)")
            let answer = Win32Probe.poll(socket, Win32Probe.readWrite)
            #expect(answer.rc == 1 && answer.revents == POLLERR | POLLHUP | POLLWRNORM, "\(answer)")
            // The send reads Linux's pending error; Windows' answer stays the same.
            let sent = wsaSend(socket, [1])
            #expect(sent.rc == SOCKET_ERROR && sent.error == WSAECONNRESET, "\(sent)")
            let later = Win32Probe.poll(socket, Win32Probe.readWrite)
            #expect(later.rc == 1 && later.revents == POLLERR | POLLHUP | POLLWRNORM, "after the send: \(later)")
        }
    }
}
