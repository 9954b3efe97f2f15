import Testing
import Winsock

/// The WSAPoll checks of Wine's test_WSAPoll (dlls/ws2_32/tests/sock.c, named test_poll in some Wine
/// versions) that PollFlagTests does not already make, in the project's own words: what Windows
/// answers for bad arguments, a listening socket, a connected pair, data, urgent data, shutdowns and
/// UDP sockets. Each test names the part of that test it follows.
@Suite("WSAPoll as Wine's test_WSAPoll observes Windows")
struct PollWineTests {
    @Test("a nil array with a count is WSAEFAULT; no entries is WSAEINVAL, with or without a timeout (test_WSAPoll)")
    func badArguments() {
        startWinsock()
        for timeout: Int32 in [0, 1] {
            expectFailure(WSAPoll(nil, 0, timeout), WSAEINVAL, "nil, 0, \(timeout)")
            expectFailure(WSAPoll(nil, 1, timeout), WSAEFAULT, "nil, 1, \(timeout)")
        }
    }

    /// Wine's `invalid_flags`: every bit but POLLRDNORM, POLLRDBAND and POLLWRNORM.
    static let invalidFlags: [Int16] = [
        POLLERR, POLLHUP, POLLNVAL, 0x8, POLLWRBAND, 0x40, 0x80, POLLPRI, 0x800, 0x1000, 0x2000, 0x4000,
        Int16(bitPattern: 0x8000),
    ]

    @Test(
        "an entry of a listening or connected socket asking for any other event fails the call with WSAEINVAL (test_WSAPoll)",
        arguments: invalidFlags)
    func invalidEvents(_ flag: Int16) throws {
        try withListener { listener, _ in
            let answer = Win32Probe.poll(listener, flag, timeout: 0)
            #expect(answer.rc == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL, "listener: \(answer)")
        }
        try withLibraryPair { _, server in
            let answer = Win32Probe.poll(server, flag, timeout: 0)
            #expect(answer.rc == SOCKET_ERROR && WSAGetLastError() == WSAEINVAL, "connected: \(answer)")
        }
    }

    @Test("POLLIN and POLLOUT, made of the requestable bits, are accepted (test_WSAPoll polls with POLLIN)")
    func composedEventsAccepted() throws {
        try withListener { listener, _ in
            #expect(Win32Probe.poll(listener, POLLIN, timeout: 0).rc == 0)
            #expect(Win32Probe.poll(listener, POLLOUT, timeout: 0).rc == 0)
        }
    }

    @Test("INVALID_SOCKET beside a listening socket reads POLLNVAL, is not counted, and sets no error (test_WSAPoll)")
    func invalidSocketBesideListener() throws {
        try withListener { listener, _ in
            var entries = [WSAPOLLFD(fd: INVALID_SOCKET, events: POLLRDNORM), WSAPOLLFD(fd: listener, events: POLLIN)]
            entries[0].revents = 0x0DEA
            entries[1].revents = 0x0DEA
            WSASetLastError(12345)
            #expect(WSAPoll(&entries, 2, 0) == 0)
            #expect(WSAGetLastError() == 0)
            #expect(entries[0].revents == POLLNVAL && entries[1].revents == 0, "\(entries)")
        }
    }

    @Test("an entry of a handle that is not a socket asking for POLLERR fails the call with WSAEINVAL (test_WSAPoll)")
    func invalidEventsOnUnknownHandle() throws {
        try withListener { listener, _ in
            var entries = [WSAPOLLFD(fd: listener, events: POLLIN), WSAPOLLFD(fd: 0xABACAB, events: POLLERR)]
            entries[0].revents = 0x0DEA
            entries[1].revents = 0x0DEA
            expectFailure(WSAPoll(&entries, 2, 0), WSAEINVAL)
            #expect(entries[0].revents == 0 && entries[1].revents == 0, "\(entries)")
        }
    }

    @Test("a listening socket is quiet until a connection waits, then reads POLLRDNORM only (test_WSAPoll)")
    func listenerReportsConnection() throws {
        try withListener { listener, port in
            let quiet = Win32Probe.poll(listener, Win32Probe.readWrite, timeout: 0)
            #expect(quiet.rc == 0 && quiet.revents == 0, "no connection yet: \(quiet)")
            let client = makeSocket(AF_INET, SOCK_STREAM)
            defer { _ = closesocket(client) }
            try #require(connectLoopback(client, family: AF_INET, port: port) == 0)
            let waiting = Win32Probe.poll(listener, POLLIN, timeout: 100)
            #expect(waiting.rc == 1 && waiting.revents == POLLRDNORM, "\(waiting)")
            let again = Win32Probe.poll(listener, POLLIN, timeout: 0)
            #expect(again.rc == 1 && again.revents == POLLRDNORM, "a second look: \(again)")
            let other = Win32Probe.poll(listener, POLLRDBAND | POLLWRNORM, timeout: 0)
            #expect(other.rc == 0 && other.revents == 0, "\(other)")
        }
    }

