import Testing
import Winsock

/// The Swift-native surface (issue 2, item 7): `Socket`, `SocketAddress`, `WinsockSession`, `SendFlags`,
/// throwing the same `WSAError` codes the Win32 functions report.
@Suite("The Swift-native surface")
struct NativeSocketTests {
    @Test("linuxDescriptor gives the socket's own descriptor: shutdown(2) on it releases a blocked WSASend")
    func linuxDescriptorReleasesBlockedSend() throws {
        try withStreamPair(peerReceiveBuffer: 4096) { socket, _ in
            let descriptor = try #require(linuxDescriptor(of: socket))
            #expect(linuxLocalPort(ofDescriptor: descriptor) == localPort(socket))
            // Far more than both socket buffers hold: the call blocks until the shutdown.
            let sender = TestThread { wsaSend(socket, [UInt8](repeating: 7, count: 64 << 20)) }
            TestClock.sleep(milliseconds: 300)
            #expect(!sender.isFinished)
            #expect(linuxShutdown(descriptor: descriptor) == 0)
            let outcome = try #require(sender.join(waitingAtMost: 10_000), "WSASend stayed blocked")
            #expect(outcome.rc == SOCKET_ERROR)
        }
        let closed = makeSocket(AF_INET, SOCK_STREAM)
        _ = closesocket(closed)
        #expect(linuxDescriptor(of: closed) == nil)
        #expect(linuxDescriptor(of: INVALID_SOCKET) == nil)
    }

    @Test("SocketAddress parses numeric loopback hosts and prints them with their port")
    func addresses() throws {
        let v4 = try #require(SocketAddress(numericHost: "127.0.0.1", port: 9000))
        #expect(v4.family == AF_INET && v4.port == 9000 && v4.host == "127.0.0.1")
        #expect(v4.description == "127.0.0.1:9000")
        let v6 = try #require(SocketAddress(numericHost: "::1", port: 443))
        #expect(v6.family == AF_INET6 && v6.description == "[::1]:443")
        #expect(SocketAddress(numericHost: "localhost", port: 1) == nil)
        #expect(SocketAddress(numericHost: "127.0.0.1", port: 9000) == v4)
        #expect(SocketAddress(numericHost: "127.0.0.1", port: 9001) != v4)
        let resolved = try SocketAddress.resolve(host: "127.0.0.1", port: 80)
        #expect(resolved == [SocketAddress(numericHost: "127.0.0.1", port: 80)!])
    }

    // RFC 4007's text form of a scoped address, "fe80::1%lo", which Windows' getaddrinfo also reads.
    @Test("SocketAddress reads a scoped IPv6 address, by interface name or number, and prints it back")
    func scopedAddresses() throws {
        let named = try #require(SocketAddress(numericHost: "fe80::1%lo", port: 8080))
        #expect(named.family == AF_INET6)
        #expect(named.port == 8080)
        #expect(Self.scope(of: named) == 1, "lo is interface 1")
        #expect(named.host == "fe80::1%lo")
        #expect(named.description == "[fe80::1%lo]:8080")
        #expect(SocketAddress(numericHost: named.host, port: named.port) == named, "the text reads back the same")
        let numbered = try #require(SocketAddress(numericHost: "fe80::1%1", port: 8080))
        #expect(numbered == named)
        let unscoped = try #require(SocketAddress(numericHost: "fe80::1", port: 8080))
        #expect(unscoped != named && Self.scope(of: unscoped) == 0)
        #expect(unscoped.description == "[fe80::1]:8080")
        for bad in [
            "fe80::1%", "fe80::1%no-such-interface", "127.0.0.1%lo", "%lo", "fe80::1%lo%lo", "fe80::1%99999999999",
        ] {
            #expect(SocketAddress(numericHost: bad, port: 1) == nil, "\(bad)")
        }
    }

