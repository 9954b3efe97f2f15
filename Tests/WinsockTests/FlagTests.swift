import Testing

@testable import Winsock

/// WSASend's dwFlags. Issue 2: "No flag is dropped" — every flag is translated or refused.
@Suite("WSASend's flags")
struct FlagTests {
    // "MSG_OOB: Send OOB data on a stream-style socket such as SOCK_STREAM only."
    @Test(
        "MSG_OOB on a stream socket sends urgent data that a Linux peer reads with MSG_OOB", arguments: loopbackFamilies
    )
    func outOfBandRaw(_ family: Int32) throws {
        try withStreamPair(family: family) { socket, peer in
            let data: [UInt8] = Array("hello!".utf8)
            #expect(
                wsaSend(socket, data, sizes: [3, 0, 3], flags: DWORD(MSG_OOB)) == SendOutcome(rc: 0, error: 0, sent: 6))
            #expect(peer.waitUrgent(milliseconds: 5000), "the peer sees urgent data")
            #expect(peer.receiveUrgent() == UInt8(ascii: "!"), "the call's last byte is the urgent byte")
            #expect(readingPeer(peer, limit: 5).join().bytes == Array("hello".utf8))
        }
    }

    // "MSG_OOB: Send OOB data": the call's last byte is the urgent one, however many sendmsg calls carry it.
    @Test("MSG_OOB over more than IOV_MAX buffers makes only the call's last byte urgent", arguments: loopbackFamilies)
    func outOfBandSliced(_ family: Int32) throws {
        try withStreamPair(family: family) { socket, peer in
            let data = Pattern.bytes(count: 10_000)
            let sizes = [Int](repeating: 4, count: 2500)
            #expect(
                wsaSend(socket, data, sizes: sizes, flags: DWORD(MSG_OOB)) == SendOutcome(rc: 0, error: 0, sent: 10_000)
            )
            #expect(peer.waitUrgent(milliseconds: 5000), "the peer sees urgent data")
            #expect(
                readingPeer(peer, limit: 9999).join().bytes == Array(data.prefix(9999)), "every other byte is inline")
            #expect(peer.receiveUrgent() == data.last, "the call's last byte is the urgent byte")
        }
    }

    @Test("MSG_OOB seen by a Winsock peer: SIOCATMARK reports urgent data and recv(MSG_OOB) reads it")
    func outOfBandLibraryPeer() throws {
        try withLibraryPair { client, server in
            #expect(wsaSend(client, [1, 2, 3, 0x42], flags: DWORD(MSG_OOB)).rc == 0)
            var atMark: ULONG = 1
            let deadline = TestClock.now() + 5
            while atMark != 0 && TestClock.now() < deadline {
                #expect(ioctlsocket(server, SIOCATMARK, &atMark) == 0)
                if atMark != 0 { TestClock.sleep(milliseconds: 5) }
            }
            #expect(atMark == 0, "SIOCATMARK says out-of-band data is waiting (Winsock's FALSE)")
            var byte: CChar = 0
            #expect(Winsock.recv(server, &byte, 1, MSG_OOB) == 1)
            #expect(byte == 0x42)
            #expect(receiveExactly(server, 3) == [1, 2, 3])
            #expect(ioctlsocket(server, SIOCATMARK, &atMark) == 0)
            #expect(atMark == 1)
        }
    }

    // WSAEOPNOTSUPP: "MSG_OOB was specified, but the socket is not stream-style such as type SOCK_STREAM".
    @Test("MSG_OOB on a datagram socket gives WSAEOPNOTSUPP and sends nothing", arguments: loopbackFamilies)
    func outOfBandDatagram(_ family: Int32) throws {
        try withDatagramPair(family: family) { socket, receiver in
            expectFailure(wsaSend(socket, [1, 2, 3], flags: DWORD(MSG_OOB)).rc, WSAEOPNOTSUPP)
            expectNothingSent(socket) { receiveDatagram(receiver) }
        }
    }

    // "MSG_DONTROUTE: Specifies that the data should not be subject to routing." Loopback is directly
    // reachable, so the data arrives.
    @Test("MSG_DONTROUTE sends on loopback, stream and datagram", arguments: loopbackFamilies, Transport.allCases)
    func dontRoute(_ family: Int32, _ transport: Transport) throws {
        let data = Pattern.bytes(count: 3000)
        switch transport {
        case .tcp:
            try withStreamPair(family: family) { socket, peer in
                #expect(wsaSend(socket, data, sizes: [1000, 2000], flags: DWORD(MSG_DONTROUTE)).sent == 3000)
                #expect(readingPeer(peer, limit: 3000).join().bytes == data)
            }
        case .udp:
            try withDatagramPair(family: family) { socket, receiver in
                #expect(wsaSend(socket, data, sizes: [1000, 2000], flags: DWORD(MSG_DONTROUTE)).sent == 3000)
                #expect(receiveDatagram(receiver) == data)
            }
        }
    }

    // "MSG_PARTIAL: ... the error code WSAEOPNOTSUPP will be returned by transports that do not support
    // partial message transmissions."
    @Test(
        "MSG_PARTIAL gives WSAEOPNOTSUPP on TCP and UDP, alone or with other flags, and sends nothing",
        arguments: Transport.allCases, [MSG_PARTIAL, MSG_PARTIAL | MSG_OOB, MSG_PARTIAL | MSG_DONTROUTE])
    func partial(_ transport: Transport, _ flags: Int32) throws {
        try transport.withPair { socket, next in
            expectFailure(wsaSend(socket, [1, 2, 3], flags: DWORD(flags)).rc, WSAEOPNOTSUPP)
            expectNothingSent(socket, next)
        }
    }

    /// Bits that are not WSASend flags (MSG_PEEK 0x2 and MSG_WAITALL 0x8 are recv's).
    static let unknownBits: [DWORD] = [
        0x2, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x10000,
        0x4_0000, 0x100_0000, 0x8000_0000, 0x1 | 0x10,
    ]

    @Test("any other flag bit gives WSAEOPNOTSUPP and sends nothing", arguments: Transport.allCases, unknownBits)
    func unknownFlag(_ transport: Transport, _ bits: DWORD) throws {
        try transport.withPair { socket, next in
            expectFailure(wsaSend(socket, [1, 2, 3], flags: bits).rc, WSAEOPNOTSUPP)
            expectNothingSent(socket, next)
        }
    }

    /// Linux's values (sys/socket.h), written out: this file does not import Glibc, whose names clash.
    static let linuxOOB: Int32 = 0x1
    static let linuxDontRoute: Int32 = 0x4
    static let linuxNoSignal: Int32 = 0x4000

    @Test("the flags reach sendmsg as Linux's MSG_OOB and MSG_DONTROUTE, always with MSG_NOSIGNAL")
    func translation() throws {
        startWinsock()
        let stream = makeSocket(AF_INET, SOCK_STREAM)
        let datagram = makeSocket(AF_INET, SOCK_DGRAM)
        defer {
            _ = closesocket(stream)
            _ = closesocket(datagram)
        }
        let streamRecord = try #require(Library.sockets.lookup(stream))
        let datagramRecord = try #require(Library.sockets.lookup(datagram))
        let cases: [(SocketRecord, Int32, Int32, Int32)] = [
            (streamRecord, 0, Self.linuxNoSignal, 0),
            (streamRecord, MSG_OOB, Self.linuxNoSignal | Self.linuxOOB, 0),
            (streamRecord, MSG_DONTROUTE, Self.linuxNoSignal | Self.linuxDontRoute, 0),
            (streamRecord, MSG_OOB | MSG_DONTROUTE, Self.linuxNoSignal | Self.linuxOOB | Self.linuxDontRoute, 0),
            (datagramRecord, 0, Self.linuxNoSignal, 0),
            (datagramRecord, MSG_DONTROUTE, Self.linuxNoSignal | Self.linuxDontRoute, 0),
            (datagramRecord, MSG_OOB, 0, WSAEOPNOTSUPP),
            (streamRecord, MSG_PARTIAL, 0, WSAEOPNOTSUPP),
        ]
        for (record, flags, linux, refusal) in cases {
            let translated = linuxSendFlags(DWORD(flags), on: record)
            #expect(translated.refusal == refusal, "flags \(flags)")
            if refusal == 0 { #expect(translated.flags == linux, "flags \(flags)") }
        }
    }
}
