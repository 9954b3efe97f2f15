import Glibc

/// A plain Linux socket, outside the library: the independent peer of the conformance tests, so that a
/// bug shared by the library's send and receive paths cannot hide itself.
///
/// This file imports Glibc only (no Winsock), so the POSIX names here are Linux's own.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    private(set) var isClosed = false

    init(fd: Int32) {
        precondition(fd >= 0, "socket failed: errno \(errno)")
        self.fd = fd
    }

    /// A new socket of `family` (AF_INET or AF_INET6), stream or datagram.
    convenience init(family: Int32, datagram: Bool) {
        let type = datagram ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue)
        self.init(fd: Glibc.socket(family, type | Int32(SOCK_CLOEXEC.rawValue), 0))
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(fd)
    }

    /// Binds to the loopback address of the family (127.0.0.1 or ::1), port 0; returns the port.
    @discardableResult
    func bindLoopback() -> UInt16 {
        let result = Loopback.withAddress(family: family, port: 0) { Glibc.bind(fd, $0, $1) }
        precondition(result == 0, "bind failed: errno \(errno)")
        return localPort
    }

    /// Binds to `port` on the family's loopback address; returns errno (0 on success).
    func bind(loopbackPort port: UInt16) -> Int32 {
        let result = Loopback.withAddress(family: family, port: port) { Glibc.bind(fd, $0, $1) }
        return result == 0 ? 0 : errno
    }

    var family: Int32 {
        var value: Int32 = 0
        var length = socklen_t(4)
        _ = Glibc.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &value, &length)
        return value
    }

    var localPort: UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.getsockname(fd, $0, &length) }
        }
        return Loopback.port(of: storage)
    }

    func listen(backlog: Int32 = 16) {
        precondition(Glibc.listen(fd, backlog) == 0, "listen failed: errno \(errno)")
    }

    /// A loopback listener whose accept queue is full: Linux drops every further SYN to `port`, so a
    /// connect to it stays in progress until its SYN retransmissions give up (ETIMEDOUT) or it is
    /// cancelled. `filler` holds the one queued connection; close all three after use.
    static func saturatedListener(family: Int32) -> (listener: RawSocket, filler: RawSocket, port: UInt16) {
        let listener = RawSocket(family: family, datagram: false)
        let port = listener.bindLoopback()
        // A backlog of 0 queues one connection; the next SYN finds the queue full and is dropped.
        listener.listen(backlog: 0)
        let filler = RawSocket(family: family, datagram: false)
        precondition(filler.connect(loopbackPort: port) == 0, "connect failed: errno \(errno)")
        // The queued connection is there once the listener is readable.
        _ = listener.waitReadable(milliseconds: 5000)
        return (listener, filler, port)
    }

    /// Accepts one connection, waiting at most `milliseconds`; nil on timeout.
    func accept(waitingAtMost milliseconds: Int32 = 10_000) -> RawSocket? {
        guard waitReadable(milliseconds: milliseconds) else { return nil }
        let accepted = Glibc.accept(fd, nil, nil)
        guard accepted >= 0 else { return nil }
        _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
        return RawSocket(fd: accepted)
    }

    /// Connects to `port` on the family's loopback address; returns errno (0 on success).
    func connect(loopbackPort port: UInt16) -> Int32 {
        let result = Loopback.withAddress(family: family, port: port) { Glibc.connect(fd, $0, $1) }
        return result == 0 ? 0 : errno
    }

    func setIntOption(level: Int32, name: Int32, _ value: Int32) {
        var value = value
        precondition(Glibc.setsockopt(fd, level, name, &value, 4) == 0, "setsockopt failed: errno \(errno)")
    }

    /// SO_RCVBUF (the kernel doubles the value).
    func setReceiveBuffer(_ bytes: Int32) { setIntOption(level: SOL_SOCKET, name: SO_RCVBUF, bytes) }

    /// Closes with SO_LINGER {1, 0}: the kernel sends a RST instead of a FIN.
    func resetConnection() {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = Glibc.setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// True when the socket becomes readable within `milliseconds`.
    func waitReadable(milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = TestClock.now() + Double(milliseconds) / 1000
        while true {
            let left = Int32(max(0, (deadline - TestClock.now()) * 1000))
            let ready = Glibc.poll(&entry, 1, left)
            if ready > 0 { return true }
            if ready == 0 || (ready < 0 && errno != EINTR) { return false }
        }
    }

    /// True when urgent (out-of-band) data is signalled within `milliseconds` (poll's POLLPRI).
    func waitUrgent(milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
        let deadline = TestClock.now() + Double(milliseconds) / 1000
        while TestClock.now() < deadline {
            let left = Int32(max(0, (deadline - TestClock.now()) * 1000))
            if Glibc.poll(&entry, 1, left) > 0 && entry.revents & Int16(POLLPRI) != 0 { return true }
        }
        return false
    }

    /// The urgent byte (recv with MSG_OOB), or nil when there is none.
    func receiveUrgent() -> UInt8? {
        var byte: UInt8 = 0
        return Glibc.recv(fd, &byte, 1, Int32(MSG_OOB) | Int32(MSG_DONTWAIT)) == 1 ? byte : nil
    }

    /// One recv that waits at most `milliseconds`: the bytes, or nil on timeout or error; [] at EOF.
    func receive(maximum: Int = 65536, flags: Int32 = 0, waitingAtMost milliseconds: Int32 = 10_000) -> [UInt8]? {
        guard waitReadable(milliseconds: milliseconds) else { return nil }
        var buffer = [UInt8](repeating: 0, count: maximum)
        let count = buffer.withUnsafeMutableBytes {
            Glibc.recv(fd, $0.baseAddress, maximum, flags | Int32(MSG_DONTWAIT))
        }
        if count < 0 { return nil }
        return Array(buffer.prefix(count))
    }

    /// Plain send, for peers that answer. Returns the bytes sent or -errno.
    func send(_ bytes: [UInt8], flags: Int32 = Int32(MSG_NOSIGNAL)) -> Int {
        let result = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, bytes.count, flags) }
        return result < 0 ? -Int(errno) : result
    }
}

