import Testing
import Winsock

/// WSASendTo: WSASend's contract plus a destination ("WSASendTo function (winsock2.h)"), and send and
/// sendto as its one-buffer forms.
@Suite("WSASendTo, send and sendto")
struct WSASendToTests {
    /// Follows Wine's test_WSASendTo: the handle is checked first, lpNumberOfBytesSent is required
    /// without lpOverlapped, and the first datagram binds the socket.
    @Test("WSASendTo checks the handle, then lpNumberOfBytesSent, and its first datagram binds the socket")
    func wineWSASendTo() throws {
        startWinsock()
        let receiver = RawSocket(family: AF_INET, datagram: true)
        let port = receiver.bindLoopback()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        let payload = Payload(count: 12)
        var buffer = payload.wsabuf
        var sent: DWORD = 0
        Loopback.withAddress(family: AF_INET, port: port) { address, length in
            WSASetLastError(12345)
            expectFailure(WSASendTo(0xDEAD_BEE0, &buffer, 1, &sent, 0, address, Int32(length), nil, nil), WSAENOTSOCK)
            #expect(Win32Probe.name(socket, peer: false).error == WSAEINVAL, "not bound yet")
            expectFailure(WSASendTo(socket, &buffer, 1, nil, 0, address, Int32(length), nil, nil), WSAEFAULT)
            expectSuccess(WSASendTo(socket, &buffer, 1, &sent, 0, address, Int32(length), nil, nil))
        }
        #expect(sent == 12)
        let name = Win32Probe.name(socket, peer: false)
        #expect(name.rc == 0 && name.port != 0, "the datagram bound the socket: \(name)")
        #expect(receiver.receive(waitingAtMost: 5000) == payload.asBytes)
    }

