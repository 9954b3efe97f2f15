import Winsock

/// What the run keeps of its connection attempts once each has gone into the report: the sockets of the
/// connections that were made, and the peer for `--no-connect`.
///
/// Each attempt becomes its `ConnectionReport` as soon as it ends, rather than all attempts being kept
/// until the last: an attempt carries two `SocketAddress` values (two `sockaddr_storage`), and 10,000
/// of them in a growing array were 5 MB at the run's peak.
struct MadeConnections {
    /// The report index and socket of each connection that was made, in index order.
    var open: [(index: Int, handle: SOCKET)] = []
    /// The first made connection's peer: where `--no-connect` sends with WSASendTo.
    var destination: SocketAddress?

    init(expected: Int) { open.reserveCapacity(expected) }

    /// Puts the attempt in the report and keeps its socket, if it has one.
    mutating func add(_ attempt: ConnectionAttempt, to report: inout SendReport) {
        report.connections.append(Self.connectionReport(attempt))
        guard let handle = attempt.handle else { return }
        open.append((attempt.index, handle))
        if destination == nil { destination = attempt.remote }
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
