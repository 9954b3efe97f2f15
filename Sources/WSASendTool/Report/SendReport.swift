import Histogram
import Winsock

/// One connection's part of a send report.
public struct ConnectionReport: Sendable {
    public var index: Int
    /// The local address ("127.0.0.1:53422"), when the socket was bound.
    public var local: String? {
        get { localAddress?.description }
        set { localAddress = newValue.map(ReportAddress.text) }
    }
    /// The peer's address.
    public var remote: String? {
        get { remoteAddress?.description }
        set { remoteAddress = newValue.map(ReportAddress.text) }
    }
    /// The two addresses as kept: compactly, printed when the report is (see `ReportAddress`).
    var localAddress: ReportAddress?
    var remoteAddress: ReportAddress?
    /// Time to connect (or, with `--listen`, to accept), in nanoseconds.
    public var connectNanoseconds: UInt64?
    /// What its WSASend calls did. Kept in an object that, after an overlapped run, is the driver's own
    /// connection (see `ConnectionCounters`): 8 bytes in the entry instead of 104.
    public var counters: CallCounters {
        get { sharedCounters.value }
        set { sharedCounters.value = newValue }
    }
    private var sharedCounters = SharedCallCounters()
    /// The code that ended the connection: a failed connect, or a WSASend that failed.
    public var error: Int32?
    /// True when the connection could not be made (the error is the connect's).
    public var connectFailed = false
    /// When the connection was done and closed, in nanoseconds from the start of sending.
    public var finishedNanoseconds: UInt64?
    /// The kernel's view of a TCP connection after its last call; nil for UDP or a closed socket.
    public var tcp: TCPView?

    public init(index: Int) { self.index = index }

    /// Keeps `counters`, the object the connection's driver counted in, as this connection's counters.
    mutating func keepCounters(_ counters: ConnectionCounters) {
        sharedCounters = SharedCallCounters(keeping: counters)
    }
}

/// Everything a send run found: what the JSON report holds, and the text report's source.
public struct SendReport: Sendable {
    /// The target as given ("127.0.0.1:9000"), or the listen address.
    public var endpoint: String
    public var host: String
    public var port: UInt16
    public var listening: Bool
    public var transport: Transport
    public var mode: SendMode
    /// Calls in flight per connection (overlapped modes).
    public var outstanding: Int
    public var flags: DWORD
    public var buffers: BufferSpec
    /// The file sent with `--file`, if any.
    public var file: String?
    /// What the header repeats of the plan: `--count`, `--duration`, `--sndbuf`, `--rate`, `--nodelay`.
    public var count: UInt64?
    public var duration: UInt64?
    public var sendBufferSize: UInt32?
    /// `--sndtimeo` in milliseconds, and `--drain`'s timeout in nanoseconds.
    public var sendTimeoutMilliseconds: UInt32?
    public var drainTimeout: UInt64?
    public var rate: UInt64?
    public var noDelay = false
    /// Totals over every connection.
    public var summary = CallCounters()
    public var latency: LatencySummary?
    /// From the first call to the end of the last, in nanoseconds.
    public var elapsedNanoseconds: UInt64 = 0
    public var connections: [ConnectionReport] = []
    /// Set when the run ended early with a status other than 0 or 1 (66, 68, 69, 70).
    public var failure: ToolFailure?
    /// True when a signal (SIGINT, SIGTERM, SIGHUP) ended the run.
    public var interrupted = false
    /// Which signal, when `interrupted`.
    public var stopSignal = StopSignal.interrupt
    /// The overlapped engine's backend ("io_uring", or "poll" and why), in the overlapped modes.
    public var backend: String?
    /// This process's shard of a larger run (`--shard`).
    public var shard: Shard?
    /// The wall-clock instants of the first call and of the end of the last (the monotonic elapsed time
    /// after the start), for `merge` to span shards that ran on several hosts.
    public var startedAt: WallClockTime?
    public var endedAt: WallClockTime?
    /// Every call's latency in nanoseconds, for the JSON report's lossless encoding and `--histogram`.
    public var latencyHistogram: Histogram<UInt64>?
    /// With `--rate`: each buffer set's latency from its intended start
    /// on the schedule, as wrk2 measures, beside the per-call figures that leave out the waiting a stall
    /// imposes on the calls behind it (coordinated omission).
    public var scheduledLatency: LatencySummary?
    public var scheduledHistogram: Histogram<UInt64>?
    /// What `--drain` found; nil when it was not asked for.
    public var drain: DrainReport?
    /// `--udp --no-connect`: the sockets were never connected, and every datagram went with WSASendTo.
    public var unconnected = false

