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

    @Test("getpeername on a datagram socket without a peer fails with WSAENOTCONN")
    func noPeerNoName() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        let answer = Win32Probe.name(socket, peer: true)
        #expect(answer.rc == SOCKET_ERROR && answer.error == WSAENOTCONN, "\(answer)")
    }
}
