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

    public init(address: ListenAddress) {
        self.address = address
    }
}
