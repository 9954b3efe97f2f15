import Testing
import Winsock

@Suite("Overlapped order: routines, threads and datagrams")
struct OverlappedOrderRoutineTests {
    /// "However, the posted buffers are guaranteed to be sent in the same order they are specified."
    @Test(
        "256 outstanding routine-mode sends of 64 KiB and odd sizes arrive byte-exact to a slow reader",
        arguments: SendFunction.allCases)
    func routineModeOrder(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let sizes = (0..<256).map { $0 % 3 == 1 ? 65536 : 1 + ($0 * 104_729) % 7000 }
        let total = sizes.reduce(0, +)
        let reader = Worker { try readAll(pair.server, count: total, chunk: 8192, pauseMicroseconds: 40) }
        let handle = pair.client.handle
        let outcome = try Worker { () -> (Int, Int, [DWORD]) in
            let payloads = sizes.enumerated().map { Payload(count: $0.element, call: $0.offset) }
            let slots = SendSlots(sizes.count)
            let log = RoutineLog()
            var pending = 0
            for call in 0..<sizes.count {
                slots[call].pointee.hEvent = log.context
                var buffer = payloads[call].wsabuf
                if function.call(handle, &buffer, 1, nil, 0, slots[call], loggingRoutine) == SOCKET_ERROR {
                    if WSAGetLastError() == WSA_IO_PENDING { pending += 1 }
                }
            }
            while log.calls.count < sizes.count {
                if SleepEx(10_000, TRUE) != WAIT_IO_COMPLETION { break }
            }
            // Each routine reports its own operation's byte count.
            let bytesByCall = (0..<sizes.count).map { call in
                log.calls.first { $0.overlapped == UInt(bitPattern: slots[call]) }?.bytes ?? 0
            }
            return (log.calls.count, pending, bytesByCall)
        }.join()
        #expect(outcome.0 == sizes.count)
        #expect(outcome.1 > 0)
        #expect(outcome.2 == sizes.map { DWORD($0) })
        let received = try reader.join()
        #expect(received.count == total)
        #expect(matchesPattern(received, sizes: sizes))
    }

    /// "WSASend should not be called on the same stream-oriented socket concurrently from different
    /// threads, because some Winsock providers may split a large send request into multiple
    /// transmissions" — here they may: calls from several threads never interleave their bytes.
    @Test(
        "overlapped and blocking sends from four threads on one socket never interleave",
        arguments: SendFunction.allCases)
    func threadsNeverInterleave(_ function: SendFunction) throws {
        let pair = try OverlappedPair()
        let handle = pair.client.handle
        let perThread = 60
        let size = 50_000
        let total = 4 * perThread * size
        let reader = Worker { try readAll(pair.server, count: total, chunk: 16384, pauseMicroseconds: 20) }
        let threads = (0..<4).map { thread in
            Worker { () -> Int in
                // Every byte of a call is the call's tag: thread and sequence.
                let slots = SendSlots(perThread)
                var payloads: [Payload] = []
                var failures = 0
                for sequence in 0..<perThread {
                    let payload = Payload(count: size)
                    let tag = CChar(bitPattern: UInt8(thread * perThread + sequence))
                    payload.bytes.update(repeating: tag, count: size)
                    payloads.append(payload)
                    var buffer = payload.wsabuf
                    if thread % 2 == 0 {
                        slots[sequence].pointee.hEvent = WSACreateEvent()
                        let rc = function.call(handle, &buffer, 1, nil, 0, slots[sequence], nil)
                        if rc == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING { failures += 1 }
                    } else {
                        var sent: DWORD = 0
                        if function.call(handle, &buffer, 1, &sent, 0, nil, nil) != 0 || sent != DWORD(size) {
                            failures += 1
                        }
                    }
                }
                if thread % 2 == 0 {
                    for sequence in 0..<perThread {
                        var event = slots[sequence].pointee.hEvent
                        if WSAWaitForMultipleEvents(1, &event, TRUE, 20_000, FALSE) != WSA_WAIT_EVENT_0 {
                            failures += 1
                        }
                        if status(of: slots[sequence]) != (0, size) { failures += 1 }
                        _ = WSACloseEvent(event)
                    }
                }
                return failures
            }
        }
        for worker in threads { #expect(try worker.join() == 0) }
        let received = try reader.join()
        #expect(received.count == total)
        var runs = 0
        var sequenceByThread = [Int](repeating: -1, count: 4)
        var offset = 0
        var inOrder = true
        while offset < received.count {
            let tag = received[offset]
            let run = received[offset..<min(offset + size, received.count)]
            #expect(run.allSatisfy { $0 == tag }, "call \(tag) is interleaved with another at byte \(offset)")
            let thread = Int(tag) / perThread
            if Int(tag) % perThread <= sequenceByThread[thread] { inOrder = false }
            sequenceByThread[thread] = Int(tag) % perThread
            offset += size
            runs += 1
        }
        #expect(runs == 4 * perThread)
        #expect(inOrder, "each thread's calls arrive in its call order")
    }

    /// A loopback receiver with room for every datagram and a 5 s receive timeout, and a sender,
    /// connected to it when `function` sends on a connected socket.
    static func datagramPair(_ function: SendFunction) throws -> (receiver: Socket, sender: Socket, port: UInt16) {
        let receiver = try Socket(family: AF_INET, type: SOCK_DGRAM)
        try receiver.bind(to: SocketAddress(numericHost: "127.0.0.1", port: 0)!)
        try receiver.setOption(level: SOL_SOCKET, name: SO_RCVBUF, value: 1 << 20)
        try receiver.setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: 5000)
        let sender = try Socket(family: AF_INET, type: SOCK_DGRAM)
        let port = try #require(receiver.localAddress).port
        if function.connectsDatagramSender { try sender.connect(to: receiver.localAddress!) }
        return (receiver, sender, port)
    }

