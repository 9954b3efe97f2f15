/// The kernel's view of one TCP connection after the last WSASend call: what the transport did with the
/// bytes WSASend reports as sent.
///
/// WSASend's count is what the transport took, not what the peer got. The gap is where a figure lies under
/// a damaged link: retransmitted segments, a long round trip, a small congestion window, and bytes still
/// waiting for their acknowledgement when the run ends.
public struct TCPView: Sendable, Equatable {
    /// Segments retransmitted over the connection's life (TCP_INFO's total_retrans).
    public var retransmittedSegments: UInt32
    /// The smoothed round-trip time, in microseconds.
    public var roundTripMicroseconds: UInt32
    /// The round-trip time's mean deviation, in microseconds.
    public var roundTripVarianceMicroseconds: UInt32
    /// The congestion window, in segments.
    public var congestionWindow: UInt32
    /// Bytes in the send queue that the peer has not acknowledged yet (SIOCOUTQ).
    public var unacknowledgedBytes: UInt64

    public init(
        retransmittedSegments: UInt32, roundTripMicroseconds: UInt32, roundTripVarianceMicroseconds: UInt32,
        congestionWindow: UInt32, unacknowledgedBytes: UInt64
    ) {
        self.retransmittedSegments = retransmittedSegments
        self.roundTripMicroseconds = roundTripMicroseconds
        self.roundTripVarianceMicroseconds = roundTripVarianceMicroseconds
        self.congestionWindow = congestionWindow
        self.unacknowledgedBytes = unacknowledgedBytes
    }
}

/// What `--drain` found: how long the wait for the last acknowledgement took, and whether it came.
public struct DrainReport: Sendable, Equatable {
    /// The longest the run was willing to wait, in nanoseconds.
    public var timeout: UInt64
    /// How long it waited, in nanoseconds.
    public var waited: UInt64
    /// True when every connection's send queue emptied (every byte acknowledged) before the timeout.
    public var complete: Bool
    /// Bytes still unacknowledged over every connection when the wait ended.
    public var unacknowledgedBytes: UInt64

    public init(timeout: UInt64, waited: UInt64, complete: Bool, unacknowledgedBytes: UInt64) {
        self.timeout = timeout
        self.waited = waited
        self.complete = complete
        self.unacknowledgedBytes = unacknowledgedBytes
    }
}
