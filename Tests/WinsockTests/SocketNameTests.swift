import Testing
import Winsock

/// getsockname and getpeername give Windows' answers where Linux's differ.
@Suite("getsockname and getpeername as Windows answers them")
struct SocketNameTests {
    // Follows Wine's test_getsockname and test_WSASendTo: "getsockname should have failed ... WSAEINVAL"
    // on a socket that was never bound.
    @Test(
        "getsockname on a socket that was never bound fails with WSAEINVAL and leaves the caller's buffer untouched",
        arguments: [SOCK_STREAM, SOCK_DGRAM])
    func unboundSocketHasNoName(_ type: Int32) {
        startWinsock()
        let socket = makeSocket(AF_INET, type)
        defer { _ = closesocket(socket) }
        let answer = Win32Probe.name(socket, peer: false)
        #expect(answer.rc == SOCKET_ERROR && answer.error == WSAEINVAL, "\(answer)")
        #expect(answer.untouched, "the address buffer was written")
        #expect(answer.length == Int32(MemoryLayout<sockaddr_storage>.size), "namelen was changed")
    }

    @Test("getsockname after bind gives the bound port")
    func boundSocketHasItsName() throws {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        try #require(bindLoopback(socket, family: AF_INET) == 0)
        let answer = Win32Probe.name(socket, peer: false)
        #expect(answer.rc == 0 && answer.port != 0 && answer.length == 16, "\(answer)")
    }

    // Follows Wine's test_getpeername, and the shutdown() checks of its test_shutdown: the peer's name
    // outlives the connection's shutdown.
    @Test("getpeername still gives the peer's address after shutdown(SD_BOTH), also once the peer has closed too")
    func peerNameOutlivesShutdown() throws {
        try withStreamPair { socket, peer in
            let port = peer.localPort
            expectSuccess(Winsock.shutdown(socket, SD_BOTH))
            peer.close()
            // Both FINs cross: Linux's socket reaches its closed state and forgets the peer.
            var answers: [String] = []
            for _ in 0..<10 {
                TestClock.sleep(milliseconds: 30)
                let answer = Win32Probe.name(socket, peer: true)
                if !(answer.rc == 0 && answer.port == port && answer.length == 16) { answers.append("\(answer)") }
            }
            #expect(answers.isEmpty, "getpeername after shutdown: \(answers)")
        }
    }

    @Test(
        "getpeername after shutdown gives each socket its own peer, when sockets of the same and of other peers are shut down in turn"
    )
    func eachSocketKeepsItsOwnPeer() throws {
        startWinsock()
        var families = [AF_INET, AF_INET]
        if (try? requireFamily(AF_INET6)) != nil { families.append(AF_INET6) }
        let listeners = families.map { RawSocket(family: $0, datagram: false) }
        let ports = listeners.map { $0.bindLoopback() }
        listeners.forEach { $0.listen() }
        // Two sockets to each listener, shut down one listener's pair after the other: the second of a pair
        // has its peer's address right after the first, the next pair's first a different one.
        var sockets: [(socket: SOCKET, family: Int32, port: UInt16)] = []
        var peers: [RawSocket] = []
        defer {
            for entry in sockets { _ = closesocket(entry.socket) }
            peers.forEach { $0.close() }
            listeners.forEach { $0.close() }
        }
        for (index, family) in families.enumerated() {
            for _ in 0..<2 {
                let socket = makeSocket(family, SOCK_STREAM)
                sockets.append((socket, family, ports[index]))
                try #require(connectLoopback(socket, family: family, port: ports[index]) == 0)
                peers.append(try #require(listeners[index].accept(), "the raw listener accepted nothing"))
            }
        }
        for entry in sockets { expectSuccess(Winsock.shutdown(entry.socket, SD_BOTH)) }
        peers.forEach { $0.close() }
        // Both FINs cross: Linux forgets each peer, and every answer comes from what shutdown kept.
        var answers: [String] = []
        for _ in 0..<5 {
            TestClock.sleep(milliseconds: 30)
            for entry in sockets {
                let answer = Win32Probe.name(entry.socket, peer: true)
                let length: Int32 = entry.family == AF_INET6 ? 28 : 16
                if !(answer.rc == 0 && answer.port == entry.port && answer.length == length) {
                    answers.append("\(answer)")
                }
            }
        }
        #expect(answers.isEmpty, "getpeername after shutdown: \(answers)")
    }

    @Test("getpeername on a datagram socket without a peer fails with WSAENOTCONN")
    func noPeerNoName() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        let answer = Win32Probe.name(socket, peer: true)
        #expect(answer.rc == SOCKET_ERROR && answer.error == WSAENOTCONN, "\(answer)")
    }
}
