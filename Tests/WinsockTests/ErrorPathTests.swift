import Testing
import Winsock

/// WSASend's failures on sockets that cannot send: shut down, never connected, reset by the peer.
@Suite("WSASend on sockets that cannot send")
struct ErrorPathTests {
    // WSAESHUTDOWN: "it is not possible to WSASend on a socket after shutdown has been invoked with how
    // set to SD_SEND or SD_BOTH."
    @Test(
        "after shutdown(SD_SEND) or shutdown(SD_BOTH), WSASend gives WSAESHUTDOWN and sends nothing",
        arguments: Transport.allCases, [SD_SEND, SD_BOTH])
    func afterShutdown(_ transport: Transport, _ how: Int32) throws {
        switch transport {
        case .tcp:
            try withStreamPair { socket, peer in
                try #require(Winsock.shutdown(socket, how) == 0)
                expectFailure(wsaSend(socket, [1, 2, 3]).rc, WSAESHUTDOWN)
                expectFailure(wsaSend(socket, [1, 2, 3], flags: DWORD(MSG_DONTROUTE)).rc, WSAESHUTDOWN)
                #expect(peer.receive(waitingAtMost: 5000) == [], "the peer sees only the EOF of the shutdown")
            }
        case .udp:
            try withDatagramPair { socket, receiver in
                try #require(Winsock.shutdown(socket, how) == 0)
                expectFailure(wsaSend(socket, [1, 2, 3]).rc, WSAESHUTDOWN)
                expectFailure(wsaSend(socket, [1, 2, 3], flags: DWORD(MSG_DONTROUTE)).rc, WSAESHUTDOWN)
                #expect(receiveDatagram(receiver, waitingAtMost: 300) == nil, "no datagram arrives")
            }
        }
    }

    @Test("shutdown(SD_RECEIVE) does not stop sending", arguments: Transport.allCases)
    func afterShutdownReceive(_ transport: Transport) throws {
        try transport.withPair { socket, next in
            try #require(Winsock.shutdown(socket, SD_RECEIVE) == 0)
            #expect(wsaSend(socket, [4, 5]).rc == 0)
            #expect(next() == [4, 5])
        }
    }

    // The library's rule: "TCP send not connected | WSAENOTCONN (Linux says EPIPE for a never-connected socket)".
    @Test(
        "a stream socket that was never connected gives WSAENOTCONN, fresh, bound or listening",
        arguments: loopbackFamilies)
    func streamNotConnected(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let socket = makeSocket(family, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        expectFailure(wsaSend(socket, [1]).rc, WSAENOTCONN, "fresh")
        try #require(bindLoopback(socket, family: family) == 0)
        expectFailure(wsaSend(socket, [1]).rc, WSAENOTCONN, "bound")
        try #require(Winsock.listen(socket, 4) == 0)
        expectFailure(wsaSend(socket, [1]).rc, WSAENOTCONN, "listening")
        var sent: DWORD = 0
        expectFailure(WSASend(socket, nil, 0, &sent, 0, nil, nil), WSAENOTCONN, "even with no buffers")
    }

    // WSAECONNRESET: "For a stream socket, the virtual circuit was reset by the remote side." The library's rule:
    // "peer reset (RST) | WSAECONNRESET; Linux's later EPIPE too".
    @Test(
        "after the peer resets the connection, WSASend gives WSAECONNRESET, and keeps giving it",
        arguments: loopbackFamilies)
    func peerReset(_ family: Int32) throws {
        try withStreamPair(family: family) { socket, peer in
            #expect(wsaSend(socket, [1, 2, 3]).rc == 0)
            peer.resetConnection()
            #expect(waitForError(socket), "the RST arrived")
            expectFailure(wsaSend(socket, [4, 5, 6]).rc, WSAECONNRESET, "the first send after the RST (ECONNRESET)")
            expectFailure(wsaSend(socket, [7, 8, 9]).rc, WSAECONNRESET, "a later send (Linux's EPIPE)")
            try #require(setNonBlocking(socket, true) == 0)
            expectFailure(wsaSend(socket, [7, 8, 9]).rc, WSAECONNRESET, "non-blocking too")
        }
    }

    @Test("a peer reset under a blocking send in progress ends it with WSAECONNRESET and the bytes taken")
    func resetDuringSend() throws {
        let total = 4 << 20
        let data = Pattern.bytes(count: total)
        try withStreamPair(peerReceiveBuffer: 4096, configure: { setOption($0, SOL_SOCKET, SO_SNDBUF, 4096) }) {
            socket, peer in
            let sender = TestThread { wsaSend(socket, data, sizes: Pattern.sizes(total: total)) }
            let prefix = readingPeer(peer, limit: 10_000).join()
            peer.resetConnection()
            let outcome = sender.join()
            #expect(outcome.rc == SOCKET_ERROR && outcome.error == WSAECONNRESET, "\(outcome)")
            #expect(Int(outcome.sent) >= prefix.bytes.count && Int(outcome.sent) < total)
            #expect(prefix.firstMismatch(against: Array(data[..<prefix.bytes.count])) == nil)
        }
    }
}
