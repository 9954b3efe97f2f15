import Testing
import Winsock

/// setsockopt / getsockopt with Winsock's levels, names and value shapes, and ioctlsocket.
@Suite("Socket options and ioctlsocket")
struct SocketOptionTests {
    // "WSASend function (winsock2.h)": "do not exceed the maximum message size of the underlying provider, which can be
    // obtained by getting the value of socket option SO_MAX_MSG_SIZE". The limits: 65507 / 65527.
    @Test("SO_MAX_MSG_SIZE of a UDP socket is 65507 on IPv4 and 65527 on IPv6", arguments: loopbackFamilies)
    func maxMessageSize(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let socket = makeSocket(family, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        #expect(getOption(socket, SOL_SOCKET, SO_MAX_MSG_SIZE) == (family == AF_INET ? 65507 : 65527))
        expectFailure(setOption(socket, SOL_SOCKET, SO_MAX_MSG_SIZE, 1000), WSAENOPROTOOPT, "get only")
        #expect(getOption(socket, SOL_SOCKET, SO_MAX_MSG_SIZE) == (family == AF_INET ? 65507 : 65527))
    }

    @Test("SO_MAX_MSG_SIZE has no meaning on a stream socket: WSAENOPROTOOPT")
    func maxMessageSizeStream() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        #expect(getOption(socket, SOL_SOCKET, SO_MAX_MSG_SIZE) == nil)
        #expect(WSAGetLastError() == WSAENOPROTOOPT)
    }

    @Test(
        "SO_SNDTIMEO and SO_RCVTIMEO are DWORD milliseconds that read back as set",
        arguments: [SO_SNDTIMEO, SO_RCVTIMEO], [UInt32(1), 250, 1000, 1500, 65_000, 0])
    func timeoutRoundTrip(_ option: Int32, _ milliseconds: UInt32) {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        #expect(getOption(socket, SOL_SOCKET, option) == 0, "no timeout by default")
        expectSuccess(setOption(socket, SOL_SOCKET, option, milliseconds))
        #expect(getOption(socket, SOL_SOCKET, option) == milliseconds)
    }

    @Test("an accepted socket reports the timeouts it inherited from its listener")
    func acceptedSocketTimeouts() throws {
        try Self.withAcceptedSocket(listenerOptions: [(SO_SNDTIMEO, 300), (SO_RCVTIMEO, 400)]) { server in
            // Linux copies both timeouts to the accepted socket: what getsockopt says must be what applies.
            #expect(getOption(server, SOL_SOCKET, SO_SNDTIMEO) == 300)
            #expect(getOption(server, SOL_SOCKET, SO_RCVTIMEO) == 400)
            var byte: CChar = 0
            let start = TestClock.now()
            expectFailure(Winsock.recv(server, &byte, 1, 0), WSAETIMEDOUT)
            #expect(TestClock.now() - start < 3)
        }
    }

    /// A loopback connection accepted on a listener given `listenerOptions` (SOL_SOCKET) first.
    static func withAcceptedSocket(
        listenerOptions: [(Int32, UInt32)], _ body: (SOCKET) throws -> Void
    ) throws {
        startWinsock()
        let listener = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(listener) }
        for (name, value) in listenerOptions { try #require(setOption(listener, SOL_SOCKET, name, value) == 0) }
        try #require(bindLoopback(listener, family: AF_INET) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        let client = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(client) }
        try #require(connectLoopback(client, family: AF_INET, port: localPort(listener)) == 0)
        let server = Winsock.accept(listener, nil, nil)
        try #require(server != INVALID_SOCKET)
        defer { _ = closesocket(server) }
        try body(server)
    }

