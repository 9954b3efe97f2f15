import Glibc

/// What Linux knows about a socket's state, read where Winsock answers differently from Linux: the
/// name, poll, receive and control calls ask these only on their rarer paths (an unbound socket, a
/// hang-up, urgent data), so the common path makes no extra system call.
extension SocketRecord {
    /// The socket has a local address: bound by bind, connect, or an implicit bind (a datagram sent
    /// with WSASendTo). Linux answers getsockname for a socket it never bound with port 0, where
    /// Windows refuses the call.
    var hasLocalAddress: Bool {
        guard family == AF_INET || family == AF_INET6 else { return true }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { system_getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return false }
        return Self.port(of: storage) != 0
    }

    /// The port of an IPv4 or IPv6 address, 0 for other families.
    static func port(of storage: sockaddr_storage) -> UInt16 {
        var storage = storage
        return withUnsafeBytes(of: &storage) { raw in
            let family = Int32(raw.load(as: sa_family_t.self))
            guard family == AF_INET || family == AF_INET6 else { return 0 }
            // sin_port and sin6_port both follow the 2-byte family, in network order.
            return UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        }
    }

    /// The connection ended abortively (a reset, or retransmissions that gave up) rather than by a
    /// graceful close: Linux's TCP state is CLOSE although this side never shut its sending down (a
    /// graceful close by the peer alone leaves the socket in CLOSE_WAIT). Linux reports a reset as an
    /// error once, then as an orderly end of stream; this tells the two apart afterwards.
    var connectionWasReset: Bool {
        guard isStream, connection == .connected, !sendShutDown.load(ordering: .acquiring) else { return false }
        return tcpState == LinuxTCPState.close
    }

    /// Linux's TCP state (tcp_info's first byte), nil when it cannot be read.
    var tcpState: UInt8? {
        var info = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var length = socklen_t(MemoryLayout.size(ofValue: info))
        let result = system_getsockopt(fd, Int32(IPPROTO_TCP), LinuxTCPState.infoOption, &info, &length)
        guard result == 0, length >= 1 else { return nil }
        return withUnsafeBytes(of: &info) { $0[0] }
    }

    /// SO_OOBINLINE is on: urgent data is read in the normal stream.
    var urgentDataInline: Bool {
        var value: Int32 = 0
        var length = socklen_t(4)
        return system_getsockopt(fd, Glibc.SOL_SOCKET, Glibc.SO_OOBINLINE, &value, &length) == 0 && value != 0
    }

    /// Bytes waiting to be read (Linux's FIONREAD), 0 when it cannot be read.
    var unreadBytes: Int32 {
        var value: Int32 = 0
        return system_ioctl_int(fd, LinuxTCPState.inputQueueRequest, &value) == 0 ? value : 0
    }

    /// The next byte to read is the urgent byte (Linux's SIOCATMARK).
    var urgentByteIsNext: Bool {
        var value: Int32 = 0
        return system_ioctl_int(fd, LinuxTCPState.atMarkRequest, &value) == 0 && value != 0
    }

    /// Urgent data is waiting (poll's POLLPRI).
    var hasUrgentDataWaiting: Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLPRI_LINUX), revents: 0)
        return system_poll(&descriptor, 1, 0) > 0 && descriptor.revents & Int16(POLLPRI_LINUX) != 0
    }
}

/// Linux's numbers for the state reads above (linux/tcp.h, asm-generic/sockios.h).
enum LinuxTCPState {
    /// This side sent its FIN (shutdown for sending); the peer's side is still open.
    static let finWait1: UInt8 = 4
    static let finWait2: UInt8 = 5
    static let close: UInt8 = 7
    static let infoOption: Int32 = 11  // TCP_INFO
    static let inputQueueRequest: UInt = 0x541B  // FIONREAD
    static let atMarkRequest: UInt = 0x8905  // SIOCATMARK
}
