import Glibc
import Winsock

/// Reads what the Linux kernel knows of a TCP connection: TCP_INFO and the send queue (SIOCOUTQ).
///
/// A Windows SOCKET is itself a kernel handle; here the library keeps the Linux descriptor behind the
/// handle, and `linuxDescriptor(of:)` lends it for calls that Winsock has no name for. Nothing here
/// changes the descriptor.
enum KernelTCP {
    /// The kernel's view of the connection behind `socket`; nil when the handle is closed or the kernel
    /// refuses (a socket that is not TCP).
    static func view(of socket: SOCKET) -> TCPView? {
        guard let fd = linuxDescriptor(of: socket) else { return nil }
        var info = tcp_info()
        var length = socklen_t(MemoryLayout<tcp_info>.size)
        guard Glibc.getsockopt(fd, Int32(Glibc.IPPROTO_TCP), TCP_INFO, &info, &length) == 0,
            let queued = unacknowledgedBytes(fd)
        else { return nil }
        return TCPView(
            retransmittedSegments: info.tcpi_total_retrans, roundTripMicroseconds: info.tcpi_rtt,
            roundTripVarianceMicroseconds: info.tcpi_rttvar, congestionWindow: info.tcpi_snd_cwnd,
            unacknowledgedBytes: queued)
    }

    /// Bytes in the send queue not yet acknowledged by the peer (sent or not): SIOCOUTQ, which Linux
    /// spells TIOCOUTQ for sockets too; nil when the kernel refuses.
    static func unacknowledgedBytes(of socket: SOCKET) -> UInt64? {
        linuxDescriptor(of: socket).flatMap(unacknowledgedBytes)
    }

    private static func unacknowledgedBytes(_ fd: Int32) -> UInt64? {
        var queued: Int32 = 0
        guard Glibc.ioctl(fd, UInt(TIOCOUTQ), &queued) == 0, queued >= 0 else { return nil }
        return UInt64(queued)
    }
}