    // Windows returns the SO_SNDBUF / SO_RCVBUF value that was set; Linux doubles it for its bookkeeping.
    @Test(
        "SO_SNDBUF and SO_RCVBUF read back exactly the value set, as on Windows",
        arguments: [SO_SNDBUF, SO_RCVBUF], [UInt32(1), 4096, 32768, 100_000])
    func bufferSizes(_ option: Int32, _ size: UInt32) {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        expectSuccess(setOption(socket, SOL_SOCKET, option, size))
        #expect(getOption(socket, SOL_SOCKET, option) == size)
        let linuxName = option == SO_SNDBUF ? linuxSO_SNDBUF : linuxSO_RCVBUF
        let linux = linuxIntOption(socket, level: linuxSOL_SOCKET, name: linuxName) ?? 0
        #expect(linux >= Int32(min(size, 4096)), "the kernel applied it (doubled, and at least its minimum)")
    }

    @Test(
        "SO_SNDBUF and SO_RCVBUF never set read back half of Linux's doubled value", arguments: [SO_SNDBUF, SO_RCVBUF])
    func bufferSizesUnset(_ option: Int32) throws {
        startWinsock()
        for type in [SOCK_STREAM, SOCK_DGRAM] {
            let socket = makeSocket(AF_INET, type)
            defer { _ = closesocket(socket) }
            let linuxName = option == SO_SNDBUF ? linuxSO_SNDBUF : linuxSO_RCVBUF
            let linux = try #require(linuxIntOption(socket, level: linuxSOL_SOCKET, name: linuxName))
            #expect(getOption(socket, SOL_SOCKET, option) == UInt32(linux / 2))
        }
    }

    @Test("an accepted socket reports the SO_SNDBUF and SO_RCVBUF its listener was given")
    func acceptedSocketBufferSizes() throws {
        try Self.withAcceptedSocket(listenerOptions: [(SO_SNDBUF, 40_000), (SO_RCVBUF, 50_000)]) { server in
            // Linux copies both sizes to the accepted socket.
            #expect(getOption(server, SOL_SOCKET, SO_SNDBUF) == 40_000)
            #expect(getOption(server, SOL_SOCKET, SO_RCVBUF) == 50_000)
        }
    }

