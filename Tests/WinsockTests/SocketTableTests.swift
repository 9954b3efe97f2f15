import Testing
import Winsock

import var Glibc.ECONNREFUSED

/// The socket table: handles, socket, bind, connect, listen, accept, closesocket, shutdown, recv.
@Suite("The socket table and its functions")
struct SocketTableTests {
    /// Handles the table never issued: small numbers (Linux descriptors), a stray value, INVALID_SOCKET.
    static let unknownHandles: [SOCKET] = [0, 1, 2, 3, 0xDEAD_BEE0, INVALID_SOCKET]

    // The library's rule: "unknown or closed handle | WSAENOTSOCK, checked before pointer checks".
    @Test(
        "an unknown handle gives WSAENOTSOCK before any pointer is looked at",
        arguments: PublicFunction.onHandles, unknownHandles)
    func unknownHandle(_ function: PublicFunction, _ handle: SOCKET) {
        startWinsock()
        WSASetLastError(0)
        #expect(function.fails(on: handle, nilPointers: true))
        #expect(WSAGetLastError() == WSAENOTSOCK, "\(WSAError(WSAGetLastError()))")
    }

    @Test("a closed handle gives WSAENOTSOCK before any pointer is looked at", arguments: PublicFunction.onHandles)
    func closedHandle(_ function: PublicFunction) throws {
        startWinsock()
        for type in [SOCK_STREAM, SOCK_DGRAM] {
            let handle = makeSocket(AF_INET, type)
            try #require(closesocket(handle) == 0)
            WSASetLastError(0)
            #expect(function.fails(on: handle, nilPointers: true))
            #expect(WSAGetLastError() == WSAENOTSOCK, "\(WSAError(WSAGetLastError()))")
        }
    }

    @Test("a Linux descriptor is not a SOCKET: the table's handles are its own")
    func descriptorIsNotHandle() {
        startWinsock()
        let raw = RawSocket(family: AF_INET, datagram: true)
        defer { raw.close() }
        expectFailure(Winsock.listen(SOCKET(raw.fd), 1), WSAENOTSOCK)
        expectFailure(closesocket(SOCKET(raw.fd)), WSAENOTSOCK)
    }

    @Test("handles are never reused: a closed handle stays WSAENOTSOCK while new sockets open")
    func handlesNotReused() {
        startWinsock()
        var closed: [SOCKET] = []
        for _ in 0..<64 {
            let handle = makeSocket(AF_INET, SOCK_DGRAM)
            closed.append(handle)
            _ = closesocket(handle)
        }
        #expect(Set(closed).count == closed.count)
        let open = (0..<8).map { _ in makeSocket(AF_INET, SOCK_STREAM) }
        defer { open.forEach { _ = closesocket($0) } }
        #expect(Set(open).isDisjoint(with: closed))
        for handle in closed { expectFailure(closesocket(handle), WSAENOTSOCK) }
    }

    @Test("socket creates stream and datagram sockets, and success sets the last error to 0")
    func socketCreates() {
        startWinsock()
        for family in [AF_INET, AF_INET6] {
            for type in [SOCK_STREAM, SOCK_DGRAM] {
                WSASetLastError(777)
                let handle = Winsock.socket(family, type, 0)
                #expect(handle != INVALID_SOCKET)
                #expect(WSAGetLastError() == 0)
                #expect(getOption(handle, SOL_SOCKET, SO_TYPE) == UInt32(type))
                expectSuccess(closesocket(handle))
            }
        }
    }

    @Test("socket refuses types other than stream and datagram, and unknown families", arguments: [0, 3, 5, 99])
    func socketRefusesType(_ type: Int32) {
        startWinsock()
        #expect(Winsock.socket(AF_INET, type, 0) == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSAESOCKTNOSUPPORT)
        #expect(Winsock.socket(12345, SOCK_STREAM, 0) == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSAEAFNOSUPPORT)
    }

    @Test(
        "bind takes a loopback address; getsockname reads it back; a second bind is refused",
        arguments: loopbackFamilies)
    func bindAndName(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let socket = makeSocket(family, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        expectSuccess(bindLoopback(socket, family: family))
        let port = localPort(socket)
        #expect(port != 0)
        expectFailure(bindLoopback(socket, family: family), WSAEINVAL, "already bound")
        let other = makeSocket(family, SOCK_DGRAM)
        defer { _ = closesocket(other) }
        let rc = Loopback.withAddress(family: family, port: port) { Winsock.bind(other, $0, Int32($1)) }
        expectFailure(rc, WSAEADDRINUSE)
        expectFailure(Winsock.bind(other, nil, 16), WSAEFAULT)
    }

    @Test("listen refuses a datagram socket")
    func listenDatagram() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        expectFailure(Winsock.listen(socket, 4), WSAEOPNOTSUPP)
    }

