/// WSAPoll's translation between Winsock's POLL* requests and results and Linux's poll, where Linux's
/// answer for the same socket state differs from Windows'.

/// Linux's POLLRDHUP: the peer closed its sending side. Asked on every stream socket so that a graceful
/// close wakes a WSAPoll even when the entry asks for no events (Windows reports POLLHUP then).
private let POLLRDHUP_LINUX: Int32 = 0x2000

/// The Linux events to wait for on `record` for Winsock's `events`.
func linuxPollRequest(_ record: SocketRecord, _ events: Int16) -> Int16 {
    var request = Int32(linuxPollEvents(events))
    if record.isStream { request |= POLLRDHUP_LINUX }
    // A socket shut down for receiving reads as finished at once on Linux; Windows reports nothing to
    // read, so the wait must not end on it.
    if record.receiveShutDown.load(ordering: .relaxed) { request &= ~(POLLIN_LINUX | POLLPRI_LINUX | POLLRDHUP_LINUX) }
    return Int16(truncatingIfNeeded: request)
}

/// Windows' revents for one socket, from Linux's. The socket's state is read (a system call) only when
/// Linux reports urgent data or a hang-up, never for the common readable or writable answer.
func windowsPollEvents(_ record: SocketRecord, requested: Int16, linux revents: Int16) -> Int16 {
    var linux = Int32(revents)
    if record.receiveShutDown.load(ordering: .relaxed) { linux &= ~(POLLIN_LINUX | POLLPRI_LINUX | POLLRDHUP_LINUX) }
    if linux & POLLHUP_LINUX != 0 && record.isStream && record.receiveShutDown.load(ordering: .relaxed)
        && record.sendShutDown.load(ordering: .relaxed), let state = record.tcpState,
        state == LinuxTCPState.finWait1 || state == LinuxTCPState.finWait2
    {
        // This side shut down both ways while the peer's side is still open: Linux reports a hang-up,
        // Windows only that the socket can be written (Wine's test_WSAPoll).
        linux &= ~POLLHUP_LINUX
    }
    let hangUp = linux & (POLLRDHUP_LINUX | POLLHUP_LINUX | POLLERR_LINUX) != 0
    if record.isStream && hangUp && record.connectionWasReset {
        // "POLLERR: An error has occurred", "POLLHUP: A stream-oriented connection was either disconnected
        // or aborted": Windows keeps both once the connection is reset, where Linux drops POLLERR after the
        // first call that reads the error, and adds POLLIN for the end of stream.
        return POLLERR | POLLHUP | (requested & POLLWRNORM)
    }
    var events = winsockPollEvents(Int16(truncatingIfNeeded: linux & ~POLLRDHUP_LINUX))
    if linux & POLLPRI_LINUX != 0 && record.urgentDataInline {
        // With SO_OOBINLINE the urgent byte is read with the normal data: "POLLRDNORM", never
        // "POLLRDBAND: Priority band (out-of-band) data may be read".
        events &= ~POLLRDBAND
        events |= requested & POLLRDNORM
    }
    if record.isStream && hangUp {
        // The peer closed gracefully: Windows says POLLHUP at once, and POLLRDNORM only while its data
        // is unread (Linux's POLLIN for the end of stream is no data to read).
        if record.unreadBytes == 0 { events &= ~POLLRDNORM }
        events |= POLLHUP
    }
    return events
}