    @Test("BOOL options, SO_TYPE, SO_ERROR and TCP_NODELAY read back in Winsock's shapes")
    func otherOptions() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        #expect(getOption(socket, SOL_SOCKET, SO_TYPE) == UInt32(SOCK_STREAM))
        #expect(getOption(socket, SOL_SOCKET, SO_ERROR) == 0)
        for (level, name) in [(SOL_SOCKET, SO_KEEPALIVE), (SOL_SOCKET, SO_OOBINLINE), (IPPROTO_TCP, TCP_NODELAY)] {
            expectSuccess(setOption(socket, level, name, 1))
            #expect(getOption(socket, level, name).map { $0 != 0 } == true)
            expectSuccess(setOption(socket, level, name, 0))
            #expect(getOption(socket, level, name) == 0)
        }
    }

    // The library's errno table: "ECONNREFUSED ... on connect: WSAECONNREFUSED (10061)"; the
    // library's pinned row: ETIMEDOUT on connect is WSAETIMEDOUT (ETIMEDOUT elsewhere is WSAECONNABORTED).
    @Test("SO_ERROR after a non-blocking connect whose SYNs went unanswered is WSAETIMEDOUT, the connect's code")
    func connectTimedOutError() throws {
        startWinsock()
        let (listener, filler, port) = RawSocket.saturatedListener(family: AF_INET)
        defer {
            filler.close()
            listener.close()
        }
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        // TCP_USER_TIMEOUT also bounds the SYN retransmissions: the connect gives up after about a second.
        try #require(setLinuxIntOption(socket, level: IPPROTO_TCP, name: linuxTCP_USER_TIMEOUT, 200))
        try #require(setNonBlocking(socket, true) == 0)
        expectFailure(connectLoopback(socket, family: AF_INET, port: port), WSAEWOULDBLOCK)
        var entry = WSAPOLLFD(fd: socket, events: POLLWRNORM)
        #expect(WSAPoll(&entry, 1, 10_000) == 1)
        #expect(entry.revents & POLLERR != 0, "the connect failed")
        let error = getOption(socket, SOL_SOCKET, SO_ERROR).map { Int32(bitPattern: $0) }
        #expect(error == WSAETIMEDOUT, "got \(error.map { WSAError($0).name } ?? "a failed getsockopt")")
        #expect(getOption(socket, SOL_SOCKET, SO_ERROR) == 0, "reading SO_ERROR clears it")
    }

    @Test("SO_ERROR after a non-blocking connect to a port that refuses is WSAECONNREFUSED")
    func connectRefusedError() throws {
        startWinsock()
        // Bound and never listening: the port refuses connections, and no other test can take it.
        let probe = RawSocket(family: AF_INET, datagram: false)
        defer { probe.close() }
        let port = probe.bindLoopback()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        try #require(setNonBlocking(socket, true) == 0)
        let rc = connectLoopback(socket, family: AF_INET, port: port)
        let immediate = WSAGetLastError()
        try #require(rc == SOCKET_ERROR)
        if immediate == WSAECONNREFUSED { return }  // The RST arrived before connect returned.
        #expect(immediate == WSAEWOULDBLOCK)
        var entry = WSAPOLLFD(fd: socket, events: POLLWRNORM)
        #expect(WSAPoll(&entry, 1, 10_000) == 1)
        #expect(getOption(socket, SOL_SOCKET, SO_ERROR) == UInt32(WSAECONNREFUSED))
    }

    /// Winsock's BOOL options (a one-byte value is accepted for them, as Windows does).
    static let booleanOptions: [(level: Int32, name: Int32)] = [
        (SOL_SOCKET, SO_KEEPALIVE), (SOL_SOCKET, SO_REUSEADDR), (SOL_SOCKET, SO_BROADCAST),
        (SOL_SOCKET, SO_DONTROUTE), (SOL_SOCKET, SO_OOBINLINE), (IPPROTO_TCP, TCP_NODELAY),
    ]

    @Test("a BOOL option takes a value of one to four bytes, as Windows does", arguments: [1, 2, 3, 4])
    func booleanValueSizes(_ size: Int32) {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        for (level, name) in Self.booleanOptions {
            // Below four bytes only the first byte is read (a char BOOL): a two-byte 0x0100 is FALSE.
            var on: UInt32 = 1
            var off: UInt32 = 0x0100
            let setOn = withUnsafeBytes(of: &on) {
                Winsock.setsockopt(socket, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), size)
            }
            expectSuccess(setOn, "option \(name), \(size) bytes")
            #expect(getOption(socket, level, name).map { $0 != 0 } == true, "option \(name), \(size) bytes")
            let setOff = withUnsafeBytes(of: &off) {
                Winsock.setsockopt(socket, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), size)
            }
            expectSuccess(setOff, "option \(name), \(size) bytes")
            #expect(getOption(socket, level, name) == (size == 4 ? 1 : 0), "option \(name), \(size) bytes")
        }
    }

    @Test("a value shorter than its type gives WSAEFAULT: no byte at all for a BOOL, fewer than four for the others")
    func shortValues() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var value: UInt32 = 1
        for (level, name) in Self.booleanOptions {
            let empty = withUnsafeBytes(of: &value) {
                Winsock.setsockopt(socket, level, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 0)
            }
            expectFailure(empty, WSAEFAULT, "option \(name), 0 bytes")
        }
        for name in [SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO, SO_RCVTIMEO] {
            for size: Int32 in [1, 2, 3] {
                let short = withUnsafeBytes(of: &value) {
                    Winsock.setsockopt(
                        socket, SOL_SOCKET, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), size)
                }
                expectFailure(short, WSAEFAULT, "option \(name), \(size) bytes")
            }
        }
        var linger = LINGER(l_onoff: 1, l_linger: 1)
        let shortLinger = withUnsafeBytes(of: &linger) {
            Winsock.setsockopt(socket, SOL_SOCKET, SO_LINGER, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 2)
        }
        expectFailure(shortLinger, WSAEFAULT, "SO_LINGER, 2 bytes")
    }

    @Test("SO_LINGER takes and returns winsock2.h's LINGER of two u_shorts")
    func linger() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var value = LINGER(l_onoff: 1, l_linger: 7)
        let size = Int32(MemoryLayout<LINGER>.size)
        let set = withUnsafeBytes(of: &value) {
            Winsock.setsockopt(socket, SOL_SOCKET, SO_LINGER, $0.baseAddress!.assumingMemoryBound(to: CChar.self), size)
        }
        expectSuccess(set)
        var read = LINGER()
        var length = size
        let got = withUnsafeMutableBytes(of: &read) {
            Winsock.getsockopt(
                socket, SOL_SOCKET, SO_LINGER, $0.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
        }
        expectSuccess(got)
        #expect(read == LINGER(l_onoff: 1, l_linger: 7))
        #expect(length == size)
    }

    @Test("option arguments: short buffers give WSAEFAULT, unknown options WSAENOPROTOOPT, optlen is set")
    func optionArguments() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var value: UInt32 = 1000
        var length: Int32 = 2
        let shortGet = withUnsafeMutableBytes(of: &value) {
            Winsock.getsockopt(
                socket, SOL_SOCKET, SO_SNDTIMEO, $0.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
        }
        expectFailure(shortGet, WSAEFAULT)
        let shortSet = withUnsafeBytes(of: &value) {
            Winsock.setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, $0.baseAddress!.assumingMemoryBound(to: CChar.self), 2)
        }
        expectFailure(shortSet, WSAEFAULT)
        expectFailure(Winsock.setsockopt(socket, SOL_SOCKET, SO_SNDBUF, nil, 4), WSAEFAULT)
        expectFailure(setOption(socket, SOL_SOCKET, 0x7777, 1), WSAENOPROTOOPT)
        expectFailure(setOption(socket, 0x1234, SO_SNDBUF, 1), WSAENOPROTOOPT)
        length = 64
        let got = withUnsafeMutableBytes(of: &value) {
            Winsock.getsockopt(
                socket, SOL_SOCKET, SO_TYPE, $0.baseAddress!.assumingMemoryBound(to: CChar.self), &length)
        }
        expectSuccess(got)
        #expect(length == 4)
    }

    @Test("ioctlsocket(FIONBIO) switches a socket between non-blocking and blocking")
    func fionbio() throws {
        try withLibraryPair { _, server in
            var byte: CChar = 0
            expectSuccess(setNonBlocking(server, true))
            let start = TestClock.now()
            expectFailure(Winsock.recv(server, &byte, 1, 0), WSAEWOULDBLOCK)
            #expect(TestClock.now() - start < 1, "a non-blocking recv returns at once")
            expectSuccess(setNonBlocking(server, false))
            try #require(setOption(server, SOL_SOCKET, SO_RCVTIMEO, 200) == 0)
            let blockedAt = TestClock.now()
            expectFailure(Winsock.recv(server, &byte, 1, 0), WSAETIMEDOUT, "blocking again: it waited")
            #expect(TestClock.now() - blockedAt >= 0.15)
        }
    }

    @Test("ioctlsocket: FIONREAD counts waiting bytes, a nil argument is WSAEFAULT, other commands WSAEINVAL")
    func ioctlCommands() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(client, Pattern.bytes(count: 321)).rc == 0)
            var waiting: ULONG = 0
            let deadline = TestClock.now() + 5
            while waiting < 321 && TestClock.now() < deadline {
                expectSuccess(ioctlsocket(server, FIONREAD, &waiting))
                if waiting < 321 { TestClock.sleep(milliseconds: 5) }
            }
            #expect(waiting == 321)
            expectFailure(ioctlsocket(server, FIONBIO, nil), WSAEFAULT)
            expectFailure(ioctlsocket(server, 0x1234_5678, &waiting), WSAEINVAL)
        }
    }
}