    public init(plan: RunPlan) {
        switch plan.endpoint {
        case .connect(let target):
            endpoint = target.description
            host = target.host
            port = target.port
            listening = false
        case .listen(let address):
            endpoint = address.description
            host = address.host
            port = address.port
            listening = true
        }
        transport = plan.transport
        mode = plan.mode
        outstanding = plan.outstanding
        flags = plan.flags
        buffers = plan.buffers
        if case .file(let path) = plan.payload { file = path }
        count = plan.count
        duration = plan.duration
        sendBufferSize = plan.sendBufferSize
        sendTimeoutMilliseconds = plan.sendTimeoutMilliseconds
        drainTimeout = plan.drainTimeout
        rate = plan.rate
        noDelay = plan.noDelay
        shard = plan.shard
        unconnected = plan.noConnect
    }

    /// Bytes per second over the elapsed time; 0 when nothing was timed.
    public var bytesPerSecond: Double {
        elapsedNanoseconds == 0 ? 0 : Double(summary.bytesSent) * 1e9 / Double(elapsedNanoseconds)
    }

    /// Connections that were made.
    /// Counted in place: a filtered copy of 10,000 connections' entries (6 MB as it grew) was the peak of
    /// a 10,000-connection run.
    public var connected: Int { connections.count(where: { !$0.connectFailed }) }

    /// WSASend calls per second over the elapsed time; 0 when nothing was timed.
    public var callsPerSecond: Double {
        elapsedNanoseconds == 0 ? 0 : Double(summary.calls) * 1e9 / Double(elapsedNanoseconds)
    }

    /// The exit status for this report.
    public var exitStatus: ExitStatus {
        if let failure { return failure.status }
        if interrupted { return stopSignal.exitStatus }
        if !connections.isEmpty && connected == 0 { return .unavailable }
        if summary.failed > 0 || summary.completionFailures > 0 || connections.contains(where: { $0.error != nil }) {
            return .failure
        }
        return .success
    }

    /// The one sentence for stderr when the exit status is not 0; nil otherwise.
    public var errorSentence: String? {
        if let failure { return failure.message }
        if interrupted { return "interrupted: the report covers the calls made before \(stopSignal.name)" }
        let failedConnections = connections.filter(\.connectFailed)
        if !connections.isEmpty && failedConnections.count == connections.count {
            let error = WSAError(failedConnections[0].error ?? WSAECONNREFUSED)
            let what = listening ? "no connection was accepted on" : "cannot connect to"
            return "\(what) \(endpoint): \(error.name) (\(error.code)): \(error.summary)"
        }
        var parts: [String] = []
        if !failedConnections.isEmpty {
            let error = WSAError(failedConnections[0].error ?? 0)
            parts.append("\(failedConnections.count) of \(connections.count) connections failed: \(error)")
        }
        if summary.failed > 0 {
            let codes = connections.compactMap { $0.connectFailed ? nil : $0.error }
            let names = Array(Set(codes)).sorted().map { WSAError($0).description }.joined(separator: ", ")
            parts.append("\(summary.failed) of \(summary.calls) WSASend calls failed: \(names)")
        }
        if summary.completionFailures > 0 {
            var failures = summary.completionCodes
            failures.remove(WSA_OPERATION_ABORTED, count: summary.cancelledByRun)
            let names = failures.entries.map(\.error.description).joined(separator: ", ")
            parts.append("\(summary.completionFailures) overlapped calls completed with an error: \(names)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
