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
///   sockets, WSAEFAULT for a nil array). A handle that is not an open socket gets POLLNVAL and is not
///   counted; when no entry is an open socket the call fails at once with WSAENOTSOCK. A socket's entry
///   may ask only for POLLRDNORM, POLLRDBAND and POLLWRNORM (POLLIN and POLLOUT are made of them):
///   any other bit, such as POLLPRI, POLLWRBAND or an output flag, fails the call at once with
///   WSAEINVAL and every revents 0, as Windows does; so does such an entry of a handle that is not a
///   socket, unless it is INVALID_SOCKET (marked POLLNVAL, as any handle that is not a socket).
///
/// The flags are Windows': urgent data on an SO_OOBINLINE socket is POLLRDNORM (it is read in the normal
/// stream), a socket shut down for receiving reports nothing to read, the peer's graceful close is
/// POLLHUP as soon as it arrives, beside POLLRDNORM while its data is unread (also for an entry polled
/// with no events), and a reset
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
    let context = ThreadContext.current
    return withUnsafeTemporaryAllocation(of: Unmanaged<SocketRecord>?.self, capacity: count) { records in
        withUnsafeTemporaryAllocation(of: pollfd.self, capacity: count) { linux in
            var sockets = 0
            for index in 0..<count {
                // The records stay retained until poll returns, so no descriptor closes under it. The table
                // holds them unmanaged (a trivial type: no generic destroy of the table, and the uses below
                // borrow them without retaining again).
                let record = context.handleCaches.peekSocket(fdArray[index].fd)
                if record != nil { sockets += 1 }
                (records.baseAddress! + index).initialize(to: record.map { .passRetained($0) })
                let fd = record?.fd ?? -1
                let events = record.map { linuxPollRequest($0, fdArray[index].events) } ?? 0
                (linux.baseAddress! + index).initialize(to: pollfd(fd: fd, events: events, revents: 0))
            }
            defer { for index in 0..<count { records[index]?.release() } }
            if sockets == 0 {
                // Not one socket to wait on: Windows fails the call at once.
                for index in 0..<count { fdArray[index].revents = POLLNVAL }
                return socketError(WSAENOTSOCK)
            }
            for index in 0..<count
            where fdArray[index].events & ~pollRequestable != 0
                && (records[index] != nil || fdArray[index].fd != INVALID_SOCKET)
            {
                // An entry asked for something WSAPoll does not wait for: Windows refuses the whole call
                // (an INVALID_SOCKET entry is only marked POLLNVAL).
                for entry in 0..<count { fdArray[entry].revents = 0 }
                return socketError(WSAEINVAL)
            }
            // A poll that may wait counts as a blocked call on each socket, so that closesocket wakes it
            // (by shutting the socket down). A socket closed before that is not waited on at all.
            let waits = timeout != 0
            var closedBefore = false
            if waits {
                for index in 0..<count {
                    records[index]?._withUnsafeGuaranteedRef { record in
                        record.blockedCalls.wrappingAdd(1, ordering: .sequentiallyConsistent)
                        if record.closed.load(ordering: .sequentiallyConsistent) { closedBefore = true }
                    }
                }
            }
            defer {
                if waits {
                    for index in 0..<count {
                        _ = records[index]?._withUnsafeGuaranteedRef {
                            $0.blockedCalls.wrappingSubtract(1, ordering: .releasing)
                        }
                    }
                }
            }
            let result = closedBefore ? 0 : system_pollWaitingOutSignals(linux.baseAddress!, count, timeout)
            if result < 0 {
                return socketError(ErrnoMapping.code(forErrno: -result, in: ErrnoSituation(call: .other)))
            }
            var ready: Int32 = 0
            for index in 0..<count {
                // A handle that was never a socket gets POLLNVAL but is not counted, as on Windows.
                guard let entry = records[index] else {
                    fdArray[index].revents = POLLNVAL
                    continue
                }
                entry._withUnsafeGuaranteedRef { record in
                    // A socket closed during the call is no longer a socket: POLLNVAL (counted), rather than
                    // the hang-up its shutdown made Linux report.
                    let revents =
                        record.closed.load(ordering: .acquiring)
                        ? POLLNVAL
                        : windowsPollEvents(record, requested: fdArray[index].events, linux: linux[index].revents)
                    fdArray[index].revents = revents
                    if revents != 0 { ready += 1 }
                    noteFinishedConnect(record, linux: linux[index].revents)
                }
            }
            WSASetLastError(0)
            return ready
        }
    }
}

/// A stream socket whose non-blocking connect Linux reports writable, with no error and no hang-up, is
/// connected: marked so here, the first send on it needs no getpeername to learn it (`isConnected`). A
/// failed connect (POLLERR, POLLHUP) stays `.connecting`, so that SO_ERROR is still read as connect's.
@inline(__always)
private func noteFinishedConnect(_ record: SocketRecord, linux revents: Int16) {
    let answer = Int32(revents) & (POLLOUT_LINUX | POLLERR_LINUX | POLLHUP_LINUX)
    if answer == POLLOUT_LINUX && record.isStream && record.connection == .connecting {
        record.connection = .connected
    }
}

/// The events a WSAPOLLFD may ask for: normal data, priority data and room to write.
let pollRequestable: Int16 = POLLRDNORM | POLLRDBAND | POLLWRNORM

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
