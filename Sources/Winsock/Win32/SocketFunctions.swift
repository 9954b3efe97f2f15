import Glibc

/// Creates a socket. Sockets from `socket` have the overlapped attribute, as on Windows.
///
/// - Parameters: `af`, `type` and `protocol` are Linux's numbers (`AF_INET`, `SOCK_STREAM`, ...).
/// - Returns: The new handle, or INVALID_SOCKET with the error in WSAGetLastError.
///
/// The corresponding Win32 function is `socket`.
public func socket(_ af: Int32, _ type: Int32, _ protocol: Int32) -> SOCKET {
    makeSocket(af, type, `protocol`, overlapped: true)
}

/// Creates a socket; `dwFlags` with WSA_FLAG_OVERLAPPED (0x01) gives it the overlapped attribute, without
/// it overlapped WSASend calls give WSAEINVAL. Protocol info and groups are not supported: a non-nil
/// `lpProtocolInfo` or a non-zero `g` gives WSAEINVAL.
///
/// The corresponding Win32 function is `WSASocketW`.
public func WSASocket(
    _ af: Int32, _ type: Int32, _ protocol: Int32, _ lpProtocolInfo: UnsafeMutableRawPointer?, _ g: UInt32,
    _ dwFlags: DWORD
) -> SOCKET {
    guard Library.isStarted.load(ordering: .acquiring) else { return invalidSocket(WSANOTINITIALISED) }
    guard lpProtocolInfo == nil, g == 0, dwFlags & ~WSA_FLAG_OVERLAPPED == 0 else { return invalidSocket(WSAEINVAL) }
    return makeSocket(af, type, `protocol`, overlapped: dwFlags & WSA_FLAG_OVERLAPPED != 0)
}

private func invalidSocket(_ code: Int32) -> SOCKET {
    WSASetLastError(code)
    return INVALID_SOCKET
}

private func makeSocket(_ af: Int32, _ type: Int32, _ proto: Int32, overlapped: Bool) -> SOCKET {
    guard Library.isStarted.load(ordering: .acquiring) else { return invalidSocket(WSANOTINITIALISED) }
    // Only the base type: Linux's SOCK_NONBLOCK / SOCK_CLOEXEC bits are not Winsock's to pass.
    guard type == SOCK_STREAM || type == SOCK_DGRAM else { return invalidSocket(WSAESOCKTNOSUPPORT) }
    let fd = system_socket(af, type, proto)
    guard fd >= 0 else {
        return invalidSocket(ErrnoMapping.code(forErrno: -fd, in: ErrnoSituation(call: .other)))
    }
    guard let record = register(fd: fd, family: af, type: type, proto: proto, overlapped: overlapped) else {
        return invalidSocket(WSAEMFILE)
    }
    ThreadContext.withCurrent { $0.handleCaches.remember(record) }
    return record.handle
}

/// Enters a descriptor in the table; `configure` runs before other threads can see the record. Nil (and
/// the descriptor closed) when the table is full.
func register(
    fd: Int32, family: Int32, type: Int32, proto: Int32, overlapped: Bool,
    configure: (SocketRecord) -> Void = { _ in }
) -> SocketRecord? {
    let record = Library.sockets.insert { handle in
        let record = SocketRecord(
            handle: handle, fd: fd, family: family, type: type, proto: proto, overlapped: overlapped)
        configure(record)
        return record
    }
    guard let record else {
        system_close(fd)
        return nil
    }
    WSASetLastError(0)
    return record
}

/// Closes a socket. Pending overlapped sends complete with WSA_OPERATION_ABORTED, threads blocked on the
/// socket return (WSAEINTR), and the handle gives WSAENOTSOCK from now on.
///
/// The corresponding Win32 function is `closesocket`.
public func closesocket(_ s: SOCKET) -> Int32 {
    guard Library.isStarted.load(ordering: .acquiring) else { return socketError(WSANOTINITIALISED) }
    guard let record = Library.sockets.remove(s) else { return socketError(WSAENOTSOCK) }
    Library.close(record)
    WSASetLastError(0)
    return 0
}