    /// "For message-oriented sockets ... WSASend" keeps one datagram per call, overlapped or not.
    @Test(
        "overlapped datagrams stay one datagram per call, in order, including more than IOV_MAX buffers",
        arguments: SendFunction.allCases)
    func datagramsStayWhole(_ function: SendFunction) throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, port) = try Self.datagramPair(function)
        let sizes = [1, 100, 1472, 9000, 30_000, 0, 65507, 2000]
        let payloads = sizes.enumerated().map { Payload(count: $0.element, call: $0.offset) }
        let slots = SendSlots(sizes.count + 1)
        var events: [WSAEVENT] = []
        for call in 0..<sizes.count {
            slots[call].pointee.hEvent = WSACreateEvent()
            events.append(slots[call].pointee.hEvent)
            var buffer = payloads[call].wsabuf
            let rc = function.call(sender.handle, &buffer, 1, nil, 0, slots[call], nil, to: port)
            #expect(rc == 0 || WSAGetLastError() == WSA_IO_PENDING)
        }
        // 2000 buffers of 3 bytes: one datagram of 6000 bytes.
        let small = Payload(count: 6000, call: 42)
        var many = (0..<2000).map { WSABUF(len: 3, buf: small.bytes + $0 * 3) }
        slots[sizes.count].pointee.hEvent = WSACreateEvent()
        events.append(slots[sizes.count].pointee.hEvent)
        let rc = function.call(sender.handle, &many, 2000, nil, 0, slots[sizes.count], nil, to: port)
        #expect(rc == 0 || WSAGetLastError() == WSA_IO_PENDING)
        #expect(WSAWaitForMultipleEvents(DWORD(events.count), &events, TRUE, 10_000, FALSE) == WSA_WAIT_EVENT_0)
        var buffer = [UInt8](repeating: 0, count: 70_000)
        for (call, size) in (sizes + [6000]).enumerated() {
            let n = try buffer.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == size, "datagram \(call)")
            let tagCall = call == sizes.count ? 42 : call
            #expect(
                buffer[0..<n].enumerated().allSatisfy { $0.element == patternByte(call: tagCall, index: $0.offset) })
        }
        events.forEach { _ = WSACloseEvent($0) }
    }

    /// "If the overlapped operation completes immediately, WSASend returns a value of zero": a datagram
    /// is one sendmsg whether it goes out at once or from the queue, so earlier completions the
    /// application has not collected yet do not hold it back (on a stream they do, to gather a burst).
    @Test(
        "overlapped datagrams complete at once while earlier completions are uncollected, and arrive in order",
        arguments: SendFunction.allCases)
    func datagramsCompleteAtOnceWithUncollectedCompletions(_ function: SendFunction) throws {
        let session = try WinsockSession()
        _ = session
        let (receiver, sender, port) = try Self.datagramPair(function)
        let calls = 8
        let payloads = (0..<calls).map { Payload(count: 100 + $0, call: $0) }
        let slots = SendSlots(calls)
        var events: [WSAEVENT] = []
        for call in 0..<calls {
            slots[call].pointee.hEvent = WSACreateEvent()
            events.append(slots[call].pointee.hEvent)
            var buffer = payloads[call].wsabuf
            var sent: DWORD = 0
            let rc = function.call(sender.handle, &buffer, 1, &sent, 0, slots[call], nil, to: port)
            #expect(rc == 0, "call \(call) completed immediately (WSAGetLastError \(WSAGetLastError()))")
            #expect(sent == DWORD(100 + call), "call \(call) reports its bytes")
            #expect(WSAWaitForMultipleEvents(1, &events[call], TRUE, 0, FALSE) == WSA_WAIT_EVENT_0)
        }
        var buffer = [UInt8](repeating: 0, count: 1000)
        for call in 0..<calls {
            let n = try buffer.withUnsafeMutableBytes { try receiver.receive(into: $0) }
            #expect(n == 100 + call, "datagram \(call)")
            #expect(buffer[0..<n].enumerated().allSatisfy { $0.element == patternByte(call: call, index: $0.offset) })
        }
        // The completions are collected only now, after every call.
        for call in 0..<calls {
            var bytes: DWORD = 0
            var flags: DWORD = 0
            #expect(WSAGetOverlappedResult(sender.handle, slots[call], &bytes, FALSE, &flags) == TRUE)
            #expect(bytes == DWORD(100 + call))
        }
        events.forEach { _ = WSACloseEvent($0) }
    }

    /// WSAECONNRESET: "For a UDP datagram socket, this error would indicate that a previous send operation
    /// resulted in an ICMP "Port Unreachable" message." A datagram that fails at once was "not successfully
    /// initiated and no completion indication will occur": the event stays reset.
    @Test("an overlapped datagram after an ICMP port unreachable fails at once with WSAECONNRESET, event unset")
    func overlappedDatagramPortUnreachable() throws {
        startWinsock()
        let port = Loopback.unusedPort(family: AF_INET)
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        try #require(connectLoopback(socket, family: AF_INET, port: port) == 0)
        let payload = Payload(count: 3, call: 0)
        let slots = SendSlots(1)
        var event = WSACreateEvent()
        defer { _ = WSACloseEvent(event) }
        slots[0].pointee.hEvent = event
        var outcomes: [(rc: Int32, error: Int32)] = []
        for _ in 0..<50 {
            var buffer = payload.wsabuf
            let rc = WSASend(socket, &buffer, 1, nil, 0, slots[0], nil)
            outcomes.append((rc, rc == 0 ? 0 : WSAGetLastError()))
            if rc != 0 { break }
            #expect(WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE) == WSA_WAIT_EVENT_0, "a sent datagram sets it")
            TestClock.sleep(milliseconds: 20)
        }
        let failure = try #require(outcomes.last)
        #expect(outcomes.first?.rc == 0, "the first datagram goes out: \(outcomes)")
        #expect(failure.rc == SOCKET_ERROR && failure.error == WSAECONNRESET, "\(outcomes)")
        #expect(WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE) == WSA_WAIT_TIMEOUT, "no completion follows")
        #expect(slots[0].pointee.Internal == UInt(UInt32(bitPattern: WSAECONNRESET)))
    }
}

/// True when `received` is the concatenation of each call's pattern, in call order.
func matchesPattern(_ received: [UInt8], sizes: [Int]) -> Bool {
    var offset = 0
    for (call, size) in sizes.enumerated() {
        for index in 0..<size where received[offset + index] != patternByte(call: call, index: index) { return false }
        offset += size
    }
    return offset == received.count
}