/// Loopback addresses (127.0.0.1 and ::1, never any other) as Linux sockaddrs.
enum Loopback {
    static func withAddress<R>(family: Int32, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    static func port(of storage: sockaddr_storage) -> UInt16 {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                if Int32(address.pointee.sa_family) == AF_INET6 {
                    return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        UInt16(bigEndian: $0.pointee.sin6_port)
                    }
                }
                return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin_port)
                }
            }
        }
    }

    /// A port that nothing is bound to now, below Linux's ephemeral range, so that no socket bound to port
    /// 0 elsewhere in the suite can take it: a target for "port unreachable" that no other test answers.
    static func unusedPort(family: Int32) -> UInt16 {
        let text = readText("/proc/sys/net/ipv4/ip_local_port_range")
        let first = Int(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first ?? "") ?? 32768
        let low = max(1024, first - 20000)
        while true {
            let candidate = UInt16(Int.random(in: low..<max(low + 1, first)))
            let udp = RawSocket(family: family, datagram: true)
            let tcp = RawSocket(family: family, datagram: false)
            if udp.bind(loopbackPort: candidate) == 0 && tcp.bind(loopbackPort: candidate) == 0 { return candidate }
        }
    }

    private static func readText(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { _ = close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
    }

    /// True when ::1 can be bound here (some containers turn IPv6 off).
    static let ipv6Available: Bool = {
        let fd = Glibc.socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { _ = Glibc.close(fd) }
        return withAddress(family: AF_INET6, port: 0) { Glibc.bind(fd, $0, $1) } == 0
    }()
}

/// Seconds on the monotonic clock, for bounds such as "finishes in under 3 s".
enum TestClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func sleep(milliseconds: Int) {
        usleep(useconds_t(milliseconds * 1000))
    }
}

/// A sendmsg on descriptor -1: it fails at once, and marks a boundary in an strace of sendmsg calls.
enum TraceMarker {
    static func mark() {
        var message = msghdr()
        _ = sendmsg(-1, &message, 0)
    }
}
