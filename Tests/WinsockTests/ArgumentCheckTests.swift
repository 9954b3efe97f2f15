import Testing
import Winsock

/// The kinds of socket the argument checks run on.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case tcp, udp
    var testDescription: String { rawValue }

    /// Runs `body` with a connected library socket and a function that returns the next bytes (or
    /// datagram) its raw peer receives, or nil when none arrives in time.
    func withPair(_ body: (SOCKET, @escaping () -> [UInt8]?) throws -> Void) throws {
        switch self {
        case .tcp:
            try withStreamPair { socket, peer in try body(socket) { peer.receive(waitingAtMost: 5000) } }
        case .udp:
            try withDatagramPair { socket, receiver in try body(socket) { receiveDatagram(receiver) } }
        }
    }
}

/// After a refused call, sends a marker and expects it to be the first thing the peer receives.
func expectNothingSent(
    _ socket: SOCKET, _ nextReceived: () -> [UInt8]?, sourceLocation: SourceLocation = #_sourceLocation
) {
    let marker: [UInt8] = [0xA5, 0x5A]
    #expect(wsaSend(socket, marker).rc == 0, sourceLocation: sourceLocation)
    #expect(nextReceived() == marker, "the refused call transmitted something", sourceLocation: sourceLocation)
}

/// WSASend's argument checks, made before any syscall (issue 2), on TCP and UDP.
@Suite("WSASend's argument checks")
struct ArgumentCheckTests {
    // "This parameter can be NULL only if the lpOverlapped parameter is not NULL."
    @Test(
        "a nil lpNumberOfBytesSent without lpOverlapped gives WSAEFAULT and sends nothing",
        arguments: Transport.allCases)
    func nilBytesSent(_ transport: Transport) throws {
        try transport.withPair { socket, next in
            let array = BufferArray([1, 2, 3, 4])
            let rc = withExtendedLifetime(array) { WSASend(socket, array.buffers, 1, nil, 0, nil, nil) }
            expectFailure(rc, WSAEFAULT)
            expectNothingSent(socket, next)
        }
    }

    // WSAEFAULT: "The lpBuffers, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine parameter is not
    // totally contained in a valid part of the user address space."
    @Test("a nil lpBuffers with dwBufferCount > 0 gives WSAEFAULT", arguments: Transport.allCases)
    func nilBuffers(_ transport: Transport) throws {
        try transport.withPair { socket, next in
            var sent: DWORD = 0
            expectFailure(WSASend(socket, nil, 1, &sent, 0, nil, nil), WSAEFAULT)
            expectFailure(WSASend(socket, nil, 1000, &sent, 0, nil, nil), WSAEFAULT)
            expectNothingSent(socket, next)
        }
    }

    @Test(
        "a WSABUF whose buf is nil and len > 0 gives WSAEFAULT, and none of the buffers is sent",
        arguments: Transport.allCases, [0, 2, 4])
    func nilBufWithLength(_ transport: Transport, _ index: Int) throws {
        try transport.withPair { socket, next in
            let array = BufferArray(Pattern.bytes(count: 50), sizes: [10, 10, 10, 10, 10])
            array.buffers[index].buf = nil
            expectFailure(array.send(on: socket).rc, WSAEFAULT)
            expectNothingSent(socket, next)
        }
    }

    /// The one-buffer call is checked without the array's loop: the same answers.
    @Test(
        "a lone WSABUF whose buf is nil gives WSAEFAULT with len > 0 and sends nothing with len 0",
        arguments: Transport.allCases)
    func loneNilBuf(_ transport: Transport) throws {
        try transport.withPair { socket, next in
            var sent: DWORD = 77
            var holed = WSABUF(len: 10, buf: nil)
            expectFailure(WSASend(socket, &holed, 1, &sent, 0, nil, nil), WSAEFAULT)
            expectNothingSent(socket, next)
            var empty = WSABUF(len: 0, buf: nil)
            expectSuccess(WSASend(socket, &empty, 1, &sent, 0, nil, nil))
            #expect(sent == 0)
        }
    }

    @Test("a WSABUF whose buf is nil and len 0 is an empty buffer", arguments: Transport.allCases)
    func nilBufEmpty(_ transport: Transport) throws {
        try transport.withPair { socket, next in
            let data = Pattern.bytes(count: 20)
            let array = BufferArray(data, sizes: [10, 0, 10])
            array.buffers[1].buf = nil
            #expect(array.send(on: socket) == SendOutcome(rc: 0, error: 0, sent: 20))
            #expect(next() == data)
        }
    }

    // The library's rule: "dwBufferCount 0 | returns 0, 0 bytes".
    @Test("dwBufferCount 0 returns 0 with 0 bytes sent and the last error 0", arguments: Transport.allCases)
    func zeroBuffers(_ transport: Transport) throws {
        try transport.withPair { socket, _ in
            var sent: DWORD = 77
            WSASetLastError(31)
            expectSuccess(WSASend(socket, nil, 0, &sent, 0, nil, nil))
            #expect(sent == 0)
            let array = BufferArray([9])
            sent = 77
            expectSuccess(withExtendedLifetime(array) { WSASend(socket, array.buffers, 0, &sent, 0, nil, nil) })
            #expect(sent == 0)
        }
    }

    @Test("a stream send of nothing but empty buffers returns 0 bytes and transmits nothing")
    func emptyBuffersOnly() throws {
        try Transport.tcp.withPair { socket, next in
            #expect(wsaSend(socket, [], sizes: [0, 0, 0]) == SendOutcome(rc: 0, error: 0, sent: 0))
            expectNothingSent(socket, next)
        }
    }

    // The library's rule: "success | last error set to 0".
    @Test("a successful WSASend sets the last error to 0", arguments: Transport.allCases)
    func successClearsLastError(_ transport: Transport) throws {
        try transport.withPair { socket, next in
            WSASetLastError(WSAECONNRESET)
            #expect(wsaSend(socket, [1, 2, 3]) == SendOutcome(rc: 0, error: 0, sent: 3))
            #expect(next() == [1, 2, 3])
        }
    }
}
