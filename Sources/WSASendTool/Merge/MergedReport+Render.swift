/// The merged report as JSON (shaped like a run's report, so that merges merge again) and as text.
extension MergedReport {
    public var json: JSONValue {
        let first = shards[0]
        var summary: [(String, JSONValue)] = counters.map { ($0.0, .uint($0.1)) }
        summary.append(("codes", .array(codes.entries.map(SendReport.codeJSON))))
        summary.append(("completion_codes", .array(completionCodes.entries.map(SendReport.codeJSON))))
        summary.append(("elapsed_seconds", .seconds(elapsedNanoseconds)))
        summary.append(("throughput_bytes_per_second", .double(bytesPerSecond)))
        summary.append(("throughput_bits_per_second", .double(bytesPerSecond * 8)))
        summary.append(("calls_per_second", .double(callsPerSecond)))
        summary.append(("latency_seconds", SendReport.latencyJSON(latency)))
        summary.append(("latency_histogram", SendReport.histogramJSON(histogram)))
        return .object([
            ("target", targetJSON),
            ("mode", .string(first.mode)),
            ("flags", .array(first.flags.map { .string($0) })),
            ("buffers", .array(first.buffers.map { .uint($0) })),
            ("started_at", startedAt.map { .string($0.description) } ?? .null),
            ("ended_at", endedAt.map { .string($0.description) } ?? .null),
            ("summary", .object(summary)),
            ("shards", .array(shards.map(Self.shardJSON))),
            ("exit_status", .int(Int64(exitStatus.rawValue))),
        ])
    }

    /// `{"host", "port", "transport"}` back from "HOST:PORT (transport)".
    private var targetJSON: JSONValue {
        let parts = target.split(separator: " ")
        let transport = parts.last.map { String($0.dropFirst().dropLast()) } ?? ""
        let address = parts.first.map(String.init) ?? ""
        let colon = address.lastIndex(of: ":") ?? address.endIndex
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = UInt64(address[address.index(after: min(colon, address.index(before: address.endIndex)))...]) ?? 0
        return .object([("host", .string(host)), ("port", .uint(port)), ("transport", .string(transport))])
    }

    private static func shardJSON(_ report: ShardReport) -> JSONValue {
        .object([
            ("source", .string(report.source)),
            ("shard", report.shard.map { .object([("index", .uint($0.index)), ("count", .uint($0.count))]) } ?? .null),
            ("started_at", report.startedAt.map { .string($0.description) } ?? .null),
            ("ended_at", report.endedAt.map { .string($0.description) } ?? .null),
            ("calls", .uint(report.count("calls"))),
            ("bytes_sent", .uint(report.count("bytes_sent"))),
            ("failed", .uint(report.count("failed"))),
            ("elapsed_seconds", .seconds(report.elapsedNanoseconds)),
            ("latency_seconds", SendReport.latencyJSON(report.latency.map(withPercentiles(report)))),
            ("exit_status", .int(report.exitStatus)),
        ])
    }

    /// A shard's figures with the percentiles of its own histogram.
    private static func withPercentiles(_ report: ShardReport) -> (LatencySummary) -> LatencySummary {
        { latency in
            var figures = latency
            guard let histogram = report.histogram else { return figures }
            func percentile(_ value: Double) -> UInt64 {
                min(max(histogram.valueAtPercentile(value), latency.min), latency.max)
            }
            figures.p50 = percentile(50)
            figures.p90 = percentile(90)
            figures.p99 = percentile(99)
            return figures
        }
    }

    public var text: String {
        var lines: [String] = []
        let first = shards[0]
        lines.append(
            "wsasend merge of \(Units.count(UInt64(shards.count), "report", "reports")): \(target), \(first.mode), "
                + "buffers \(Self.describe(first.buffers))")
        let calls = count("calls")
        lines.append(
            SendReport.line(
                "calls",
                "\(Units.grouped(calls)): \(Units.grouped(count("completed_immediately"))) completed immediately, "
                    + "\(Units.grouped(count("pending"))) pending, \(Units.grouped(count("failed"))) failed"))
        lines.append(
            SendReport.line(
                "bytes",
                "\(Units.grouped(count("bytes_sent"))) sent of \(Units.grouped(count("bytes_requested"))) requested"))
        if !codes.isEmpty {
            let list = codes.entries.map { "\($0.error.name) (\($0.error.code)) x \(Units.grouped($0.count))" }
            lines.append(SendReport.line("codes", list.joined(separator: ", ")))
        }
        if let latency {
            let figures = [
                ("min", Double(latency.min)), ("p50", Double(latency.p50)), ("p90", Double(latency.p90)),
                ("p99", Double(latency.p99)), ("max", Double(latency.max)), ("mean", latency.mean),
            ]
            lines.append(
                SendReport.line("latency", figures.map { "\($0.0) \(Units.duration($0.1))" }.joined(separator: ", ")))
        }
        var elapsed = Units.duration(Double(elapsedNanoseconds))
        if let startedAt, let endedAt { elapsed += " (\(startedAt) to \(endedAt))" }
        lines.append(SendReport.line("elapsed", elapsed))
        lines.append(
            SendReport.line(
                "throughput",
                "\(Units.rate(bytesPerSecond * 8, unit: "bit")) (\(Units.rate(bytesPerSecond, unit: "B"))), "
                    + "\(Units.perSecond(callsPerSecond)) calls/s"))
        for report in shards {
            let name = report.shard.map { "shard \($0)" } ?? "report"
            var row =
                "  \(name) \(report.source): \(Units.grouped(report.count("calls"))) calls, "
                + "\(Units.grouped(report.count("bytes_sent"))) bytes, \(Units.duration(Double(report.elapsedNanoseconds)))"
            if let latency = report.latency.map(Self.withPercentiles(report)) {
                row += ", p50 \(Units.duration(Double(latency.p50))), p99 \(Units.duration(Double(latency.p99)))"
            }
            if report.exitStatus != 0 { row += ", exit \(report.exitStatus)" }
            lines.append(row)
        }
        return lines.joined(separator: "\n")
    }
}