    /// sin6_scope_id of an IPv6 address.
    private static func scope(of address: SocketAddress) -> UInt32 {
        address.withSockaddr { pointer, _ in
            pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_scope_id }
        }
    }

    @Test("Socket connects, sends WSABUF arrays and raw bytes, and receives", arguments: loopbackFamilies)
    func roundTrip(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let host = family == AF_INET ? "127.0.0.1" : "::1"
        let listener = try Socket(family: family, type: SOCK_STREAM)
        try listener.bind(to: try #require(SocketAddress(numericHost: host, port: 0)))
        try listener.listen()
        let address = try #require(listener.localAddress)
        #expect(address.port != 0)
        let client = try Socket.connect(to: [address], timeout: .seconds(5))
        let (server, peer) = try listener.accept()
        #expect(peer == client.localAddress)
        #expect(client.peerAddress == address)

        let data = Pattern.bytes(count: 20_000)
        let array = BufferArray(data, sizes: [5000, 0, 15_000])
        let sent = try withExtendedLifetime(array) {
            try client.send(UnsafeMutableBufferPointer(start: array.buffers, count: array.count))
        }
        #expect(sent == 20_000)
        let more = try [UInt8](arrayLiteral: 1, 2, 3).withUnsafeBytes { try client.send($0, flags: .dontRoute) }
        #expect(more == 3)
        try server.setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: 10_000)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.count < 20_003 {
            let count = try buffer.withUnsafeMutableBytes { try server.receive(into: $0) }
            if count == 0 { break }
            received += buffer[0..<count]
        }
        #expect(received == data + [1, 2, 3])
    }

    @Test("Socket's send throws the Win32 codes: WSAENOTCONN, WSAEOPNOTSUPP, WSAESHUTDOWN")
    func errors() throws {
        startWinsock()
        let unconnected = try Socket(family: AF_INET, type: SOCK_STREAM)
        #expect(throws: WSAError.notConnected) {
            try [UInt8](arrayLiteral: 1).withUnsafeBytes { try unconnected.send($0) }
        }
        try withStreamPair { handle, _ in
            let socket = Socket(adopting: handle)
            #expect(throws: WSAError.operationNotSupported) {
                try [UInt8](arrayLiteral: 1).withUnsafeBytes { try socket.send($0, flags: .partial) }
            }
            try socket.shutdown(SD_SEND)
            #expect(throws: WSAError.shutDown) {
                try [UInt8](arrayLiteral: 1).withUnsafeBytes { try socket.send($0, flags: .outOfBand) }
            }
            #expect(try socket.intOption(level: SOL_SOCKET, name: SO_TYPE) == SOCK_STREAM)
        }
    }

    @Test("Socket.connect to a port that refuses throws WSAECONNREFUSED, with or without a timeout")
    func refused() throws {
        startWinsock()
        // Bound and never listening: the port refuses connections, and no other test can take it.
        let probe = RawSocket(family: AF_INET, datagram: false)
        defer { probe.close() }
        let port = probe.bindLoopback()
        let address = try #require(SocketAddress(numericHost: "127.0.0.1", port: port))
        #expect(throws: WSAError.connectionRefused) { try Socket.connect(to: [address]) }
        #expect(throws: WSAError.connectionRefused) { try Socket.connect(to: [address], timeout: .seconds(5)) }
    }

    @Test("Socket.connect with a timeout leaves the socket blocking again when it throws: refused, timed out")
    func connectRestoresBlocking() throws {
        startWinsock()
        let probe = RawSocket(family: AF_INET, datagram: false)
        defer { probe.close() }
        let refusing = try #require(SocketAddress(numericHost: "127.0.0.1", port: probe.bindLoopback()))
        let refused = try Socket(family: AF_INET, type: SOCK_STREAM)
        #expect(throws: WSAError.connectionRefused) { try refused.connect(to: refusing, timeout: .seconds(5)) }
        #expect(libraryIsNonBlocking(refused.handle) == false, "the library's record says blocking")
        #expect(linuxIsNonBlocking(refused.handle) == false, "the descriptor is blocking")

        let (listener, filler, port) = RawSocket.saturatedListener(family: AF_INET)
        defer {
            filler.close()
            listener.close()
        }
        let silent = try #require(SocketAddress(numericHost: "127.0.0.1", port: port))
        let timedOut = try Socket(family: AF_INET, type: SOCK_STREAM)
        let start = TestClock.now()
        #expect(throws: WSAError.timedOut) { try timedOut.connect(to: silent, timeout: .milliseconds(200)) }
        #expect(TestClock.now() - start < 3)
        #expect(libraryIsNonBlocking(timedOut.handle) == false)
        #expect(linuxIsNonBlocking(timedOut.handle) == false)
    }

    // closesocket: threads blocked on the socket return (WSAEINTR, as the library's blocking calls do).
    @Test("closesocket from another thread ends Socket.connect's wait with WSAEINTR")
    func closeInterruptsConnect() throws {
        startWinsock()
        let (listener, filler, port) = RawSocket.saturatedListener(family: AF_INET)
        defer {
            filler.close()
            listener.close()
        }
        let silent = try #require(SocketAddress(numericHost: "127.0.0.1", port: port))
        let socket = try Socket(family: AF_INET, type: SOCK_STREAM)
        let connector = TestThread { () -> Int32 in
            do throws(WSAError) {
                try socket.connect(to: silent, timeout: .seconds(20))
                return 0
            } catch {
                return error.code
            }
        }
        TestClock.sleep(milliseconds: 300)
        #expect(!connector.isFinished, "the connect should be waiting: its SYN was dropped")
        #expect(closesocket(socket.handle) == 0)
        let code = connector.join(waitingAtMost: 5000)
        #expect(code == WSAEINTR, "got \(code.map { WSAError($0).name } ?? "no answer within 5 s")")
    }

    @Test("SendFlags carry WSASend's flag values")
    func sendFlags() {
        #expect(SendFlags.outOfBand.rawValue == 0x1)
        #expect(SendFlags.dontRoute.rawValue == 0x4)
        #expect(SendFlags.partial.rawValue == 0x8000)
        #expect(SendFlags([.outOfBand, .dontRoute]).rawValue == 0x5)
    }
}
