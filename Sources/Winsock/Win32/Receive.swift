import Glibc

/// Receives data from a connected socket: the peer side of tests and of the tool's sink.
///
/// - Parameter flags: MSG_PEEK, MSG_OOB and MSG_WAITALL (Winsock's values); other bits, and MSG_OOB on a
///   datagram socket, give WSAEOPNOTSUPP.
/// - Returns: The bytes received, 0 when the peer has closed gracefully, or SOCKET_ERROR. A blocking
///   socket's SO_RCVTIMEO expiry gives WSAETIMEDOUT; a non-blocking socket with nothing to read,
///   WSAEWOULDBLOCK; a socket shut down for receiving, WSAESHUTDOWN; a connection the peer reset,
///   WSAECONNRESET, also after an earlier call (a send) was told of the reset.
///
/// The corresponding Win32 function is `recv`.
public func recv(_ s: SOCKET, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32, _ flags: Int32) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    return receive(record, buf, len, flags, from: nil, fromLength: nil)
}

/// Receives data and, on a datagram socket, the address it came from.
///
/// The flags, results and codes are `recv`'s. On a datagram socket a non-nil `from` needs a `fromlen`
/// that holds at least the family's address size (16 bytes for IPv4, 28 for IPv6), or the call gives
/// WSAEFAULT before anything is received; `*fromlen` then receives the address's length. On a stream
/// socket `from` and `fromlen` are ignored and left untouched, as Windows' recvfrom documents (Linux
/// would write the peer's address).
///
/// The corresponding Win32 function is `recvfrom`.
public func recvfrom(
    _ s: SOCKET, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32, _ flags: Int32,
    _ from: UnsafeMutablePointer<sockaddr>?, _ fromlen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard let from, !record.isStream else { return receive(record, buf, len, flags, from: nil, fromLength: nil) }
    guard let fromlen, fromlen.pointee >= record.addressLength else { return socketError(WSAEFAULT) }
    var length = socklen_t(fromlen.pointee)
    let received = receive(record, buf, len, flags, from: from, fromLength: &length)
    if received != SOCKET_ERROR { fromlen.pointee = Int32(length) }
    return received
}

/// recv and recvfrom after the handle check: the argument and flag checks, the wait, the codes.
private func receive(
    _ record: SocketRecord, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32, _ flags: Int32,
    from: UnsafeMutablePointer<sockaddr>?, fromLength: UnsafeMutablePointer<socklen_t>?
) -> Int32 {
    guard len >= 0, buf != nil || len == 0 else { return socketError(WSAEFAULT) }
    guard flags & ~(MSG_PEEK | MSG_OOB | MSG_WAITALL) == 0 else { return socketError(WSAEOPNOTSUPP) }
    // "MSG_OOB was specified, but the socket is not stream-style": Linux's UDP would ignore the flag
    // and wait for a datagram.
    if flags & MSG_OOB != 0 && !record.isStream { return socketError(WSAEOPNOTSUPP) }
    // "The socket has been shut down" for receiving (SD_RECEIVE or SD_BOTH): Linux would report an end
    // of stream, or wait for a datagram that is then dropped.
    if record.receiveShutDown.load(ordering: .acquiring) { return socketError(WSAESHUTDOWN) }
    var linuxFlags: Int32 = 0
    if flags & MSG_PEEK != 0 { linuxFlags |= Int32(Glibc.MSG_PEEK) }
    if flags & MSG_OOB != 0 { linuxFlags |= Int32(Glibc.MSG_OOB) }
    if flags & MSG_WAITALL != 0 { linuxFlags |= Int32(Glibc.MSG_WAITALL) }
    let blocking = !record.nonBlocking.load(ordering: .relaxed)
    if blocking && ThreadContext.current.routinesInsideBlockingCall > 0 { return socketError(WSAEINPROGRESS) }
    record.blockedCalls.wrappingAdd(1, ordering: .acquiringAndReleasing)
    defer { record.blockedCalls.wrappingSubtract(1, ordering: .releasing) }
    let result =
        from == nil
        ? system_recv(record.fd, buf, Int(len), linuxFlags)
        : system_recvfrom(record.fd, buf, Int(len), linuxFlags, from, fromLength)
    // closesocket wakes a blocked recv by shutting the socket down, which makes it return 0 as if the
    // peer had closed: report the close as WSAEINTR, as the other blocking calls do.
    if result == 0 && len > 0 && record.closed.load(ordering: .acquiring) { return socketError(WSAEINTR) }
    // Linux reports a reset once, as ECONNRESET to whichever call comes first (often a send); after that
    // a receive reads an orderly end of stream. Windows goes on reporting the reset.
    if result == 0 && len > 0 && record.isStream && record.connectionWasReset { return socketError(WSAECONNRESET) }
    if result >= 0 {
        WSASetLastError(0)
        return Int32(result)
    }
    if record.closed.load(ordering: .acquiring) { return socketError(WSAEINTR) }
    return socketError(ErrnoMapping.code(forErrno: Int32(-result), in: record.situation(.other)))
}

