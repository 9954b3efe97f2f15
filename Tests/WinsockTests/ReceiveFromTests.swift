import Testing
import Winsock

/// A library datagram socket bound to the family's loopback address, and a raw Linux sender connected to
/// it; both closed after `body`. The receiver has SO_RCVTIMEO so that no receive hangs.
private func withBoundDatagram<R>(family: Int32, _ body: (SOCKET, RawSocket) throws -> R) throws -> R {
    try requireFamily(family)
    startWinsock()
    let receiver = makeSocket(family, SOCK_DGRAM)
    defer { _ = closesocket(receiver) }
    try #require(bindLoopback(receiver, family: family) == 0)
    try #require(setOption(receiver, SOL_SOCKET, SO_RCVTIMEO, 5000) == 0)
    let sender = RawSocket(family: family, datagram: true)
    defer { sender.close() }
    try #require(sender.connect(loopbackPort: localPort(receiver)) == 0)
    return try body(receiver, sender)
}

/// What one recvfrom returned, with the last error read right after it.
private struct Datagram {
    var rc: Int32
    var error: Int32
    var bytes: [UInt8]
    var address: sockaddr_storage
    var addressLength: Int32
}

private func receiveFrom(
    _ socket: SOCKET, capacity: Int = 2048, flags: Int32 = 0, addressLength: Int32? = 128
) -> Datagram {
    var buffer = [CChar](repeating: 0, count: capacity)
    var storage = sockaddr_storage()
    var length = addressLength ?? 0
    let rc = withUnsafeMutablePointer(to: &storage) { address in
        address.withMemoryRebound(to: sockaddr.self, capacity: 1) { from in
            if addressLength == nil { return recvfrom(socket, &buffer, Int32(capacity), flags, from, nil) }
            return recvfrom(socket, &buffer, Int32(capacity), flags, from, &length)
        }
    }
    let error = WSAGetLastError()
    let bytes = rc > 0 ? buffer[0..<Int(rc)].map { UInt8(bitPattern: $0) } : []
    return Datagram(rc: rc, error: error, bytes: bytes, address: storage, addressLength: length)
}

/// recvfrom (winsock2.h's shape): recv's flags and codes, plus the sender's address on datagram sockets.
@Suite("recvfrom")
struct ReceiveFromTests {
    @Test("recvfrom returns one datagram and the address it came from", arguments: loopbackFamilies)
    func datagramAndAddress(_ family: Int32) throws {
        try withBoundDatagram(family: family) { receiver, sender in
            #expect(sender.send([1, 2, 3, 4, 5]) == 5)
            let received = receiveFrom(receiver)
            #expect(received.rc == 5 && received.error == 0, "error \(WSAError(received.error))")
            #expect(received.bytes == [1, 2, 3, 4, 5])
            #expect(received.addressLength == Int32(family == AF_INET6 ? 28 : 16))
            #expect(Int32(received.address.ss_family) == family)
            #expect(Loopback.port(of: received.address) == sender.localPort)
        }
    }

    // recvfrom: WSAEFAULT when "the fromlen parameter is too small to accommodate the source address".
    @Test(
        "a from with a fromlen too small for the family's address, or none, gives WSAEFAULT and takes nothing",
        arguments: loopbackFamilies)
    func addressLengthFaults(_ family: Int32) throws {
        try withBoundDatagram(family: family) { receiver, sender in
            #expect(sender.send([7, 7, 7]) == 3)
            let short = receiveFrom(receiver, addressLength: Int32(family == AF_INET6 ? 27 : 15))
            #expect(short.rc == SOCKET_ERROR && short.error == WSAEFAULT, "error \(WSAError(short.error))")
            #expect(short.address.ss_family == 0, "nothing was written")
            let missing = receiveFrom(receiver, addressLength: nil)
            #expect(missing.rc == SOCKET_ERROR && missing.error == WSAEFAULT, "error \(WSAError(missing.error))")
            let exact = receiveFrom(receiver, addressLength: Int32(family == AF_INET6 ? 28 : 16))
            #expect(exact.rc == 3 && exact.bytes == [7, 7, 7], "the datagram was still queued")
            var byte: CChar = 0
            #expect(sender.send([9]) == 1)
            #expect(recvfrom(receiver, &byte, 1, 0, nil, nil) == 1, "no from: no address needed")
            #expect(byte == 9)
        }
    }

