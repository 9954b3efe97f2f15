import Testing
import Winsock

/// Receives after shutdown and after a reset give Windows' codes. Follows Wine's test_shutdown (and the
/// reset checks of its test_WSARecv and test_close).
@Suite("Receiving after shutdown and after a reset")
struct ShutdownDirectionTests {
    /// shutdown's `how` values that stop receiving.
    static let receiveShutdowns: [Int32] = [SD_RECEIVE, SD_BOTH]

    @Test("recv and recvfrom after shutdown(SD_RECEIVE or SD_BOTH) fail with WSAESHUTDOWN", arguments: receiveShutdowns)
    func receiveAfterShutdown(_ how: Int32) throws {
        try withStreamPair { socket, peer in
            #expect(peer.send([1, 2, 3]) == 3)
            expectSuccess(Winsock.shutdown(socket, how))
            let plain = Win32Probe.receive(socket)
            #expect(plain.rc == SOCKET_ERROR && plain.error == WSAESHUTDOWN, "recv: \(plain)")
            let from = Win32Probe.receive(socket, from: true)
            #expect(from.rc == SOCKET_ERROR && from.error == WSAESHUTDOWN, "recvfrom: \(from)")
        }
    }

    @Test(
        "shutdown(SD_RECEIVE) on a bound datagram socket with no peer succeeds, and receives then fail with WSAESHUTDOWN"
    )
    func datagramReceiveShutdown() throws {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        try #require(bindLoopback(socket, family: AF_INET) == 0)
        expectSuccess(Winsock.shutdown(socket, SD_RECEIVE))
        let answer = Win32Probe.receive(socket, from: true)
        #expect(answer.rc == SOCKET_ERROR && answer.error == WSAESHUTDOWN, "\(answer)")
    }

    @Test("shutdown on a datagram socket that is neither bound nor connected fails with WSAENOTCONN")
    func unboundDatagramShutdown() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        expectFailure(Winsock.shutdown(socket, SD_RECEIVE), WSAENOTCONN)
    }

    @Test(
        "a receive after the peer reset the connection reports the reset, also after a send was told of it first",
        arguments: [false, true])
    func receiveAfterReset(sendFirst: Bool) throws {
        try withStreamPair { socket, peer in
            peer.resetConnection()
            // Wait until the reset has arrived (Linux's own poll reports an error or a hang-up then).
            _ = Win32Probe.poll(socket, 0, timeout: 2000)
            if sendFirst {
                let sent = wsaSend(socket, [1])
                #expect(sent.rc == SOCKET_ERROR && sent.error == WSAECONNRESET, "\(sent)")
            }
            let answer = Win32Probe.receive(socket)
            #expect(
                answer.rc == SOCKET_ERROR && [WSAECONNRESET, WSAECONNABORTED].contains(answer.error),
                "recv after a reset: \(answer.rc), \(WSAError(answer.error).name)")
        }
    }

    @Test("a receive after the peer's graceful close reads the end of the stream (0)")
    func receiveAfterGracefulClose() throws {
        try withStreamPair { socket, peer in
            peer.close()
            _ = Win32Probe.poll(socket, 0, timeout: 2000)
            let answer = Win32Probe.receive(socket)
            #expect(answer.rc == 0 && answer.error == 0, "\(answer)")
        }
    }
}