    // Windows' listen: WSAEINVAL when "the socket has not been bound with bind" (Linux would pick a port).
    @Test("listen on a stream socket that was never bound gives WSAEINVAL; after bind it succeeds")
    func listenUnbound() throws {
        startWinsock()
        for family in loopbackFamilies where family == AF_INET || Loopback.ipv6Available {
            let socket = makeSocket(family, SOCK_STREAM)
            defer { _ = closesocket(socket) }
            expectFailure(Winsock.listen(socket, 4), WSAEINVAL)
            #expect(localPort(socket) == 0, "Linux did not bind it behind the caller's back")
            try #require(bindLoopback(socket, family: family) == 0)
            expectSuccess(Winsock.listen(socket, 4))
            expectSuccess(Winsock.listen(socket, 8), "listen again only changes the backlog")
        }
    }

    @Test("connect to a closed loopback port gives WSAECONNREFUSED and leaves the socket unconnected")
    func connectRefused() {
        startWinsock()
        // Bound and never listening: the port refuses connections, and no other test can take it.
        let probe = RawSocket(family: AF_INET, datagram: false)
        defer { probe.close() }
        let port = probe.bindLoopback()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        expectFailure(connectLoopback(socket, family: AF_INET, port: port), WSAECONNREFUSED)
        expectFailure(wsaSend(socket, [1, 2, 3]).rc, WSAENOTCONN)
    }

