import Testing
import Winsock

/// Where Linux cannot give Windows' answer, the library's documented answer ("Where the library differs
/// from Windows" in the library's documentation). Each test checks what that list says.
@Suite("Documented differences from Windows")
struct DivergenceTests {
    @Test(
        "WSAPoll for POLLRDBAND alone on an SO_OOBINLINE socket returns 0 before its timeout when urgent data arrives")
    func pollWakesOnInlineUrgentData() throws {
        try withLibraryPair { client, server in
            try #require(setOption(server, SOL_SOCKET, SO_OOBINLINE, 1) == 0)
            #expect(wsaSend(client, [0x61], flags: DWORD(MSG_OOB)).rc == 0)
            let started = TestClock.now()
            let answer = Win32Probe.poll(server, POLLRDBAND, timeout: 3000)
            #expect(answer.rc == 0 && answer.revents == 0, "\(answer)")
            #expect(TestClock.now() - started < 2, "the wait went on to its timeout")
        }
    }

    @Test("a socket never connected reports POLLHUP and POLLWRNORM, as Linux does")
    func freshStreamSocket() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        let answer = Win32Probe.poll(socket, Win32Probe.readWrite, timeout: 0)
        #expect(answer.rc == 1 && answer.revents == POLLHUP | POLLWRNORM, "\(answer)")
    }

    @Test("after shutdown(SD_SEND) a reset reads as WSAECONNRESET once, then as a graceful close")
    func resetAfterSendShutdown() throws {
        try withStreamPair { socket, peer in
            expectSuccess(Winsock.shutdown(socket, SD_SEND))
            _ = peer.receive(waitingAtMost: 2000)  // the FIN
            peer.resetConnection()
            _ = Win32Probe.poll(socket, 0, timeout: 2000)
            let first = Win32Probe.receive(socket)
            #expect(first.rc == SOCKET_ERROR && first.error == WSAECONNRESET, "\(first)")
            let second = Win32Probe.receive(socket)
            #expect(second.rc == 0, "Linux no longer says it was reset: \(second)")
            let answer = Win32Probe.poll(socket, Win32Probe.readWrite)
            #expect(answer.revents & POLLERR == 0 && answer.revents & POLLHUP != 0, "\(answer)")
        }
    }

    @Test("data that arrives after shutdown(SD_RECEIVE) does not reset the connection")
    func dataAfterReceiveShutdown() throws {
        try withStreamPair { socket, peer in
            expectSuccess(Winsock.shutdown(socket, SD_RECEIVE))
            #expect(peer.send([1, 2, 3]) == 3)
            TestClock.sleep(milliseconds: 100)
            #expect(wsaSend(socket, [7]).rc == 0, "the connection goes on")
            #expect(peer.receive(waitingAtMost: 2000) == [7])
        }
    }

    @Test("WSASendTo on an unconnected datagram socket does not report a port unreachable")
    func noPortUnreachableUnconnected() throws {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        let port = Loopback.unusedPort(family: AF_INET)
        let payload = Payload(count: 4)
        for attempt in 0..<3 {
            var buffer = payload.wsabuf
            var sent: DWORD = 0
            let rc = Loopback.withAddress(family: AF_INET, port: port) {
                WSASendTo(socket, &buffer, 1, &sent, 0, $0, Int32($1), nil, nil)
            }
            #expect(rc == 0, "send \(attempt): \(WSAError(WSAGetLastError()).name)")
            TestClock.sleep(milliseconds: 50)
        }
    }

    @Test("SIO_FLUSH succeeds on a TCP socket, where Windows' TCP provider gives WSAEOPNOTSUPP")
    func flushSupportedOnStreamSocket() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var returned: DWORD = 0xDEAD_BEEF
        expectSuccess(WSAIoctl(socket, SIO_FLUSH, nil, 0, nil, 0, &returned, nil, nil))
        #expect(returned == 0)
    }
}
