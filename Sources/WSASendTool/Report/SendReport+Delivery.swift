/// The text report's lines on delivery: what the kernel says of the TCP connections after the last call
/// (TCP_INFO, SIOCOUTQ), and what `--drain` found.
extension SendReport {
    /// "12 segments retransmitted, rtt 1.20 ms (variance 310 µs), cwnd 10 segments, 0 bytes
    /// unacknowledged" for one connection; totals for several (each connection's line has its own figures);
    /// nil when no connection has a view.
    var tcpLine: String? {
        let views = connections.compactMap(\.tcp)
        guard let first = views.first else { return nil }
        if connections.count == 1 { return Self.tcpText(first) }
        let retransmitted = views.reduce(UInt64(0)) { $0 + UInt64($1.retransmittedSegments) }
        let unacknowledged = views.reduce(UInt64(0)) { $0 + $1.unacknowledgedBytes }
        return "\(Units.count(retransmitted, "segment", "segments")) retransmitted, "
            + "\(Units.count(unacknowledged, "byte", "bytes")) unacknowledged, over "
            + Units.count(UInt64(views.count), "connection", "connections")
    }

    static func tcpText(_ tcp: TCPView) -> String {
        "\(Units.count(UInt64(tcp.retransmittedSegments), "segment", "segments")) retransmitted, "
            + "rtt \(Units.duration(Double(tcp.roundTripMicroseconds) * 1e3)) "
            + "(variance \(Units.duration(Double(tcp.roundTripVarianceMicroseconds) * 1e3))), "
            + "cwnd \(Units.count(UInt64(tcp.congestionWindow), "segment", "segments")), "
            + "\(Units.count(tcp.unacknowledgedBytes, "byte", "bytes")) unacknowledged"
    }

    static func drainText(_ drain: DrainReport) -> String {
        let waited = Units.duration(Double(drain.waited))
        if drain.complete { return "every byte acknowledged after \(waited)" }
        return "\(Units.count(drain.unacknowledgedBytes, "byte", "bytes")) still unacknowledged after \(waited) "
            + "(timeout \(Units.duration(Double(drain.timeout))))"
    }
}
