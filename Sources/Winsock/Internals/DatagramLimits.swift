/// The sizes that bound a datagram on Linux.
enum DatagramLimits {
    /// The largest UDP payload over IPv4: 65535 less the 8-byte UDP header and the 20-byte IPv4 header.
    static let maximumIPv4Payload = 65507
    /// The largest UDP payload over IPv6: 65535 less the 8-byte UDP header (the IPv6 header is not
    /// counted in its payload length).
    static let maximumIPv6Payload = 65527
    /// The room for a datagram copied together from more than IOV_MAX buffers: 64 KiB holds the largest.
    static let scratchCapacity = 65536
}
