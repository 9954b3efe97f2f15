import Histogram
import Winsock

/// One input of `merge`: a `--json` report of one shard, read back with what the merge needs.
public struct ShardReport: Sendable {
    /// Where it came from ("shard-0.json", "-" for standard input, "-#2" for the second one there).
    public var source: String
    /// Host, port and transport: every input must name the same target.
    public var target: String
    public var mode: String
    public var flags: [String]
    public var buffers: [UInt64]
    public var shard: Shard?
    public var startedAt: WallClockTime?
    public var endedAt: WallClockTime?
    public var elapsedNanoseconds: UInt64
    /// The summary's counters, by their JSON names, summed as they are.
    public var counters: [(String, UInt64)]
    public var codes: CodeCounts
    public var completionCodes: CodeCounts
    /// The exact extremes and mean (seconds in the report, nanoseconds here), when any call was timed.
    public var latency: LatencySummary?
    public var histogram: Histogram<UInt64>?
    public var exitStatus: Int64

    /// The counters a merge adds up, in the report's order.
    public static let counterNames = [
        "calls", "bytes_requested", "bytes_sent", "completed_immediately", "pending", "failed", "would_block",
        "partial", "interrupted", "sets",
    ]

    /// Reads one JSON value as a report; the reason it is none otherwise (without the source's name).
    public static func read(_ value: JSONValue, source: String) -> Result<ShardReport, MergeError> {
        func bad(_ reason: String) -> Result<ShardReport, MergeError> {
            .failure(MergeError(source: source, reason: reason))
        }
        guard case .object = value, let targetValue = value["target"], let summary = value["summary"],
            case .object = summary, let host = targetValue["host"]?.stringValue,
            let port = targetValue["port"]?.uintValue, let transport = targetValue["transport"]?.stringValue
        else { return bad("not a wsasend report (no target and summary)") }
        guard let buffers = value["buffers"]?.arrayValue?.compactMap(\.uintValue) else {
            return bad("not a wsasend report (no buffers)")
        }
        var counters: [(String, UInt64)] = []
        for name in counterNames {
            guard let count = summary[name]?.uintValue else { return bad("the summary has no '\(name)' count") }
            counters.append((name, count))
        }
        guard let codes = readCodes(summary["codes"]), let completionCodes = readCodes(summary["completion_codes"])
        else { return bad("the summary's codes are not a list of code, name and count") }
        var shard: Shard?
        if let shardValue = value["shard"], shardValue != .null {
            guard let index = shardValue["index"]?.uintValue, let count = shardValue["count"]?.uintValue, index < count
            else { return bad("its shard is not an index below a count") }
            shard = Shard(index: index, count: count)
        }
        func instant(_ key: String) -> Result<WallClockTime?, MergeError> {
            guard let field = value[key], field != .null else { return .success(nil) }
            guard let text = field.stringValue, case .success(let time) = WallClockTime.parse(text) else {
                return .failure(MergeError(source: source, reason: "its \(key) is not an RFC 3339 time"))
            }
            return .success(time)
        }
        let startedAt: WallClockTime?
        let endedAt: WallClockTime?
        switch (instant("started_at"), instant("ended_at")) {
        case (.success(let start), .success(let end)):
            startedAt = start
            endedAt = end
        case (.failure(let error), _), (_, .failure(let error)):
            return .failure(error)
        }
        var latency: LatencySummary?
        var histogram: Histogram<UInt64>?
        if let figures = summary["latency_seconds"], figures != .null {
            guard let encoded = summary["latency_histogram"], encoded != .null else {
                return bad("its latencies carry no histogram (a report of an older wsasend cannot be merged exactly)")
            }
            guard encoded["unit"]?.stringValue == "nanoseconds", let data = encoded["data"]?.stringValue else {
                return bad("its latency histogram is not in nanoseconds with its data")
            }
            switch HistogramEncoding.decode(base64: data) {
            case .success(let decoded): histogram = decoded
            case .failure(let error): return bad(error.description)
            }
            func nanoseconds(_ key: String) -> UInt64? {
                figures[key]?.doubleValue.flatMap { $0 >= 0 && $0 < 1.8e10 ? UInt64(($0 * 1e9).rounded()) : nil }
            }
            guard let low = nanoseconds("min"), let high = nanoseconds("max"), let mean = figures["mean"]?.doubleValue
            else { return bad("its latency_seconds has no min, max and mean") }
            latency = LatencySummary(
                min: low, p50: 0, p90: 0, p99: 0, max: high, mean: mean * 1e9, count: histogram?.totalCount ?? 0)
        }
        return .success(
            ShardReport(
                source: source, target: "\(host.contains(":") ? "[\(host)]" : host):\(port) (\(transport))",
                mode: value["mode"]?.stringValue ?? "",
                flags: value["flags"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                buffers: buffers, shard: shard, startedAt: startedAt, endedAt: endedAt,
                elapsedNanoseconds: summary["elapsed_seconds"]?.doubleValue.flatMap(Self.nanoseconds) ?? 0,
                counters: counters, codes: codes, completionCodes: completionCodes, latency: latency,
                histogram: histogram, exitStatus: value["exit_status"]?.doubleValue.flatMap { Int64(exactly: $0) } ?? 0)
        )
    }

    /// Seconds as whole nanoseconds; nil for a negative or absurd value (past 2^63 ns, 292 years).
    static func nanoseconds(_ seconds: Double) -> UInt64? {
        seconds >= 0 && seconds < 9.2e9 ? UInt64((seconds * 1e9).rounded()) : nil
    }

    static func readCodes(_ value: JSONValue?) -> CodeCounts? {
        guard let list = value?.arrayValue else { return nil }
        var codes = CodeCounts()
        for entry in list {
            guard let code = entry["code"]?.doubleValue, let count = entry["count"]?.uintValue,
                let exact = Int32(exactly: code)
            else { return nil }
            codes.add(exact, count: count)
        }
        return codes
    }

    public func count(_ name: String) -> UInt64 { counters.first { $0.0 == name }?.1 ?? 0 }
}

/// Why one input cannot be merged: printed as `wsasend: SOURCE: REASON`.
public struct MergeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(reason)" }
}

/// Every input that cannot be merged, one error each.
public struct MergeFailure: Error, Sendable {
    public let errors: [MergeError]

    public init(errors: [MergeError]) { self.errors = errors }
}