/// Associates a local address with a socket.
///
/// The corresponding Win32 function is `bind`.
public func bind(_ s: SOCKET, _ name: UnsafePointer<sockaddr>?, _ namelen: Int32) -> Int32 {
    // The record is used unretained (the thread's socket cache holds it): the call makes no other lookup
    // and never waits, so no completion routine can evict it meanwhile.
    withOpenSocket(s, failure: socketError) { record, _ in bindRecord(record, name, namelen) }
}

private func bindRecord(_ record: SocketRecord, _ name: UnsafePointer<sockaddr>?, _ namelen: Int32) -> Int32 {
    guard let name, namelen > 0 else { return socketError(WSAEFAULT) }
    let result = system_bind(record.fd, name, socklen_t(namelen))
    if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
    record.bound.store(true, ordering: .releasing)
    WSASetLastError(0)
    return 0
}

/// Connects a socket to a peer; on a datagram socket, sets the default peer WSASend sends to.
///
/// A non-blocking socket returns SOCKET_ERROR with WSAEWOULDBLOCK while the connection is being made
/// (WSAPoll for POLLWRNORM tells when it is done).
///
/// The corresponding Win32 function is `connect`.
public func connect(_ s: SOCKET, _ name: UnsafePointer<sockaddr>?, _ namelen: Int32) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard let name, namelen > 0 else { return socketError(WSAEFAULT) }
    let context = ThreadContext.current
    let blocking = !record.nonBlocking.load(ordering: .relaxed)
    if blocking && context.waiter.isInsideRoutineOfBlockingCall { return socketError(WSAEINPROGRESS) }
    record.blockedCalls.wrappingAdd(1, ordering: .acquiringAndReleasing)
    defer { record.blockedCalls.wrappingSubtract(1, ordering: .releasing) }
    var result = system_connect(record.fd, name, socklen_t(namelen))
    if result == -EINTR || (blocking && result == -EINPROGRESS) {
        // The connection goes on after a signal; a blocking connect waits for it to finish.
        result = finishConnect(record, context: context)
    }
    if result == 0 {
        record.bound.store(true, ordering: .releasing)
        record.connection = .connected
        WSASetLastError(0)
        return 0
    }
    if result == -EINPROGRESS || result == -EALREADY {
        record.bound.store(true, ordering: .releasing)
        record.connection = .connecting
    }
    if record.closed.load(ordering: .acquiring) { return socketError(WSAEINTR) }
    return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.connect)))
}

/// Waits for a connect in progress; 0 or `-errno` (from SO_ERROR).
private func finishConnect(_ record: SocketRecord, context: ThreadContext) -> Int32 {
    context.waiter.inBlockingCall = true
    defer { context.waiter.inBlockingCall = false }
    while context.waiter.wait(for: record.fd, events: Int16(POLLOUT_LINUX), until: nil, alertable: true)
        != .descriptorReady
    {}
    var error: Int32 = 0
    var length = socklen_t(4)
    let result = system_getsockopt(record.fd, Glibc.SOL_SOCKET, Glibc.SO_ERROR, &error, &length)
    if result < 0 { return result }
    return -error
}

/// Marks a socket as accepting connections.
///
/// A stream socket that was never bound (by `bind`, or by `connect`) gives WSAEINVAL, as on Windows:
/// Linux would bind it to a port of its choosing, which the caller could only learn afterwards.
///
/// The corresponding Win32 function is `listen`.
public func listen(_ s: SOCKET, _ backlog: Int32) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard record.isStream else { return socketError(WSAEOPNOTSUPP) }
    guard record.bound.load(ordering: .acquiring) else { return socketError(WSAEINVAL) }
    let result = system_listen(record.fd, backlog)
    if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
    WSASetLastError(0)
    return 0
}