    /// A destination WSASendTo refuses, and the code Windows gives for it.
    enum BadDestination: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case shortLength, otherFamily, wildcardAddress, portZero, noneWithoutPeer
        var testDescription: String { rawValue }
        var code: Int32 {
            switch self {
            case .shortLength: WSAEFAULT
            case .otherFamily: WSAEAFNOSUPPORT
            case .wildcardAddress, .portZero: WSAEADDRNOTAVAIL
            case .noneWithoutPeer: WSAEDESTADDRREQ
            }
        }
    }

    @Test(
        "WSASendTo refuses a bad destination with Windows' code, before sending anything",
        arguments: BadDestination.allCases)
    func badDestination(_ bad: BadDestination) throws {
        startWinsock()
        let receiver = RawSocket(family: AF_INET, datagram: true)
        let port = receiver.bindLoopback()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        let payload = Payload(count: 8)
        var buffer = payload.wsabuf
        var sent: DWORD = 0xDEAD
        let rc: Int32
        switch bad {
        case .shortLength:
            rc = Loopback.withAddress(family: AF_INET, port: port) {
                WSASendTo(socket, &buffer, 1, &sent, 0, $0, Int32($1) - 1, nil, nil)
            }
        case .otherFamily:
            rc = Loopback.withAddress(family: AF_INET6, port: port) {
                WSASendTo(socket, &buffer, 1, &sent, 0, $0, Int32($1), nil, nil)
            }
        case .wildcardAddress:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    WSASendTo(socket, &buffer, 1, &sent, 0, $0, 16, nil, nil)
                }
            }
        case .portZero:
            rc = Loopback.withAddress(family: AF_INET, port: 0) {
                WSASendTo(socket, &buffer, 1, &sent, 0, $0, Int32($1), nil, nil)
            }
        case .noneWithoutPeer:
            rc = WSASendTo(socket, &buffer, 1, &sent, 0, nil, 0, nil, nil)
        }
        expectFailure(rc, bad.code)
        #expect(receiver.receive(waitingAtMost: 100) == nil, "a datagram went out")
    }

    @Test("on a connected datagram socket lpTo overrides the peer for that datagram only; nil sends to the peer")
    func destinationOverridesPeer() throws {
        startWinsock()
        let peer = RawSocket(family: AF_INET, datagram: true)
        let other = RawSocket(family: AF_INET, datagram: true)
        let peerPort = peer.bindLoopback()
        let otherPort = other.bindLoopback()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        try #require(connectLoopback(socket, family: AF_INET, port: peerPort) == 0)
        let first = Payload(count: 5, call: 1)
        let second = Payload(count: 7, call: 2)
        var buffer = first.wsabuf
        var sent: DWORD = 0
        expectSuccess(
            Loopback.withAddress(family: AF_INET, port: otherPort) {
                WSASendTo(socket, &buffer, 1, &sent, 0, $0, Int32($1), nil, nil)
            })
        buffer = second.wsabuf
        expectSuccess(WSASendTo(socket, &buffer, 1, &sent, 0, nil, 0, nil, nil))
        #expect(other.receive(waitingAtMost: 5000) == first.asBytes)
        #expect(peer.receive(waitingAtMost: 5000) == second.asBytes)
    }

    /// How an overlapped WSASendTo reports its completion.
    enum Completion: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case event, routine
        var testDescription: String { rawValue }
    }

    /// "The order of calls made to WSASend is also the order in which the buffers are transmitted": the
    /// uncollected completions make every call after the first wait in the socket's queue, so the engine
    /// sends them, each to its own destination.
    @Test(
        "overlapped WSASendTo datagrams to two receivers arrive whole, in call order, each at its destination",
        arguments: Completion.allCases)
    func overlappedDatagramsToTwoReceivers(_ completion: Completion) throws {
        startWinsock()
        let receivers = [RawSocket(family: AF_INET, datagram: true), RawSocket(family: AF_INET, datagram: true)]
        let ports = receivers.map { receiver -> UInt16 in
            receiver.setReceiveBuffer(1 << 20)
            return receiver.bindLoopback()
        }
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        let handle = socket
        defer { _ = closesocket(socket) }
        let sizes = [1, 100, 1472, 9000, 30_000, 0, 65507, 2000, 3, 512]
        let outcome = try Worker { () -> [String] in
            var problems: [String] = []
            let payloads = sizes.enumerated().map { Payload(count: $0.element, call: $0.offset) }
            let slots = SendSlots(sizes.count)
            let log = RoutineLog()
            var events: [WSAEVENT] = []
            for call in 0..<sizes.count {
                var buffer = payloads[call].wsabuf
                let rc = Loopback.withAddress(family: AF_INET, port: ports[call % 2]) { address, length in
                    if completion == .event {
                        slots[call].pointee.hEvent = WSACreateEvent()
                        events.append(slots[call].pointee.hEvent)
                        return WSASendTo(handle, &buffer, 1, nil, 0, address, Int32(length), slots[call], nil)
                    }
                    slots[call].pointee.hEvent = log.context
                    return WSASendTo(handle, &buffer, 1, nil, 0, address, Int32(length), slots[call], loggingRoutine)
                }
                if rc != 0 && WSAGetLastError() != WSA_IO_PENDING {
                    problems.append("call \(call): \(WSAGetLastError())")
                }
            }
            if completion == .event {
                let wait = WSAWaitForMultipleEvents(DWORD(events.count), &events, TRUE, 10_000, FALSE)
                if wait != WSA_WAIT_EVENT_0 { problems.append("events not all signalled: \(wait)") }
                events.forEach { _ = WSACloseEvent($0) }
            } else {
                while log.calls.count < sizes.count {
                    if SleepEx(10_000, TRUE) != WAIT_IO_COMPLETION { break }
                }
                let bytes = log.calls.map(\.bytes)
                if Set(bytes) != Set(sizes.map { DWORD($0) }) || log.calls.contains(where: { $0.error != 0 }) {
                    problems.append("routines: \(log.calls)")
                }
            }
            return problems
        }.join()
        #expect(outcome.isEmpty, "\(outcome)")
        for (call, size) in sizes.enumerated() {
            let received = receivers[call % 2].receive(waitingAtMost: 5000)
            #expect(received?.count == size, "datagram \(call) at receiver \(call % 2): \(received?.count ?? -1) bytes")
            #expect(received == Payload(count: size, call: call).asBytes, "datagram \(call) bytes")
        }
    }

    @Test("send returns the bytes sent on a connected socket; sendto reaches an unconnected datagram's destination")
    func oneBufferForms() throws {
        try withStreamPair { socket, peer in
            let bytes: [CChar] = [1, 2, 3, 4]
            #expect(Winsock.send(socket, bytes, 4, 0) == 4)
            #expect(peer.receive(waitingAtMost: 5000) == [1, 2, 3, 4])
            expectFailure(Winsock.send(socket, bytes, -1, 0), WSAEFAULT)
            expectFailure(Winsock.send(0xDEAD_BEE0, bytes, 4, 0), WSAENOTSOCK)
        }
        let receiver = RawSocket(family: AF_INET, datagram: true)
        let port = receiver.bindLoopback()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        let bytes: [CChar] = [9, 8, 7]
        let rc = Loopback.withAddress(family: AF_INET, port: port) {
            Winsock.sendto(socket, bytes, 3, 0, $0, Int32($1))
        }
        #expect(rc == 3, "sendto: \(rc), \(WSAError(WSAGetLastError()).name)")
        #expect(receiver.receive(waitingAtMost: 5000) == [9, 8, 7])
    }
}

extension Payload {
    /// The payload's bytes.
    var asBytes: [UInt8] { (0..<count).map { UInt8(bitPattern: bytes[$0]) } }
}
