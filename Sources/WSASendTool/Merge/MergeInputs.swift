/// Reads `merge`'s inputs: each file holds one report (as `--json` prints it) or several, one after
/// another (NDJSON, or files joined by `cat`); "-" reads them from standard input. The interval lines of
/// `--json-stream` (`"event": "interval"`) are passed over: the report on a stream's last line holds
/// them all. Every input that cannot be read or is not a report gets its own line; any such line fails
/// the whole merge.
public enum MergeInputs {
    public static func read(_ paths: [String]) -> Result<[ShardReport], ToolFailure> {
        var reports: [ShardReport] = []
        var lines: [String] = []
        var unreadable = false
        for path in paths {
            let bytes: [UInt8]
            switch WholeFile.read(path) {
            case .success(let read): bytes = read
            case .failure(let error):
                lines.append("\(path): cannot read it: \(systemMessage(error.code))")
                unreadable = true
                continue
            }
            let name = path == "-" ? "standard input" : path
            switch JSONReader.values(bytes).map({ $0.filter { !Self.isIntervalLine($0) } }) {
            case .failure(let error):
                lines.append("\(name): \(error)")
            case .success(let values) where values.isEmpty:
                lines.append("\(name): empty: no report in it")
            case .success(let values):
                for (position, value) in values.enumerated() {
                    let source = values.count == 1 ? name : "\(name) #\(position + 1)"
                    switch ShardReport.read(value, source: source) {
                    case .success(let report): reports.append(report)
                    case .failure(let error): lines.append(error.description)
                    }
                }
            }
        }
        if lines.isEmpty {
            switch MergedReport.merge(reports) {
            case .success: return .success(reports)
            case .failure(let failure): lines = failure.errors.map(\.description)
            }
        }
        return .failure(.badMergeInputs(lines: lines, unreadable: unreadable))
    }

    /// True for an interval line of `--json-stream`.
    static func isIntervalLine(_ value: JSONValue) -> Bool {
        value["event"]?.stringValue == IntervalReport.eventName
    }
}
