import Testing
import Winsock

/// Reads one datagram from a raw receiver (5 s at most); nil when none came.
func receiveDatagram(_ receiver: RawSocket, waitingAtMost milliseconds: Int32 = 5000) -> [UInt8]? {
    receiver.receive(maximum: 70_000, waitingAtMost: milliseconds)
}

/// WSASend on datagram sockets: "It can also be used, however, on connectionless sockets that have a
/// stipulated default peer address established through the connect or WSAConnect function."
@Suite("Non-overlapped WSASend on datagram sockets")
struct DatagramSendTests {
    // The library's rule: "several buffers, datagram socket | one datagram of their concatenation".
    @Test("several buffers make one datagram of their concatenation", arguments: loopbackFamilies)
    func concatenation(_ family: Int32) throws {
        try withDatagramPair(family: family) { socket, receiver in
            let data = Pattern.bytes(count: 1004)
            WSASetLastError(99)
            #expect(wsaSend(socket, data, sizes: [3, 0, 100, 1, 900]) == SendOutcome(rc: 0, error: 0, sent: 1004))
            #expect(receiveDatagram(receiver) == data)
        }
    }

    @Test("each call is one datagram, in call order")
    func oneDatagramPerCall() throws {
        try withDatagramPair { socket, receiver in
            let messages = (1...5).map { Pattern.bytes(from: $0 * 1000, count: $0 * 10) }
            for message in messages {
                #expect(
                    wsaSend(socket, message, sizes: [message.count / 2, message.count - message.count / 2]).rc == 0)
            }
            for message in messages { #expect(receiveDatagram(receiver) == message) }
        }
    }

    // The library's rule: "more than IOV_MAX (1024) buffers | works: ... a datagram stays one".
    @Test("more than IOV_MAX buffers still make exactly one datagram", arguments: loopbackFamilies)
    func manyBuffersOneDatagram(_ family: Int32) throws {
        try withDatagramPair(family: family) { socket, receiver in
            let sizes = (0..<2500).map { $0 % 5 == 0 ? 0 : 10 }
            let data = Pattern.bytes(count: sizes.reduce(0, +))
            #expect(wsaSend(socket, data, sizes: sizes) == SendOutcome(rc: 0, error: 0, sent: DWORD(data.count)))
            #expect(wsaSend(socket, [0xEE]).rc == 0)
            #expect(receiveDatagram(receiver) == data, "the whole concatenation in one datagram")
            #expect(receiveDatagram(receiver) == [0xEE], "and nothing else before the next call's datagram")
        }
    }

    // "If the data is too long to pass atomically through the underlying protocol the error WSAEMSGSIZE
    // is returned, and no data is transmitted."
    @Test(
        "a datagram of SO_MAX_MSG_SIZE goes through; one byte more gives WSAEMSGSIZE and nothing is transmitted",
        arguments: loopbackFamilies)
    func maximumSize(_ family: Int32) throws {
        try withDatagramPair(family: family) { socket, receiver in
            let maximum = Int(try #require(getOption(socket, SOL_SOCKET, SO_MAX_MSG_SIZE)))
            let largest = Pattern.bytes(count: maximum)
            #expect(wsaSend(socket, largest, sizes: [1, maximum - 1]).sent == DWORD(maximum))
            #expect(receiveDatagram(receiver) == largest)

            let tooLarge = Pattern.bytes(count: maximum + 1)
            expectFailure(wsaSend(socket, tooLarge).rc, WSAEMSGSIZE)
            let sliced = (0..<2000).map { $0 < 1999 ? 32 : maximum + 1 - 1999 * 32 }
            expectFailure(wsaSend(socket, tooLarge, sizes: sliced).rc, WSAEMSGSIZE, "more than IOV_MAX buffers")
            #expect(wsaSend(socket, [0x5A]).rc == 0)
            #expect(receiveDatagram(receiver) == [0x5A], "the receiver got nothing before the marker")
        }
    }

    @Test("an unconnected datagram socket gives WSAENOTCONN, bound or not")
    func unconnected() {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        expectFailure(wsaSend(socket, [1, 2, 3]).rc, WSAENOTCONN)
        #expect(bindLoopback(socket, family: AF_INET) == 0)
        expectFailure(wsaSend(socket, [1, 2, 3]).rc, WSAENOTCONN)
    }

    // The spec's error table: WSAECONNRESET "For a UDP datagram socket, this error would indicate that a
    // previous send operation resulted in an ICMP "Port Unreachable" message."
    @Test(
        "a connected datagram socket whose earlier datagram drew an ICMP port unreachable gets WSAECONNRESET",
        arguments: loopbackFamilies)
    func portUnreachable(_ family: Int32) throws {
        try requireFamily(family)
        startWinsock()
        let port = Loopback.unusedPort(family: family)
        let socket = makeSocket(family, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        try #require(connectLoopback(socket, family: family, port: port) == 0)
        let first = wsaSend(socket, [1, 2, 3])
        #expect(first.rc == 0, "the first datagram goes out: \(first)")
        var outcomes: [SendOutcome] = []
        for _ in 0..<50 {
            let outcome = wsaSend(socket, [4, 5, 6])
            outcomes.append(outcome)
            if outcome.rc != 0 { break }
            TestClock.sleep(milliseconds: 20)
        }
        let failure = try #require(outcomes.last)
        #expect(failure.rc == SOCKET_ERROR && failure.error == WSAECONNRESET, "\(outcomes)")
    }

    @Test("a non-blocking datagram socket sends whole datagrams")
    func nonBlocking() throws {
        try withDatagramPair { socket, receiver in
            try #require(setNonBlocking(socket, true) == 0)
            let data = Pattern.bytes(count: 9000)
            #expect(wsaSend(socket, data, sizes: [4000, 5000]) == SendOutcome(rc: 0, error: 0, sent: 9000))
            #expect(receiveDatagram(receiver) == data)
        }
    }
}
