import Glibc

/// WSAPoll's event bits, with Windows' values (not Linux's: see LinuxPollEvents.swift).
public let POLLRDNORM: Int16 = 0x0100
public let POLLRDBAND: Int16 = 0x0200
public let POLLIN: Int16 = POLLRDNORM | POLLRDBAND
public let POLLPRI: Int16 = 0x0400
public let POLLWRNORM: Int16 = 0x0010
public let POLLOUT: Int16 = POLLWRNORM
public let POLLWRBAND: Int16 = 0x0020
public let POLLERR: Int16 = 0x0001
public let POLLHUP: Int16 = 0x0002
public let POLLNVAL: Int16 = 0x0004

/// winsock2.h's `WSAPOLLFD`.
public struct WSAPOLLFD: Sendable {
    public var fd: SOCKET
    public var events: Int16
    public var revents: Int16
    public init(fd: SOCKET = INVALID_SOCKET, events: Int16 = 0, revents: Int16 = 0) {
        self.fd = fd
        self.events = events
        self.revents = revents
    }
}

/// Waits until sockets are ready, as poll does, with Winsock's POLL* values.
///
/// - Returns: The number of sockets with events, 0 on timeout, or SOCKET_ERROR (WSAEINVAL for no
///   sockets, WSAEFAULT for a nil array). A handle that is not an open socket gets POLLNVAL.
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
            for index in 0..<count {
                // The records stay referenced until poll returns, so no descriptor closes under it.
                let record = Library.sockets.lookup(fdArray[index].fd)
                (records.baseAddress! + index).initialize(to: record)
                let fd = record?.fd ?? -1
                let events = record == nil ? 0 : linuxPollEvents(fdArray[index].events)
                (linux.baseAddress! + index).initialize(to: pollfd(fd: fd, events: events, revents: 0))
            }
            defer { records.baseAddress!.deinitialize(count: count) }
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
                // A socket closed during the call is no longer a socket: POLLNVAL, as for any handle that
                // is not one, rather than the hang-up its shutdown made Linux report.
                let gone = records[index].map { $0.closed.load(ordering: .acquiring) } ?? true
                let revents = gone ? POLLNVAL : winsockPollEvents(linux[index].revents)
                fdArray[index].revents = revents
                if revents != 0 { ready += 1 }
            }
            WSASetLastError(0)
            return ready
        }
    }
}

private func linuxPollEvents(_ events: Int16) -> Int16 {
    var linux: Int32 = 0
    if events & POLLRDNORM != 0 { linux |= POLLIN_LINUX }
    if events & (POLLRDBAND | POLLPRI) != 0 { linux |= POLLPRI_LINUX }
    if events & (POLLWRNORM | POLLWRBAND) != 0 { linux |= POLLOUT_LINUX }
    return Int16(linux)
}

private func winsockPollEvents(_ revents: Int16) -> Int16 {
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