/// Accepts a connection. The new socket is connected and takes the listening socket's non-blocking mode
/// and overlapped attribute, as on Windows.
///
/// A non-nil `addr` needs an `addrlen` of at least the family's address size (16 for IPv4, 28 for
/// IPv6), or the call gives WSAEFAULT and leaves the connection queued: Windows refuses a length that is
/// too small (or missing) where Linux would silently truncate the address.
///
/// The corresponding Win32 function is `accept`.
public func accept(
    _ s: SOCKET, _ addr: UnsafeMutablePointer<sockaddr>?, _ addrlen: UnsafeMutablePointer<Int32>?
) -> SOCKET {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return invalidSocket(error.code)
    }
    if addr != nil {
        guard let addrlen, addrlen.pointee >= record.addressLength else { return invalidSocket(WSAEFAULT) }
    }
    let context = ThreadContext.current
    let nonBlocking = record.nonBlocking.load(ordering: .relaxed)
    if !nonBlocking && context.waiter.isInsideRoutineOfBlockingCall { return invalidSocket(WSAEINPROGRESS) }
    record.blockedCalls.wrappingAdd(1, ordering: .acquiringAndReleasing)
    defer { record.blockedCalls.wrappingSubtract(1, ordering: .releasing) }
    var length = socklen_t(addrlen?.pointee ?? 0)
    let flags = Int32(SOCK_CLOEXEC.rawValue) | (nonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0)
    let fd = addr == nil ? system_accept(record.fd, nil, nil, flags) : system_accept(record.fd, addr, &length, flags)
    guard fd >= 0 else {
        if record.closed.load(ordering: .acquiring) { return invalidSocket(WSAEINTR) }
        return invalidSocket(ErrnoMapping.code(forErrno: -fd, in: record.situation(.other)))
    }
    if let addrlen, addr != nil { addrlen.pointee = Int32(length) }
    let accepted = register(
        fd: fd, family: record.family, type: record.type, proto: record.proto, overlapped: record.overlappedAttribute
    ) { accepted in
        accepted.connection = .connected
        accepted.bound.store(true, ordering: .relaxed)
        accepted.nonBlocking.store(nonBlocking, ordering: .relaxed)
        // Linux copies SO_SNDTIMEO and SO_RCVTIMEO to the accepted socket: keep the record's copies (what
        // getsockopt reports and what bounds a whole WSASend) equal to what the kernel applies.
        accepted.sendTimeout.store(record.sendTimeout.load(ordering: .relaxed), ordering: .relaxed)
        accepted.receiveTimeout.store(record.receiveTimeout.load(ordering: .relaxed), ordering: .relaxed)
        // The same for SO_SNDBUF and SO_RCVBUF, which Linux copies too.
        accepted.sendBufferSize.store(record.sendBufferSize.load(ordering: .relaxed), ordering: .relaxed)
        accepted.receiveBufferSize.store(record.receiveBufferSize.load(ordering: .relaxed), ordering: .relaxed)
    }
    return accepted?.handle ?? invalidSocket(WSAEMFILE)
}

/// Disables sends (`SD_SEND`), receives (`SD_RECEIVE`) or both (`SD_BOTH`). After SD_SEND or SD_BOTH,
/// WSASend fails with WSAESHUTDOWN before any syscall; after SD_RECEIVE or SD_BOTH, so do recv and
/// recvfrom, and WSAPoll reports nothing to read. SD_RECEIVE on a bound datagram socket that has no
/// peer succeeds, as on Windows (Linux would say it is not connected). `getpeername` keeps giving the
/// peer's address afterwards.
///
/// The corresponding Win32 function is `shutdown`.
public func shutdown(_ s: SOCKET, _ how: Int32) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    let linuxHow: Int32
    switch how {
    case SD_RECEIVE: linuxHow = Int32(SHUT_RD)
    case SD_SEND: linuxHow = Int32(SHUT_WR)
    case SD_BOTH: linuxHow = Int32(SHUT_RDWR)
    default: return socketError(WSAEINVAL)
    }
    if how == SD_RECEIVE && record.isDatagram && !record.isConnected && record.hasLocalAddress {
        // Nothing for Linux to shut down: the library refuses the receives itself.
        record.receiveShutDown.store(true, ordering: .releasing)
        WSASetLastError(0)
        return 0
    }
    guard record.isConnected else { return socketError(WSAENOTCONN) }
    if record.isStream, let peer = PeerAddress.current(of: record.fd) {
        record.rememberedPeer.remember(peer.bytes)
    }
    let result = system_shutdown(record.fd, linuxHow)
    if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
    if how != SD_RECEIVE { record.sendShutDown.store(true, ordering: .releasing) }
    if how != SD_SEND { record.receiveShutDown.store(true, ordering: .releasing) }
    WSASetLastError(0)
    return 0
}