    @Test("recvfrom checks its arguments and flags as recv does")
    func argumentsAndFlags() throws {
        try withBoundDatagram(family: AF_INET) { receiver, sender in
            var buffer = [CChar](repeating: 0, count: 16)
            expectFailure(recvfrom(receiver, nil, 4, 0, nil, nil), WSAEFAULT)
            expectFailure(recvfrom(receiver, &buffer, -1, 0, nil, nil), WSAEFAULT)
            expectFailure(recvfrom(receiver, &buffer, 4, 0x10, nil, nil), WSAEOPNOTSUPP)
            expectFailure(recvfrom(receiver, &buffer, 4, MSG_OOB, nil, nil), WSAEOPNOTSUPP, "no OOB on UDP")
            #expect(sender.send([4, 3, 2]) == 3)
            let peeked = receiveFrom(receiver, flags: MSG_PEEK)
            #expect(peeked.rc == 3 && peeked.bytes == [4, 3, 2])
            let taken = receiveFrom(receiver)
            #expect(taken.rc == 3 && taken.bytes == [4, 3, 2], "MSG_PEEK left the datagram queued")
        }
    }

    @Test("recvfrom with nothing to read: WSAEWOULDBLOCK when non-blocking, WSAETIMEDOUT at SO_RCVTIMEO")
    func nothingToRead() throws {
        try withBoundDatagram(family: AF_INET) { receiver, _ in
            var byte: CChar = 0
            try #require(setOption(receiver, SOL_SOCKET, SO_RCVTIMEO, 200) == 0)
            let start = TestClock.now()
            expectFailure(recvfrom(receiver, &byte, 1, 0, nil, nil), WSAETIMEDOUT)
            #expect(TestClock.now() - start < 3)
            try #require(setNonBlocking(receiver, true) == 0)
            expectFailure(recvfrom(receiver, &byte, 1, 0, nil, nil), WSAEWOULDBLOCK)
        }
    }

    // Windows' recvfrom: "The from and fromlen parameters are ignored for connection-oriented sockets."
    @Test("on a stream socket recvfrom reads like recv and leaves from and fromlen untouched")
    func streamIgnoresAddress() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(client, [5, 6, 7]).rc == 0)
            _ = setOption(server, SOL_SOCKET, SO_RCVTIMEO, 5000)
            let received = receiveFrom(server, addressLength: 1)
            #expect(received.rc == 3 && received.bytes == [5, 6, 7], "error \(WSAError(received.error))")
            #expect(received.addressLength == 1)
            #expect(received.address.ss_family == 0)
        }
    }

    @Test("closesocket from another thread releases a blocked recvfrom with WSAEINTR")
    func closeReleasesReceiveFrom() throws {
        try withBoundDatagram(family: AF_INET) { receiver, _ in
            try #require(setOption(receiver, SOL_SOCKET, SO_RCVTIMEO, 20_000) == 0)
            let waiting = TestThread { () -> SendOutcome in
                var byte: CChar = 0
                let rc = recvfrom(receiver, &byte, 1, 0, nil, nil)
                return SendOutcome(rc: rc, error: WSAGetLastError(), sent: 0)
            }
            TestClock.sleep(milliseconds: 300)
            _ = closesocket(receiver)
            let outcome = waiting.join(waitingAtMost: 5000)
            #expect(outcome?.rc == SOCKET_ERROR && outcome?.error == WSAEINTR, "\(String(describing: outcome))")
        }
    }

    @Test("Socket.receive(into:from:) gives the bytes and the sender's address", arguments: loopbackFamilies)
    func nativeReceiveFrom(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let host = family == AF_INET ? "127.0.0.1" : "::1"
        let receiver = try Socket(family: family, type: SOCK_DGRAM)
        try receiver.bind(to: try #require(SocketAddress(numericHost: host, port: 0)))
        try receiver.setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: 5000)
        let sender = try Socket(family: family, type: SOCK_DGRAM)
        try sender.connect(to: try #require(receiver.localAddress))
        try [UInt8](arrayLiteral: 8, 9).withUnsafeBytes { _ = try sender.send($0) }
        var from: SocketAddress?
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = try buffer.withUnsafeMutableBytes { try receiver.receive(into: $0, from: &from) }
        #expect(count == 2 && buffer[0..<2] == [8, 9])
        #expect(from == sender.localAddress)
    }
}
