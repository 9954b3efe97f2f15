import Glibc

/// Sets a socket option, reading Winsock's levels, names and value shapes.
///
/// Level `SOL_SOCKET` (0xFFFF) takes Windows' option numbers: SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE,
/// SO_REUSEADDR, SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE (BOOL or DWORD values), SO_LINGER (a `LINGER`
/// of two `u_short`s) and SO_SNDTIMEO / SO_RCVTIMEO (a DWORD of milliseconds, 0 for none; they apply
/// to blocking sockets only). Level IPPROTO_TCP takes TCP_NODELAY. Others give WSAENOPROTOOPT; a value
/// shorter than its type gives WSAEFAULT, except that the BOOL options (SO_KEEPALIVE, SO_REUSEADDR,
/// SO_BROADCAST, SO_DONTROUTE, SO_OOBINLINE, TCP_NODELAY) take one to four bytes, as Windows does (a
/// `char` flag is common in Windows programs); below four bytes the first byte is the value.
///
/// The corresponding Win32 function is `setsockopt`.
public func setsockopt(
    _ s: SOCKET, _ level: Int32, _ optname: Int32, _ optval: UnsafePointer<CChar>?, _ optlen: Int32
) -> Int32 {
    let record: SocketRecord
    switch openSocket(s) {
    case .success(let open): record = open
    case .failure(let error): return socketError(error.code)
    }
    guard let option = SocketOption(level: level, name: optname) else { return socketError(WSAENOPROTOOPT) }
    guard let optval, optlen >= option.shortestValue else { return socketError(WSAEFAULT) }
    let raw = UnsafeRawPointer(optval)
    let result: Int32
    switch option {
    case .sendTimeout, .receiveTimeout:
        let milliseconds = raw.loadUnaligned(as: DWORD.self)
        var value = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int(milliseconds % 1000) * 1000)
        result = system_setsockopt(
            record.fd, Glibc.SOL_SOCKET, option.linuxName, &value, socklen_t(MemoryLayout<timeval>.size))
        if result == 0 && option == .sendTimeout { record.sendTimeout.store(milliseconds, ordering: .relaxed) }
        if result == 0 && option == .receiveTimeout { record.receiveTimeout.store(milliseconds, ordering: .relaxed) }
    case .sendBuffer, .receiveBuffer:
        var value = raw.loadUnaligned(as: Int32.self)
        result = system_setsockopt(record.fd, Glibc.SOL_SOCKET, option.linuxName, &value, 4)
        if result == 0 { record.rememberBufferSize(option, value) }
    case .linger:
        let windows = raw.loadUnaligned(as: LINGER.self)
        var value = linger(l_onoff: Int32(windows.l_onoff), l_linger: Int32(windows.l_linger))
        result = system_setsockopt(
            record.fd, Glibc.SOL_SOCKET, Glibc.SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
    case .maxMessageSize, .error, .type, .acceptConnections:
        return socketError(WSAENOPROTOOPT)  // get only
    default:
        // Only a BOOL option gets here with fewer than four bytes: then its first byte is the value.
        var value: Int32 = optlen >= 4 ? raw.loadUnaligned(as: Int32.self) : Int32(raw.load(as: UInt8.self))
        result = system_setsockopt(record.fd, option.linuxLevel, option.linuxName, &value, 4)
    }
    if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
    WSASetLastError(0)
    return 0
}

/// Reads a socket option in Winsock's shapes (see `setsockopt`). SO_SNDBUF and SO_RCVBUF give the value
/// setsockopt set, as Windows does, although Linux applies (and would report) twice it; never set, they
/// give half of Linux's value, the size before Linux doubled it for its bookkeeping. Also: SO_ERROR (the pending error as a
/// Winsock code, mapped as connect maps it while a non-blocking connect is in progress), SO_TYPE, SO_ACCEPTCONN, and SO_MAX_MSG_SIZE, which a datagram socket answers with
/// 65507 (IPv4) or 65527 (IPv6) and a stream socket with WSAENOPROTOOPT (it has no message size).
/// `*optlen` must be at least the value's size and receives it.
///
/// The corresponding Win32 function is `getsockopt`.
public func getsockopt(
    _ s: SOCKET, _ level: Int32, _ optname: Int32, _ optval: UnsafeMutablePointer<CChar>?,
    _ optlen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    // The record is used unretained (the thread's socket cache holds it): the call makes no other lookup
    // and never waits, so no completion routine can evict it meanwhile.
    withOpenSocket(s, failure: socketError) { record, _ in getOption(record, level, optname, optval, optlen) }
}

