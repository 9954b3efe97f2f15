import Winsock

/// The JSON report, with its fixed fields in their order and a few more: `would_block`,
/// `partial`, `interrupted` and `sets` in the summary, `throughput_bits_per_second`, `calls_per_second`, per-connection
/// `remote` and counters, and at the end `interrupted`, `exit_status` and `error`.
extension SendReport {
    public var json: JSONValue {
        var target: [(String, JSONValue)] = [
            ("host", .string(host)), ("port", .uint(UInt64(port))), ("transport", .string(transport.rawValue)),
        ]
        if listening { target.append(("listen", .bool(true))) }
        var fields: [(String, JSONValue)] = [
            ("target", .object(target)),
            ("mode", .string(mode.rawValue)),
            ("flags", .array(FlagList.names(flags).map { .string($0) })),
            ("buffers", .array(buffers.lengths.map { .uint(UInt64($0)) })),
        ]
        if let file { fields.append(("file", .string(file))) }
        if mode.isOverlapped {
            fields.append(("outstanding", .uint(UInt64(outstanding))))
            fields.append(("backend", backend.map { .string($0) } ?? .null))
        }
        if let shard {
            fields.append(("shard", .object([("index", .uint(shard.index)), ("count", .uint(shard.count))])))
        }
        fields.append(("started_at", startedAt.map { .string($0.description) } ?? .null))
        fields.append(("ended_at", endedAt.map { .string($0.description) } ?? .null))
        fields.append(("summary", summaryJSON))
        // Made one connection at a time as the report is written (10,000 connections' values were 14 MB).
        fields.append(
            (
                "connections",
                .generated(count: connections.count) { [connections] in Self.connectionJSON(connections[$0]) }
            ))
        fields.append(("drain", Self.drainJSON(drain)))
        fields.append(("interrupted", .bool(interrupted)))
        fields.append(("exit_status", .int(Int64(exitStatus.rawValue))))
        fields.append(("error", errorJSON))
        return .object(fields)
    }

    private var summaryJSON: JSONValue {
        let rate = bytesPerSecond
        let fields: [(String, JSONValue)] = [
            ("calls", .uint(summary.calls)),
            ("bytes_requested", .uint(summary.bytesRequested)),
            ("bytes_sent", .uint(summary.bytesSent)),
            ("completed_immediately", .uint(summary.completedImmediately)),
            ("pending", .uint(summary.pending)),
            ("failed", .uint(summary.failed)),
            ("would_block", .uint(summary.wouldBlock)),
            ("partial", .uint(summary.partial)),
            ("interrupted", .uint(summary.interrupted)),
            ("sets", .uint(summary.sets)),
            ("codes", .array(summary.codes.entries.map(Self.codeJSON))),
            ("completion_codes", .array(summary.completionCodes.entries.map(Self.codeJSON))),
            ("cancelled_by_run", .uint(summary.cancelledByRun)),
            ("elapsed_seconds", .seconds(elapsedNanoseconds)),
            ("throughput_bytes_per_second", .double(rate)),
            ("throughput_bits_per_second", .double(rate * 8)),
            ("calls_per_second", .double(callsPerSecond)),
            ("latency_seconds", Self.latencyJSON(latency)),
            ("latency_histogram", Self.histogramJSON(latencyHistogram)),
        ]
        return .object(fields + scheduledJSON)
    }

    /// With `--rate`: the latency from the schedule, beside the per-call figures.
    private var scheduledJSON: [(String, JSONValue)] {
        guard rate != nil, scheduledLatency != nil else { return [] }
        return [
            ("scheduled_latency_seconds", Self.latencyJSON(scheduledLatency)),
            ("scheduled_latency_histogram", Self.histogramJSON(scheduledHistogram)),
        ]
    }

    static func codeJSON(_ entry: (error: WSAError, count: UInt64)) -> JSONValue {
        .object([
            ("code", .int(Int64(entry.error.code))), ("name", .string(entry.error.name)), ("count", .uint(entry.count)),
        ])
    }

    static func latencyJSON(_ latency: LatencySummary?) -> JSONValue {
        guard let latency else { return .null }
        return .object([
            ("min", .seconds(latency.min)), ("p50", .seconds(latency.p50)), ("p90", .seconds(latency.p90)),
            ("p99", .seconds(latency.p99)), ("max", .seconds(latency.max)), ("mean", .double(latency.mean / 1e9)),
        ])
    }

    static func connectionJSON(_ connection: ConnectionReport) -> JSONValue {
        let counters = connection.counters
        return .object([
            ("index", .int(Int64(connection.index))),
            ("local", .string(connection.local)),
            ("remote", .string(connection.remote)),
            ("connect_seconds", connection.connectNanoseconds.map { .seconds($0) } ?? .null),
            ("calls", .uint(counters.calls)),
            ("bytes_sent", .uint(counters.bytesSent)),
            ("completed_immediately", .uint(counters.completedImmediately)),
            ("pending", .uint(counters.pending)),
            ("would_block", .uint(counters.wouldBlock)),
            ("partial", .uint(counters.partial)),
            ("failed", .uint(counters.failed)),
            ("interrupted", .uint(counters.interrupted)),
            ("finished_seconds", connection.finishedNanoseconds.map { .seconds($0) } ?? .null),
            ("error", .error(connection.error)),
            ("tcp", tcpJSON(connection.tcp)),
        ])
    }

    /// The kernel's view of a TCP connection (TCP_INFO, SIOCOUTQ); null for UDP or a closed socket.
    static func tcpJSON(_ tcp: TCPView?) -> JSONValue {
        guard let tcp else { return .null }
        return .object([
            ("retransmitted_segments", .uint(UInt64(tcp.retransmittedSegments))),
            ("rtt_seconds", .double(Double(tcp.roundTripMicroseconds) / 1e6)),
            ("rtt_variance_seconds", .double(Double(tcp.roundTripVarianceMicroseconds) / 1e6)),
            ("congestion_window_segments", .uint(UInt64(tcp.congestionWindow))),
            ("unacknowledged_bytes", .uint(tcp.unacknowledgedBytes)),
        ])
    }

    /// What `--drain` found; null when it was not asked for.
    static func drainJSON(_ drain: DrainReport?) -> JSONValue {
        guard let drain else { return .null }
        return .object([
            ("timeout_seconds", .seconds(drain.timeout)),
            ("seconds", .seconds(drain.waited)),
            ("complete", .bool(drain.complete)),
            ("unacknowledged_bytes", .uint(drain.unacknowledgedBytes)),
        ])
    }

    private var errorJSON: JSONValue {
        guard let sentence = errorSentence, exitStatus != .success else { return .null }
        var fields: [(String, JSONValue)] = [("message", .string(sentence))]
        let code = failure?.code ?? connections.first(where: { $0.error != nil })?.error
        if let code, failure == nil || failure?.code != nil {
            fields.append(("code", .int(Int64(code))))
            fields.append(("name", .string(WSAError(code).name)))
        }
        return .object(fields)
    }
}
