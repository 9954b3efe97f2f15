import Winsock

/// Reading one sink socket: a TCP connection until it closes, or the UDP socket's datagrams until the sink
/// stops.
///
/// The socket is non-blocking: `receiveAvailable` reads until WSAEWOULDBLOCK, and the caller waits for more
/// (one socket in `receive`, every connection at once in `SinkConnections`). TCP sockets have SO_OOBINLINE,
/// so urgent bytes stay in their place in the stream (and in `--output`); before each recv,
/// ioctlsocket(SIOCATMARK) tells whether an urgent byte is waiting, and each new urgent mark is counted once.
struct SinkReceiver {
    let handle: SOCKET
    let transport: Transport
    let control: RunControl
    let ledger: SinkLedger
    let output: OutputFile?
    /// Where a wait that finds nothing ends the sink (`--idle`).
    let idle: SinkIdle
    /// An urgent byte was waiting at the last look (its mark is counted once, when it appears).
    private var urgentWaiting = false
    /// Large enough for any datagram and for a good share of a loopback TCP window.
    static let bufferSize = 256 * 1024

    init(handle: SOCKET, transport: Transport, server: SinkServer, output: OutputFile?) {
        self.handle = handle
        self.transport = transport
        self.control = server.control
        self.ledger = server.ledger
        self.output = output
        self.idle = server.idle
    }

    /// How a socket stands after `receiveAvailable`.
    enum Step {
        /// Nothing more to read now (or its share taken): wait for the socket again.
        case waiting
        /// The connection closed, failed (the code is in its report) or the sink is stopping.
        case ended
        /// Writing `--output` failed: the sink stops.
        case unwritable(SystemFileError)
    }

    /// Makes the socket non-blocking (and, for TCP, SO_OOBINLINE); false, with the code in the report,
    /// when it cannot be.
    func prepare(_ connection: inout SinkConnectionReport) -> Bool {
        if let code = SocketOptions.setNonBlocking(handle, true) {
            connection.error = code
            return false
        }
        if transport == .tcp { _ = SocketOptions.set(handle, level: SOL_SOCKET, name: SO_OOBINLINE, value: 1) }
        return true
    }

    /// Reads until the socket has nothing more, or `limit` recv calls took data (so that one busy connection
    /// leaves the others their turn), into `buffer`.
    mutating func receiveAvailable(
        into connection: inout SinkConnectionReport, buffer: UnsafeMutableRawBufferPointer, limit: Int = .max
    ) -> Step {
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        var calls = 0
        while !control.isStopping {
            if calls == limit { return .waiting }
            if transport == .tcp {
                var noUrgentData: ULONG = 1
                if ioctlsocket(handle, SIOCATMARK, &noUrgentData) == 0 {
                    if noUrgentData == 0 && !urgentWaiting { connection.urgentBytes += 1 }
                    urgentWaiting = noUrgentData == 0
                }
            }
            let count = recv(handle, base, Int32(buffer.count), 0)
            // TCP: 0 is the peer's close. UDP: 0 is an empty datagram, which arrives like any other (a recv
            // call, a datagram, activity for --idle) and carries no byte.
            if count == 0 && transport == .tcp { return .ended }
            if count >= 0 {
                calls += 1
                let now = MonotonicClock.now()
                if connection.firstByte == nil { connection.firstByte = now }
                connection.lastByte = now
                connection.bytes += UInt64(count)
                connection.receiveCalls += 1
                if transport == .udp { connection.datagrams += 1 }
                ledger.received(Int(count), at: now)
                if count > 0, let output,
                    case .failure(let error) = output.write(UnsafeRawBufferPointer(rebasing: buffer[..<Int(count)]))
                {
                    return .unwritable(error)
                }
                continue
            }
            let code = WSAGetLastError()
            if code == WSAEWOULDBLOCK { return .waiting }
            if !control.isStopping { connection.error = code }
            return .ended
        }
        return .ended
    }

    /// The whole life of one socket on this thread: reads, and waits for it alone in between. The error
    /// of writing `--output`, if that failed.
    mutating func receive(into connection: inout SinkConnectionReport) -> SystemFileError? {
        guard prepare(&connection) else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        let events = transport == .tcp ? POLLRDNORM | POLLRDBAND : POLLRDNORM
        while true {
            switch receiveAvailable(into: &connection, buffer: buffer) {
            case .ended: return nil
            case .unwritable(let error): return error
            case .waiting:
                if !idle.wait(handle, for: events) { return nil }
            }
        }
    }
}