private func getOption(
    _ record: SocketRecord, _ level: Int32, _ optname: Int32, _ optval: UnsafeMutablePointer<CChar>?,
    _ optlen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    guard let option = SocketOption(level: level, name: optname) else { return socketError(WSAENOPROTOOPT) }
    guard let optval, let optlen, optlen.pointee >= option.windowsSize else { return socketError(WSAEFAULT) }
    let raw = UnsafeMutableRawPointer(optval)
    switch option {
    case .sendTimeout:
        raw.storeBytes(of: record.sendTimeout.load(ordering: .relaxed), as: DWORD.self)
    case .receiveTimeout:
        raw.storeBytes(of: record.receiveTimeout.load(ordering: .relaxed), as: DWORD.self)
    case .maxMessageSize:
        guard record.isDatagram else { return socketError(WSAENOPROTOOPT) }
        raw.storeBytes(of: DWORD(record.maxMessageSize), as: DWORD.self)
    case .type:
        raw.storeBytes(of: record.type, as: Int32.self)
    case .sendBuffer, .receiveBuffer:
        var value: Int32 = 0
        if let set = record.bufferSizeSet(option) {
            value = set
        } else {
            var length = socklen_t(4)
            let result = system_getsockopt(record.fd, Glibc.SOL_SOCKET, option.linuxName, &value, &length)
            if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
            // Linux reports twice the size it was given (the rest is its bookkeeping overhead): half of
            // it is the size in Windows' terms, and what Linux itself was configured with.
            value /= 2
        }
        raw.storeBytes(of: value, as: Int32.self)
    case .linger:
        var value = linger()
        var length = socklen_t(MemoryLayout<linger>.size)
        let result = system_getsockopt(record.fd, Glibc.SOL_SOCKET, Glibc.SO_LINGER, &value, &length)
        if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
        raw.storeBytes(
            of: LINGER(l_onoff: UInt16(clamping: value.l_onoff), l_linger: UInt16(clamping: value.l_linger)),
            as: LINGER.self)
    default:
        var value: Int32 = 0
        var length = socklen_t(4)
        let result = system_getsockopt(record.fd, option.linuxLevel, option.linuxName, &value, &length)
        if result < 0 { return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other))) }
        if option == .error && value != 0 {
            // A non-blocking connect reports its failure here (the record stays `.connecting` until a
            // later check sees a peer): map it as connect would, so ETIMEDOUT is WSAETIMEDOUT and not
            // the WSAECONNABORTED of a connection lost to retransmissions.
            let call: ErrnoSituation.Call = record.connection == .connecting ? .connect : .other
            value = ErrnoMapping.code(forErrno: value, in: record.situation(call))
        }
        raw.storeBytes(of: value, as: Int32.self)
    }
    optlen.pointee = option.windowsSize
    WSASetLastError(0)
    return 0
}

extension SocketRecord {
    /// The SO_SNDBUF or SO_RCVBUF value setsockopt set, or nil when it was never set.
    func bufferSizeSet(_ option: SocketOption) -> Int32? {
        let value =
            option == .sendBuffer
            ? sendBufferSize.load(ordering: .relaxed) : receiveBufferSize.load(ordering: .relaxed)
        return value == Self.bufferSizeUnset ? nil : Int32(truncatingIfNeeded: value)
    }

    /// Remembers the SO_SNDBUF or SO_RCVBUF value setsockopt set.
    func rememberBufferSize(_ option: SocketOption, _ value: Int32) {
        if option == .sendBuffer {
            sendBufferSize.store(Int64(value), ordering: .relaxed)
        } else {
            receiveBufferSize.store(Int64(value), ordering: .relaxed)
        }
    }
}

/// The options the library translates, with their Windows and Linux numbers.
enum SocketOption: Equatable {
    case sendBuffer, receiveBuffer, keepAlive, reuseAddress, broadcast, dontRoute, outOfBandInline
    case linger, sendTimeout, receiveTimeout, error, type, acceptConnections, maxMessageSize, noDelay

    init?(level: Int32, name: Int32) {
        switch (level, name) {
        case (SOL_SOCKET, SO_SNDBUF): self = .sendBuffer
        case (SOL_SOCKET, SO_RCVBUF): self = .receiveBuffer
        case (SOL_SOCKET, SO_KEEPALIVE): self = .keepAlive
        case (SOL_SOCKET, SO_REUSEADDR): self = .reuseAddress
        case (SOL_SOCKET, SO_BROADCAST): self = .broadcast
        case (SOL_SOCKET, SO_DONTROUTE): self = .dontRoute
        case (SOL_SOCKET, SO_OOBINLINE): self = .outOfBandInline
        case (SOL_SOCKET, SO_LINGER): self = .linger
        case (SOL_SOCKET, SO_SNDTIMEO): self = .sendTimeout
        case (SOL_SOCKET, SO_RCVTIMEO): self = .receiveTimeout
        case (SOL_SOCKET, SO_ERROR): self = .error
        case (SOL_SOCKET, SO_TYPE): self = .type
        case (SOL_SOCKET, SO_ACCEPTCONN): self = .acceptConnections
        case (SOL_SOCKET, SO_MAX_MSG_SIZE): self = .maxMessageSize
        case (IPPROTO_TCP, TCP_NODELAY): self = .noDelay
        default: return nil
        }
    }

