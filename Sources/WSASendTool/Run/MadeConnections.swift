import Winsock

/// What the run keeps of its connection attempts once each has gone into the report: the sockets of the
/// connections that were made, and the peer for `--no-connect`.
///
/// Each attempt becomes its `ConnectionReport` as soon as it ends, rather than all attempts being kept
/// until the last: an attempt carries two `SocketAddress` values (two `sockaddr_storage`), and 10,000
/// of them in a growing array were 5 MB at the run's peak.
struct MadeConnections {
    /// The sockets of the connections that were made, in index order: what the driver sends on.
    private(set) var handles: [SOCKET] = []
    /// Each made connection's report index, kept only once one differs from the connection's position
    /// (an attempt failed before it): until then the position is the index. Pairs of index and socket
    /// were 16 bytes a connection, and the driver needed the sockets alone in an array of their own.
    private var indexes: [Int]?
    /// The first made connection's peer: where `--no-connect` sends with WSASendTo.
    var destination: SocketAddress?

    init(expected: Int) { handles.reserveCapacity(expected) }

    /// Puts the attempt in the report and keeps its socket, if it has one.
    mutating func add(_ attempt: ConnectionAttempt, to report: inout SendReport) {
        report.connections.append(Self.connectionReport(attempt))
        guard let handle = attempt.handle else { return }
        if indexes == nil && attempt.index != handles.count { indexes = Array(handles.indices) }
        handles.append(handle)
        indexes?.append(attempt.index)
        if destination == nil { destination = attempt.remote }
    }

    /// The report index of the made connection at `position` of `handles`.
    func index(at position: Int) -> Int { indexes?[position] ?? position }

    /// The made connections' report indexes and sockets, in index order (read in place, not copied).
    var open: LazyMapCollection<Range<Int>, (index: Int, handle: SOCKET)> {
        handles.indices.lazy.map { (index: index(at: $0), handle: handles[$0]) }
    }

    private static func connectionReport(_ attempt: ConnectionAttempt) -> ConnectionReport {
        var connection = ConnectionReport(index: attempt.index)
        connection.localAddress = attempt.local.map(ReportAddress.init)
        connection.remoteAddress = attempt.remote.map(ReportAddress.init)
        connection.connectNanoseconds = attempt.connectNanoseconds
        connection.error = attempt.error
        connection.connectFailed = attempt.handle == nil
        return connection
    }
}