    @Test(
        "accept returns a connected socket and the peer's address; both ends exchange bytes",
        arguments: loopbackFamilies)
    func acceptPair(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let listener = makeSocket(family, SOCK_STREAM)
        defer { _ = closesocket(listener) }
        try #require(bindLoopback(listener, family: family) == 0)
        expectSuccess(Winsock.listen(listener, 4))
        let client = makeSocket(family, SOCK_STREAM)
        defer { _ = closesocket(client) }
        expectSuccess(connectLoopback(client, family: family, port: localPort(listener)))
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let server = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(listener, $0, &length) }
        }
        try #require(server != INVALID_SOCKET)
        defer { _ = closesocket(server) }
        #expect(WSAGetLastError() == 0)
        #expect(Int32(storage.ss_family) == family)
        #expect(Loopback.port(of: storage) == localPort(client))
        #expect(length == Int32(family == AF_INET6 ? 28 : 16))

        let payload = Pattern.bytes(count: 1000)
        #expect(wsaSend(server, payload) == SendOutcome(rc: 0, error: 0, sent: 1000))
        #expect(receiveExactly(client, 1000) == payload)
    }

    @Test("accept refuses an address length shorter than a sockaddr_in with WSAEFAULT")
    func acceptShortLength() throws {
        startWinsock()
        let listener = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(listener) }
        try #require(bindLoopback(listener, family: AF_INET) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        var storage = sockaddr_storage()
        var length: Int32 = 8
        let accepted = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(listener, $0, &length) }
        }
        #expect(accepted == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSAEFAULT)
    }

    // Windows' accept: WSAEFAULT when "the addrlen parameter is too small or addr is not a valid part of
    // the user address space"; a nil addrlen beside an addr is the same fault.
    @Test(
        "accept with an addr and a nil or too small addrlen gives WSAEFAULT and leaves the connection queued",
        arguments: loopbackFamilies)
    func acceptAddressLengthFaults(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let listener = makeSocket(family, SOCK_STREAM)
        defer { _ = closesocket(listener) }
        try #require(bindLoopback(listener, family: family) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        // Linux's accept honours SO_RCVTIMEO: an accept that finds the queue empty fails instead of hanging.
        try #require(setOption(listener, SOL_SOCKET, SO_RCVTIMEO, 5000) == 0)
        let client = makeSocket(family, SOCK_STREAM)
        defer { _ = closesocket(client) }
        try #require(connectLoopback(client, family: family, port: localPort(listener)) == 0)
        var storage = sockaddr_storage()
        let withoutLength = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(listener, $0, nil) }
        }
        #expect(withoutLength == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSAEFAULT)
        // One byte short of the family's address: Linux would truncate it.
        var short = Int32(family == AF_INET6 ? 27 : 15)
        let tooShort = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(listener, $0, &short) }
        }
        #expect(tooShort == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSAEFAULT)
        var exact = Int32(family == AF_INET6 ? 28 : 16)
        let server = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Winsock.accept(listener, $0, &exact) }
        }
        #expect(server != INVALID_SOCKET, "the refused calls took nothing from the queue")
        if server != INVALID_SOCKET { _ = closesocket(server) }
        #expect(Loopback.port(of: storage) == localPort(client))
    }

    // Windows' getsockname and getpeername: WSAEFAULT when "the namelen parameter is too small".
    @Test(
        "getsockname and getpeername with a namelen too small for the address give WSAEFAULT, never a truncated one",
        arguments: loopbackFamilies)
    func nameLengthFaults(_ family: Int32) throws {
        try requireFamily(family)
        try withLibraryPair(family: family) { client, _ in
            let size = Int32(family == AF_INET6 ? 28 : 16)
            for call in [Winsock.getsockname, Winsock.getpeername] {
                var storage = sockaddr_storage()
                var length = size - 1
                let short = withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(client, $0, &length) }
                }
                expectFailure(short, WSAEFAULT)
                #expect(length == size - 1, "namelen is left alone")
                #expect(storage.ss_family == 0, "nothing was written")
                length = size
                let exact = withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(client, $0, &length) }
                }
                expectSuccess(exact)
                #expect(length == size)
                #expect(Int32(storage.ss_family) == family)
            }
        }
    }

    @Test("a non-blocking listener's accept gives WSAEWOULDBLOCK; the accepted socket is non-blocking too")
    func nonBlockingAccept() throws {
        startWinsock()
        let listener = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(listener) }
        try #require(bindLoopback(listener, family: AF_INET) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        try #require(setNonBlocking(listener, true) == 0)
        #expect(Winsock.accept(listener, nil, nil) == INVALID_SOCKET)
        #expect(WSAGetLastError() == WSAEWOULDBLOCK)
        let client = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(client) }
        try #require(connectLoopback(client, family: AF_INET, port: localPort(listener)) == 0)
        var entry = WSAPOLLFD(fd: listener, events: POLLRDNORM)
        #expect(WSAPoll(&entry, 1, 5000) == 1)
        let server = Winsock.accept(listener, nil, nil)
        try #require(server != INVALID_SOCKET)
        defer { _ = closesocket(server) }
        var byte: CChar = 0
        expectFailure(Winsock.recv(server, &byte, 1, 0), WSAEWOULDBLOCK, "the accepted socket is non-blocking")
    }

    @Test("a non-blocking connect gives WSAEWOULDBLOCK; once WSAPoll reports it writable, WSASend works")
    func nonBlockingConnect() throws {
        startWinsock()
        let listener = RawSocket(family: AF_INET, datagram: false)
        let port = listener.bindLoopback()
        listener.listen()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        try #require(setNonBlocking(socket, true) == 0)
        let rc = connectLoopback(socket, family: AF_INET, port: port)
        if rc == SOCKET_ERROR { #expect(WSAGetLastError() == WSAEWOULDBLOCK) }
        var entry = WSAPOLLFD(fd: socket, events: POLLWRNORM)
        #expect(WSAPoll(&entry, 1, 5000) == 1)
        #expect(entry.revents & POLLWRNORM != 0)
        let peer = try #require(listener.accept())
        #expect(wsaSend(socket, [9, 8, 7]) == SendOutcome(rc: 0, error: 0, sent: 3))
        #expect(peer.receive() == [9, 8, 7])
    }

    @Test("closesocket succeeds once, sets the last error to 0, and the handle is gone")
    func closesocketOnce() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        WSASetLastError(55)
        expectSuccess(closesocket(socket))
        expectFailure(closesocket(socket), WSAENOTSOCK)
    }

    @Test("shutdown: SD_SEND gives the peer EOF, SD_RECEIVE keeps sending, bad modes and unconnected sockets fail")
    func shutdownModes() throws {
        try withStreamPair { socket, peer in
            expectSuccess(Winsock.shutdown(socket, SD_RECEIVE))
            #expect(wsaSend(socket, [1, 2]) == SendOutcome(rc: 0, error: 0, sent: 2))
            #expect(peer.receive() == [1, 2])
            expectFailure(Winsock.shutdown(socket, 3), WSAEINVAL)
            expectFailure(Winsock.shutdown(socket, -1), WSAEINVAL)
            expectSuccess(Winsock.shutdown(socket, SD_SEND))
            #expect(peer.receive() == [], "the peer sees EOF")
        }
        let lonely = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(lonely) }
        expectFailure(Winsock.shutdown(lonely, SD_SEND), WSAENOTCONN)
    }

    @Test("recv reads bytes, peeks, returns 0 at the peer's close, and checks its arguments")
    func recvBasics() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(client, [10, 20, 30, 40]).rc == 0)
            var buffer = [CChar](repeating: 0, count: 16)
            #expect(Winsock.recv(server, &buffer, 2, MSG_PEEK | MSG_WAITALL) == 2)
            #expect(buffer[0..<2] == [10, 20])
            #expect(Winsock.recv(server, &buffer, 4, MSG_WAITALL) == 4)
            #expect(buffer[0..<4] == [10, 20, 30, 40])
            #expect(WSAGetLastError() == 0)
            expectFailure(Winsock.recv(server, nil, 4, 0), WSAEFAULT)
            expectFailure(Winsock.recv(server, &buffer, -1, 0), WSAEFAULT)
            expectFailure(Winsock.recv(server, &buffer, 4, 0x10), WSAEOPNOTSUPP)
            try #require(Winsock.shutdown(client, SD_SEND) == 0)
            #expect(Winsock.recv(server, &buffer, 4, 0) == 0)
        }
    }

    @Test("a blocking recv with nothing to read fails with WSAETIMEDOUT when SO_RCVTIMEO expires")
    func recvTimeout() throws {
        try withLibraryPair { _, server in
            expectSuccess(setOption(server, SOL_SOCKET, SO_RCVTIMEO, 200))
            var byte: CChar = 0
            let start = TestClock.now()
            expectFailure(Winsock.recv(server, &byte, 1, 0), WSAETIMEDOUT)
            let elapsed = TestClock.now() - start
            #expect(elapsed >= 0.15 && elapsed < 3, "took \(elapsed) s")
        }
    }

    @Test("a non-blocking recv with nothing to read gives WSAEWOULDBLOCK")
    func recvNonBlocking() throws {
        try withLibraryPair { _, server in
            try #require(setNonBlocking(server, true) == 0)
            var byte: CChar = 0
            expectFailure(Winsock.recv(server, &byte, 1, 0), WSAEWOULDBLOCK)
        }
    }

    // Winsock: closesocket makes the calls blocked on the socket in other threads return; the library
    // documents WSAEINTR ("threads blocked on the socket return (WSAEINTR)").
    @Test("closesocket from another thread releases a blocked recv with WSAEINTR")
    func closeReleasesRecv() throws {
        startWinsock()
        try withLibraryPair { _, server in
            try #require(setOption(server, SOL_SOCKET, SO_RCVTIMEO, 20_000) == 0)
            let receiver = TestThread { () -> SendOutcome in
                var byte: CChar = 0
                let rc = Winsock.recv(server, &byte, 1, 0)
                return SendOutcome(rc: rc, error: WSAGetLastError(), sent: 0)
            }
            TestClock.sleep(milliseconds: 300)
            let start = TestClock.now()
            _ = closesocket(server)
            let outcome = receiver.join()
            #expect(TestClock.now() - start < 5)
            #expect(outcome.rc == SOCKET_ERROR && outcome.error == WSAEINTR, "\(outcome)")
        }
    }

    @Test("closesocket from another thread releases a blocked accept with WSAEINTR")
    func closeReleasesAccept() throws {
        startWinsock()
        let listener = makeSocket(AF_INET, SOCK_STREAM)
        try #require(bindLoopback(listener, family: AF_INET) == 0)
        try #require(Winsock.listen(listener, 4) == 0)
        let acceptor = TestThread { () -> SendOutcome in
            let accepted = Winsock.accept(listener, nil, nil)
            let error = WSAGetLastError()
            if accepted != INVALID_SOCKET { _ = closesocket(accepted) }
            return SendOutcome(rc: accepted == INVALID_SOCKET ? SOCKET_ERROR : 0, error: error, sent: 0)
        }
        TestClock.sleep(milliseconds: 300)
        _ = closesocket(listener)
        let outcome = acceptor.join()
        #expect(outcome.rc == SOCKET_ERROR && outcome.error == WSAEINTR, "\(outcome)")
    }

    @Test(
        "WSAPoll marks a handle that is not an open socket with POLLNVAL; with no socket at all it fails with WSAENOTSOCK"
    )
    func pollInvalidHandle() {
        startWinsock()
        var entry = WSAPOLLFD(fd: 0xDEAD_BEE0, events: POLLRDNORM)
        expectFailure(WSAPoll(&entry, 1, 0), WSAENOTSOCK)
        #expect(entry.revents == POLLNVAL)
    }

    @Test("getpeername of an unconnected socket gives WSAENOTCONN; getsockname needs a buffer")
    func names() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_STREAM)
        defer { _ = closesocket(socket) }
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(socket, $0, &length) }
        }
        expectFailure(rc, WSAENOTCONN)
        expectFailure(getsockname(socket, nil, &length), WSAEFAULT)
    }
}

/// Reads exactly `count` bytes from a library socket (SO_RCVTIMEO bounds each wait); fewer on failure.
func receiveExactly(_ socket: SOCKET, _ count: Int) -> [UInt8] {
    _ = setOption(socket, SOL_SOCKET, SO_RCVTIMEO, 10_000)
    var bytes: [UInt8] = []
    var buffer = [CChar](repeating: 0, count: 65536)
    while bytes.count < count {
        let received = Winsock.recv(socket, &buffer, Int32(min(buffer.count, count - bytes.count)), 0)
        if received <= 0 { break }
        bytes += buffer[0..<Int(received)].map { UInt8(bitPattern: $0) }
    }
    return bytes
}