    /// The size of the value in Winsock's shape.
    var windowsSize: Int32 { self == .linger ? Int32(MemoryLayout<LINGER>.size) : 4 }

    /// Options whose value is a BOOL.
    var isBoolean: Bool {
        switch self {
        case .keepAlive, .reuseAddress, .broadcast, .dontRoute, .outOfBandInline, .noDelay: true
        default: false
        }
    }

    /// The fewest bytes setsockopt takes: one for a BOOL, the whole value for the others.
    var shortestValue: Int32 { isBoolean ? 1 : windowsSize }

    var linuxLevel: Int32 { self == .noDelay ? IPPROTO_TCP : Glibc.SOL_SOCKET }

    var linuxName: Int32 {
        switch self {
        case .sendBuffer: Glibc.SO_SNDBUF
        case .receiveBuffer: Glibc.SO_RCVBUF
        case .keepAlive: Glibc.SO_KEEPALIVE
        case .reuseAddress: Glibc.SO_REUSEADDR
        case .broadcast: Glibc.SO_BROADCAST
        case .dontRoute: Glibc.SO_DONTROUTE
        case .outOfBandInline: Glibc.SO_OOBINLINE
        case .linger: Glibc.SO_LINGER
        case .sendTimeout: Glibc.SO_SNDTIMEO
        case .receiveTimeout: Glibc.SO_RCVTIMEO
        case .error: Glibc.SO_ERROR
        case .type: Glibc.SO_TYPE
        case .acceptConnections: Glibc.SO_ACCEPTCONN
        case .maxMessageSize: -1
        case .noDelay: Glibc.TCP_NODELAY
        }
    }
}

/// Controls a socket's I/O mode: FIONBIO sets (non-zero) or clears non-blocking mode, FIONREAD returns
/// the bytes waiting to be read, SIOCATMARK returns TRUE when no urgent data is waiting (with
/// SO_OOBINLINE, also when the urgent byte is the next one a read returns). Other commands
/// give WSAEINVAL, a nil `argp` WSAEFAULT.
///
/// The corresponding Win32 function is `ioctlsocket`.
public func ioctlsocket(_ s: SOCKET, _ cmd: Int32, _ argp: UnsafeMutablePointer<ULONG>?) -> Int32 {
    // The record is used unretained (the thread's socket cache holds it): the call makes no other lookup
    // and never waits, so no completion routine can evict it meanwhile.
    withOpenSocket(s, failure: socketError) { record, _ in control(record, cmd, argp) }
}

private func control(_ record: SocketRecord, _ cmd: Int32, _ argp: UnsafeMutablePointer<ULONG>?) -> Int32 {
    guard let argp else { return socketError(WSAEFAULT) }
    switch cmd {
    case FIONBIO:
        let nonBlocking = argp.pointee != 0
        // One F_SETFL, no F_GETFL first: the library made the descriptor (socket, WSASocket, accept) and
        // never hands it out, and O_NONBLOCK is the only file status flag it ever sets (F_SETFL leaves the
        // access mode alone), so the flags are known. This saves a system call per connection set-up.
        let result = system_fcntl(record.fd, F_SETFL, nonBlocking ? O_NONBLOCK : 0)
        guard result >= 0 else {
            return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other)))
        }
        record.nonBlocking.store(nonBlocking, ordering: .relaxed)
    case FIONREAD:
        var value: Int32 = 0
        let result = system_ioctl_int(record.fd, UInt(FIONREAD_LINUX), &value)
        guard result >= 0 else {
            return socketError(ErrnoMapping.code(forErrno: -result, in: record.situation(.other)))
        }
        argp.pointee = ULONG(clamping: value)
    case SIOCATMARK:
        // Winsock's TRUE means "no OOB data is waiting to be read", not Linux's "at the mark". With
        // SO_OOBINLINE the urgent byte is read in the stream, and TRUE says the next read reaches it.
        let waiting = record.hasUrgentDataWaiting
        argp.pointee = !waiting || (record.urgentDataInline && record.urgentByteIsNext) ? 1 : 0
    default:
        return socketError(WSAEINVAL)
    }
    WSASetLastError(0)
    return 0
}

private let FIONREAD_LINUX: Int32 = 0x541B
