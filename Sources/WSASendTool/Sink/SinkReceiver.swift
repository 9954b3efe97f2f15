import Winsock

/// The receive loop of one sink socket: a TCP connection until it closes, or the UDP socket's datagrams
/// until the sink stops.
///
/// The socket is non-blocking: recv until WSAEWOULDBLOCK, then WSAPoll for more (in slices, so that a stop
/// is noticed). TCP sockets have SO_OOBINLINE, so urgent bytes stay in their place in the stream (and in
/// `--output`); before each recv, ioctlsocket(SIOCATMARK) tells whether an urgent byte is waiting, and
/// each new urgent mark is counted once.
struct SinkReceiver {
    let handle: SOCKET
    let transport: Transport
    let control: RunControl
    let ledger: SinkLedger
    let output: OutputFile?
    /// Large enough for any datagram and for a good share of a loopback TCP window.
    static let bufferSize = 256 * 1024

    func receive(into connection: inout SinkConnectionReport) -> SystemFileError? {
        if let code = SocketOptions.setNonBlocking(handle, true) {
            connection.error = code
            return nil
        }
        if transport == .tcp { _ = SocketOptions.set(handle, level: SOL_SOCKET, name: SO_OOBINLINE, value: 1) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        var urgentWaiting = false
        while !control.isStopping {
            if transport == .tcp {
                var noUrgentData: ULONG = 1
                if ioctlsocket(handle, SIOCATMARK, &noUrgentData) == 0 {
                    if noUrgentData == 0 && !urgentWaiting { connection.urgentBytes += 1 }
                    urgentWaiting = noUrgentData == 0
                }
            }
            let count = recv(handle, base, Int32(Self.bufferSize), 0)
            // TCP: 0 is the peer's close. UDP: 0 is an empty datagram, which arrives like any other (a recv
            // call, a datagram, activity for --idle) and carries no byte.
            if count == 0 && transport == .tcp { return nil }
            if count >= 0 {
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
                    return error
                }
                continue
            }
            let code = WSAGetLastError()
            if code == WSAEWOULDBLOCK {
                let events = transport == .tcp ? POLLRDNORM | POLLRDBAND : POLLRDNORM
                if SocketOptions.wait(handle, for: events, until: nil, control: control) == .stopped { return nil }
                continue
            }
            if !control.isStopping { connection.error = code }
            return nil
        }
        return nil
    }
}