/// Waits until sockets are ready, as poll does, with Winsock's POLL* values.
///
/// - Returns: The number of sockets with events, 0 on timeout, or SOCKET_ERROR (WSAEINVAL for no
///   sockets, WSAEFAULT for a nil array). A handle that is not an open socket gets POLLNVAL and is not
///   counted; when no entry is an open socket the call fails at once with WSAENOTSOCK.
///
/// The flags are Windows': urgent data on an SO_OOBINLINE socket is POLLRDNORM (it is read in the normal
/// stream), a socket shut down for receiving reports nothing to read, the peer's graceful close is
/// POLLHUP once nothing is left to read (also for an entry polled with no events), and a reset
/// connection is POLLERR | POLLHUP (and POLLWRNORM when asked), also after a send was told of the reset.
///
/// `closesocket` on another thread ends the wait, as it ends other blocking calls on the socket, and
/// that entry reports POLLNVAL: by then the handle is not a socket, and Linux's own answer for the shut
/// down descriptor (POLLHUP, with POLLIN or POLLOUT) would read as the peer hanging up. A signal that
/// interrupts the wait does not end it: it goes on for what is left of the timeout.
///
/// The per-call tables (the sockets and Linux's pollfd array) live on the stack: a steady poll loop
/// allocates nothing for up to 128 entries (Swift's stack allocation limit of 1 KiB per table), and
/// beyond that only when the thread's stack has no room for them.
///
/// The corresponding Win32 function is `WSAPoll`.
public func WSAPoll(_ fdArray: UnsafeMutablePointer<WSAPOLLFD>?, _ fds: ULONG, _ timeout: Int32) -> Int32 {
    guard Library.isStarted.load(ordering: .acquiring) else { return socketError(WSANOTINITIALISED) }
    guard fds > 0 else { return socketError(WSAEINVAL) }
    guard let fdArray else { return socketError(WSAEFAULT) }
    let count = Int(fds)
    return withUnsafeTemporaryAllocation(of: SocketRecord?.self, capacity: count) { records in
        withUnsafeTemporaryAllocation(of: pollfd.self, capacity: count) { linux in
            var sockets = 0
            for index in 0..<count {
                // The records stay referenced until poll returns, so no descriptor closes under it.
                let record = Library.sockets.lookup(fdArray[index].fd)
                if record != nil { sockets += 1 }
                (records.baseAddress! + index).initialize(to: record)
                let fd = record?.fd ?? -1
                let events = record.map { linuxPollRequest($0, fdArray[index].events) } ?? 0
                (linux.baseAddress! + index).initialize(to: pollfd(fd: fd, events: events, revents: 0))
            }
            defer { records.baseAddress!.deinitialize(count: count) }
            if sockets == 0 {
                // Not one socket to wait on: Windows fails the call at once.
                for index in 0..<count { fdArray[index].revents = POLLNVAL }
                return socketError(WSAENOTSOCK)
            }
            // A poll that may wait counts as a blocked call on each socket, so that closesocket wakes it
            // (by shutting the socket down). A socket closed before that is not waited on at all.
            let waits = timeout != 0
            var closedBefore = false
            if waits {
                for index in 0..<count {
                    guard let record = records[index] else { continue }
                    record.blockedCalls.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    if record.closed.load(ordering: .sequentiallyConsistent) { closedBefore = true }
                }
            }
            defer {
                if waits {
                    for index in 0..<count { records[index]?.blockedCalls.wrappingSubtract(1, ordering: .releasing) }
                }
            }
            let result = closedBefore ? 0 : system_pollWaitingOutSignals(linux.baseAddress!, count, timeout)
            if result < 0 {
                return socketError(ErrnoMapping.code(forErrno: -result, in: ErrnoSituation(call: .other)))
            }
            var ready: Int32 = 0
            for index in 0..<count {
                // A handle that was never a socket gets POLLNVAL but is not counted, as on Windows.
                guard let record = records[index] else {
                    fdArray[index].revents = POLLNVAL
                    continue
                }
                // A socket closed during the call is no longer a socket: POLLNVAL (counted), rather than
                // the hang-up its shutdown made Linux report.
                let revents =
                    record.closed.load(ordering: .acquiring)
                    ? POLLNVAL
                    : windowsPollEvents(record, requested: fdArray[index].events, linux: linux[index].revents)
                fdArray[index].revents = revents
                if revents != 0 { ready += 1 }
            }
            WSASetLastError(0)
            return ready
        }
    }
}

func linuxPollEvents(_ events: Int16) -> Int16 {
    var linux: Int32 = 0
    if events & POLLRDNORM != 0 { linux |= POLLIN_LINUX }
    if events & (POLLRDBAND | POLLPRI) != 0 { linux |= POLLPRI_LINUX }
    if events & (POLLWRNORM | POLLWRBAND) != 0 { linux |= POLLOUT_LINUX }
    return Int16(linux)
}

func winsockPollEvents(_ revents: Int16) -> Int16 {
    let linux = Int32(revents)
    var events: Int16 = 0
    if linux & POLLIN_LINUX != 0 { events |= POLLRDNORM }
    if linux & POLLPRI_LINUX != 0 { events |= POLLRDBAND }
    if linux & POLLOUT_LINUX != 0 { events |= POLLWRNORM }
    if linux & POLLERR_LINUX != 0 { events |= POLLERR }
    if linux & POLLHUP_LINUX != 0 { events |= POLLHUP }
    if linux & POLLNVAL_LINUX != 0 { events |= POLLNVAL }
    return events
}
