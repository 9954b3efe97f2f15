import CWinsock
import Glibc

// One libc call per function and nothing else, so that errno is read right after it (swift-system's
// habit); sendmsg, sendto and fcntl are the bare system calls (CWinsock), which answer -errno themselves.
// EINTR is retried by `retryingOnInterrupt`, except in sendmsg and sendto (the raw system calls answers
// -EINTR itself) and WSAPoll's poll (the retry waits only for what is left of the timeout); close is
// never retried.

/// Calls `body` until it stops failing with EINTR; returns its value or `-errno`.
@inline(__always)
func retryingOnInterrupt<T: BinaryInteger>(_ body: () -> T) -> T {
    while true {
        let result = body()
        if result < 0 {
            let code = errno
            if code == EINTR { continue }
            return T(-code)
        }
        return result
    }
}

/// Sends `message` in one system call: sendto when it holds one buffer (the common 1-buffer WSASend and
/// most datagrams), sendmsg otherwise. Both carry the same bytes, flags and destination; sendto spares the
/// kernel the msghdr and iovec copies, a sixth of a 64-byte send on loopback. The raw system calls answer
/// -errno themselves, so there is no errno to read.
@inline(__always)
func system_sendMessage(_ fd: Int32, _ message: UnsafePointer<msghdr>, _ flags: Int32) -> Int {
    while true {
        let result: Int
        if message.pointee.msg_iovlen == 1, let iov = message.pointee.msg_iov {
            result = cwinsock_sendto(
                fd, iov.pointee.iov_base, iov.pointee.iov_len, flags, message.pointee.msg_name,
                message.pointee.msg_namelen)
        } else {
            result = cwinsock_sendmsg(fd, message, flags)
        }
        if result != -Int(EINTR) { return result }
    }
}

@inline(__always)
func system_recv(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ length: Int, _ flags: Int32) -> Int {
    retryingOnInterrupt { Glibc.recv(fd, buffer, length, flags) }
}

@inline(__always)
func system_recvfrom(
    _ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ length: Int, _ flags: Int32,
    _ address: UnsafeMutablePointer<sockaddr>?, _ addressLength: UnsafeMutablePointer<socklen_t>?
) -> Int {
    retryingOnInterrupt { Glibc.recvfrom(fd, buffer, length, flags, address, addressLength) }
}

func system_socket(_ family: Int32, _ type: Int32, _ proto: Int32) -> Int32 {
    let fd = Glibc.socket(family, type | Int32(SOCK_CLOEXEC.rawValue), proto)
    return fd < 0 ? -errno : fd
}

func system_bind(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    Glibc.bind(fd, address, length) < 0 ? -errno : 0
}

/// connect is not retried on EINTR: the connection goes on in the background and a second connect
/// would say EALREADY; the caller waits for writability instead.
func system_connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    Glibc.connect(fd, address, length) < 0 ? -errno : 0
}

func system_listen(_ fd: Int32, _ backlog: Int32) -> Int32 {
    Glibc.listen(fd, backlog) < 0 ? -errno : 0
}

func system_accept(
    _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: UnsafeMutablePointer<socklen_t>?,
    _ flags: Int32
) -> Int32 {
    retryingOnInterrupt { cwinsock_accept4(fd, address, length, flags) }
}

func system_shutdown(_ fd: Int32, _ how: Int32) -> Int32 {
    Glibc.shutdown(fd, how) < 0 ? -errno : 0
}

func system_close(_ fd: Int32) {
    _ = Glibc.close(fd)
}

func system_setsockopt(
    _ fd: Int32, _ level: Int32, _ name: Int32, _ value: UnsafeRawPointer, _ length: socklen_t
) -> Int32 {
    Glibc.setsockopt(fd, level, name, value, length) < 0 ? -errno : 0
}

func system_getsockopt(
    _ fd: Int32, _ level: Int32, _ name: Int32, _ value: UnsafeMutableRawPointer,
    _ length: UnsafeMutablePointer<socklen_t>
) -> Int32 {
    Glibc.getsockopt(fd, level, name, value, length) < 0 ? -errno : 0
}

func system_fcntl(_ fd: Int32, _ command: Int32, _ value: Int32) -> Int32 {
    Int32(truncatingIfNeeded: cwinsock_fcntl(fd, command, Int(value)))
}

func system_ioctl_int(_ fd: Int32, _ request: UInt, _ value: UnsafeMutablePointer<Int32>) -> Int32 {
    Glibc.ioctl(fd, request, value) < 0 ? -errno : 0
}

/// poll, with EINTR reported as 0 ready descriptors so that callers re-check their conditions.
func system_poll(_ fds: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeout: Int32) -> Int32 {
    let result = Glibc.poll(fds, nfds_t(count), timeout)
    if result < 0 { return errno == EINTR ? 0 : -errno }
    return result
}

/// WSAPoll's poll: a signal that interrupts it does not end the wait early (EINTR is retried and never
/// surfaced: Windows has no signals), so the retry waits for what is left of the timeout.
func system_pollWaitingOutSignals(_ fds: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeout: Int32) -> Int32 {
    let deadline = timeout > 0 ? Deadline.after(milliseconds: UInt32(timeout)) : nil
    var wait = timeout
    while true {
        let result = Glibc.poll(fds, nfds_t(count), wait)
        if result >= 0 { return result }
        guard errno == EINTR else { return -errno }
        if let deadline {
            wait = deadline.remainingMilliseconds
            if wait == 0 { return 0 }
        }
    }
}

func system_getpeername(
    _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
) -> Int32 {
    Glibc.getpeername(fd, address, length) < 0 ? -errno : 0
}

func system_eventfd() -> Int32 {
    let fd = cwinsock_eventfd()
    return fd < 0 ? -errno : fd
}

/// Adds one to an eventfd's counter, waking whoever polls it.
func system_eventfd_signal(_ fd: Int32) {
    var one: UInt64 = 1
    _ = retryingOnInterrupt { Glibc.write(fd, &one, 8) }
}

/// Empties an eventfd's counter (non-blocking).
func system_eventfd_drain(_ fd: Int32) {
    var value: UInt64 = 0
    _ = retryingOnInterrupt { Glibc.read(fd, &value, 8) }
}

func system_getsockname(
    _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>, _ length: UnsafeMutablePointer<socklen_t>
) -> Int32 {
    Glibc.getsockname(fd, address, length) < 0 ? -errno : 0
}

/// dup2, retried on EINTR: `old` now also refers to what `new`'s file is, closing the file `new` had.
func system_dup2(_ old: Int32, _ new: Int32) -> Int32 {
    retryingOnInterrupt { Glibc.dup2(old, new) }
}

/// /dev/null, close-on-exec; `-errno` on failure.
func system_open_devnull() -> Int32 {
    let fd = Glibc.open("/dev/null", O_RDWR | O_CLOEXEC)
    return fd < 0 ? -errno : fd
}

/// sendto of one buffer, the bare system call (see `system_sendMessage`), retried on EINTR: a one-buffer
/// datagram sent without a msghdr to fill first. `address` nil: the connected peer.
@inline(__always)
func system_sendto(
    _ fd: Int32, _ buffer: UnsafeRawPointer?, _ length: Int, _ flags: Int32, _ address: UnsafeRawPointer?,
    _ addressLength: socklen_t
) -> Int {
    while true {
        let result = cwinsock_sendto(fd, buffer, length, flags, address, addressLength)
        if result != -Int(EINTR) { return result }
    }
}
