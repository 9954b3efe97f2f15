import Winsock

/// What the sink saw on one connection (TCP), or on its socket (UDP: every datagram).
public struct SinkConnectionReport: Sendable {
    public var index: Int
    /// The peer's address (TCP).
    public var peer: String?
    public var bytes: UInt64 = 0
    /// Urgent (OOB) bytes: the urgent marks the sink saw. Linux keeps one urgent pointer per connection,
    /// so marks that arrive before the previous urgent byte is read count once.
    public var urgentBytes: UInt64 = 0
    /// recv calls that returned data, or (UDP) an empty datagram.
    public var receiveCalls: UInt64 = 0
    /// Datagrams received (UDP).
    public var datagrams: UInt64 = 0
    /// Monotonic times, in nanoseconds: accepted (or the socket opened), first and last byte (for UDP,
    /// datagram, empty ones included).
    public var opened: UInt64 = 0
    public var firstByte: UInt64?
    public var lastByte: UInt64?
    /// The code that ended the connection, when it did not end with a graceful close.
    public var error: Int32?

    public init(index: Int) { self.index = index }

    /// From the first byte to the last, in nanoseconds.
    public var receiveNanoseconds: UInt64 {
        guard let firstByte, let lastByte else { return 0 }
        return lastByte &- firstByte
    }

    /// This connection's bytes per second from its first byte to its last; nil when that is no time
    /// (nothing, or everything in one recv).
    public var bytesPerSecond: Double? {
        receiveNanoseconds == 0 ? nil : Double(bytes) * 1e9 / Double(receiveNanoseconds)
    }
}

/// Everything a sink run saw.
public struct SinkReport: Sendable {
    public var address: String
    public var host: String
    public var port: UInt16
    public var transport: Transport
    public var connections: [SinkConnectionReport] = []
    public var failure: ToolFailure?
    public var interrupted = false
    /// Which signal, when `interrupted`.
    public var stopSignal = StopSignal.interrupt

    public init(plan: SinkPlan) {
        address = plan.address.description
        host = plan.address.host
        port = plan.address.port
        transport = plan.transport
    }

    public var bytes: UInt64 { connections.reduce(0) { $0 + $1.bytes } }
    public var urgentBytes: UInt64 { connections.reduce(0) { $0 + $1.urgentBytes } }
    public var receiveCalls: UInt64 { connections.reduce(0) { $0 + $1.receiveCalls } }
    public var datagrams: UInt64 { connections.reduce(0) { $0 + $1.datagrams } }

    /// From the first byte on any connection to the last, in nanoseconds.
    public var elapsedNanoseconds: UInt64 {
        let firsts = connections.compactMap(\.firstByte)
        let lasts = connections.compactMap(\.lastByte)
        guard let first = firsts.min(), let last = lasts.max() else { return 0 }
        return last &- first
    }

    /// The time at least one connection was receiving, in nanoseconds: the union of the connections'
    /// first-byte-to-last intervals. Unlike `elapsedNanoseconds` it leaves out the gaps between
    /// connections that did not overlap (five runs spread over seconds are not one slow stream).
    public var busyNanoseconds: UInt64 {
        let intervals = connections.compactMap { connection in
            connection.firstByte.flatMap { first in connection.lastByte.map { (first, $0) } }
        }.sorted { $0.0 < $1.0 }
        var busy: UInt64 = 0
        var current: (start: UInt64, end: UInt64)?
        for (start, end) in intervals {
            if let open = current, start <= open.end {
                current = (open.start, max(open.end, end))
            } else {
                if let open = current { busy += open.end &- open.start }
                current = (start, end)
            }
        }
        if let open = current { busy += open.end &- open.start }
        return busy
    }

    /// The total rate: every byte over the busy time; 0 when that is no time.
    public var bytesPerSecond: Double {
        let busy = busyNanoseconds
        return busy == 0 ? 0 : Double(bytes) * 1e9 / Double(busy)
    }

    public var exitStatus: ExitStatus {
        if let failure { return failure.status }
        if interrupted { return stopSignal.exitStatus }
        return connections.contains { $0.error != nil } ? .failure : .success
    }

    public var errorSentence: String? {
        if let failure { return failure.message }
        if interrupted { return "interrupted: the report covers what arrived before \(stopSignal.name)" }
        let failed = connections.filter { $0.error != nil }
        guard let first = failed.first, let code = first.error else { return nil }
        return "\(failed.count) of \(connections.count) connections ended with an error: \(WSAError(code))"
    }
}
