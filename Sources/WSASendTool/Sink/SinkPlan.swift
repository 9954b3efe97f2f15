/// What `wsasend sink` does: where it listens, what it keeps, when it stops.
public struct SinkPlan: Sendable {
    public var address: ListenAddress
    public var transport: Transport = .tcp
    /// Where the received stream goes (`--output`); with it, connections are served one after another so
    /// that the file holds whole streams in order.
    public var output: String?
    /// Stop when the first connection closes (TCP).
    public var once = false
    /// Stop when no byte has arrived for this long after the first one, in nanoseconds.
    public var idle: UInt64?
    /// Progress lines every so many nanoseconds; nil for none.
    public var progressInterval: UInt64?
    /// A notice per connection opened and closed.
    public var verbose = false
    /// SO_RCVBUF for the TCP listener and so its connections; nil leaves the kernel's autotuning. The
    /// demo's sink sets a small one, so that its non-blocking step meets a full window and shows
    /// WSAEWOULDBLOCK however fast the machine drains loopback (with autotuning the receive window grows
    /// to megabytes and, on a busy machine, a 64 KiB send buffer sometimes never fills).
    var receiveBuffer: Int32?

    public init(address: ListenAddress) {
        self.address = address
    }
}