    @Test("a connected pair reads POLLWRNORM only, and the idle listener nothing, counted as 2 (test_WSAPoll)")
    func connectedPairCanWrite() throws {
        try withListener { listener, port in
            let client = makeSocket(AF_INET, SOCK_STREAM)
            defer { _ = closesocket(client) }
            try #require(connectLoopback(client, family: AF_INET, port: port) == 0)
            let server = Winsock.accept(listener, nil, nil)
            try #require(server != INVALID_SOCKET)
            defer { _ = closesocket(server) }
            var entries = [listener, server, client].map { WSAPOLLFD(fd: $0, events: Win32Probe.readWrite) }
            for index in entries.indices { entries[index].revents = 0x0DEA }
            #expect(WSAPoll(&entries, 3, 0) == 2)
            #expect(entries.map(\.revents) == [0, POLLWRNORM, POLLWRNORM], "\(entries)")
        }
    }

    @Test("data reads POLLRDNORM (not POLLRDBAND) until it is received, then POLLWRNORM alone (test_WSAPoll)")
    func dataThenReceived() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(server, Array("1234".utf8)).rc == 0)
            let masked = Win32Probe.poll(client, POLLRDNORM | POLLRDBAND)
            #expect(masked.rc == 1 && masked.revents == POLLRDNORM, "\(masked)")
            #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLRDNORM | POLLWRNORM)
            #expect(Win32Probe.poll(server, Win32Probe.readWrite).revents == POLLWRNORM)
            #expect(Win32Probe.receive(client).rc == 4)
            #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
        }
    }

    @Test("urgent data read with MSG_OOB leaves POLLWRNORM alone on both sides (test_WSAPoll)")
    func urgentDataReceived() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(client, [0x41], flags: DWORD(MSG_OOB)).rc == 0)
            try #require(Win32Probe.poll(server, POLLRDBAND).rc == 1, "the urgent byte did not arrive")
            #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
            var byte: CChar = 0
            #expect(recv(server, &byte, 1, MSG_OOB) == 1 && byte == 0x41)
            #expect(Win32Probe.poll(server, Win32Probe.readWrite, timeout: 0).revents == POLLWRNORM)
        }
    }

    @Test("the peer's shutdown(SD_RECEIVE) shows nothing; its SD_SEND reads POLLHUP, also to events 0 (test_WSAPoll)")
    func peerShutdowns() throws {
        try withLibraryPair { client, server in
            expectSuccess(Winsock.shutdown(client, SD_RECEIVE))
            #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
            #expect(Win32Probe.poll(server, Win32Probe.readWrite, timeout: 100).revents == POLLWRNORM)
            expectSuccess(Winsock.shutdown(client, SD_SEND))
            #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
            let quiet = Win32Probe.poll(server, 0, timeout: 2000)
            #expect(quiet.rc == 1 && quiet.revents == POLLHUP, "events 0: \(quiet)")
            #expect(Win32Probe.poll(server, Win32Probe.readWrite).revents == POLLWRNORM | POLLHUP)
        }
    }

    @Test("shutdown(SD_SEND) with data unread reads POLLHUP at once, beside POLLRDNORM (test_WSAPoll)")
    func shutdownWithDataUnread() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(client, Array("data\0".utf8)).rc == 0)
            let arrived = Win32Probe.poll(server, POLLRDNORM | POLLRDBAND)
            #expect(arrived.rc == 1 && arrived.revents == POLLRDNORM, "\(arrived)")
            expectSuccess(Winsock.shutdown(client, SD_SEND))
            #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
            let quiet = Win32Probe.poll(server, 0, timeout: 2000)
            #expect(quiet.rc == 1 && quiet.revents == POLLHUP, "events 0: \(quiet)")
            let answer = Win32Probe.poll(server, Win32Probe.readWrite)
            #expect(answer.revents == POLLWRNORM | POLLRDNORM | POLLHUP, "\(answer)")
        }
    }

    @Test("a UDP socket reads POLLWRNORM unbound and bound, and POLLRDNORM once a datagram waits (test_WSAPoll)")
    func datagramSockets() throws {
        startWinsock()
        let client = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(client) }
        let server = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(server) }
        #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
        #expect(Win32Probe.poll(server, Win32Probe.readWrite).revents == POLLWRNORM)
        try #require(bindLoopback(client, family: AF_INET) == 0)
        #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM)
        let payload = Array("data\0".utf8).map { CChar(bitPattern: $0) }
        let sent = Loopback.withAddress(family: AF_INET, port: localPort(client)) { address, length in
            sendto(server, payload, Int32(payload.count), 0, address, Int32(length))
        }
        #expect(sent == 5)
        let masked = Win32Probe.poll(client, POLLRDNORM | POLLRDBAND)
        #expect(masked.rc == 1 && masked.revents == POLLRDNORM, "\(masked)")
        #expect(Win32Probe.poll(client, Win32Probe.readWrite).revents == POLLWRNORM | POLLRDNORM)
        #expect(Win32Probe.poll(server, Win32Probe.readWrite).revents == POLLWRNORM)
    }

    /// A listening TCP socket on 127.0.0.1 and its port.
    private func withListener(_ body: (SOCKET, UInt16) throws -> Void) throws {
        startWinsock()
        let listener = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(listener) }
        try #require(bindLoopback(listener, family: AF_INET) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        try body(listener, localPort(listener))
    }
}
