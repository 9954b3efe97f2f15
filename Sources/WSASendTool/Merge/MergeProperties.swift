/// What must hold for `merge`'s reader whatever text it is given: the fuzzers' oracle for it, through
/// `GrammarProperties`.
///
/// Text either reads as JSON values or gets one refusal on one line; each value, written back (on one line
/// as NDJSON, or indented as `--json`), reads as the same value; a value is a report or refused with one
/// line; reports that read merge, or are refused with one line each, and the merged report renders and
/// reads back too.
enum MergeProperties {
    static func violation(_ text: String) -> String? {
        let values: [JSONValue]
        switch JSONReader.values(Array(text.utf8)) {
        case .failure(let error): return GrammarProperties.sentenceViolation(error.description)
        case .success(let read): values = read
        }
        var reports: [ShardReport] = []
        for (position, value) in values.enumerated() {
            if let broken = readsBack(value) { return broken }
            switch ShardReport.read(value, source: "input #\(position + 1)") {
            case .success(let report): reports.append(report)
            case .failure(let error):
                if let broken = GrammarProperties.sentenceViolation(error.description) { return broken }
            }
        }
        guard !reports.isEmpty else { return nil }
        switch MergedReport.merge(reports) {
        case .success(let merged):
            guard !merged.text.isEmpty else { return "the merged report has no text" }
            return readsBack(merged.json)
        case .failure(let failure):
            guard !failure.errors.isEmpty else { return "a merge refused with no reason" }
            for error in failure.errors {
                if let broken = GrammarProperties.sentenceViolation(error.description) { return broken }
            }
            return nil
        }
    }

    /// A value written back on one line and indented reads as the same one value.
    static func readsBack(_ value: JSONValue) -> String? {
        for text in [value.renderedOnOneLine(), value.rendered()] {
            switch JSONReader.values(Array(text.utf8)) {
            case .success(let again) where again == [value]:
                continue
            case .success(let again):
                return "\(String(reflecting: text)) reads back as \(again.map { $0.renderedOnOneLine() })"
            case .failure(let error):
                return "\(String(reflecting: text)) does not read back: \(error)"
            }
        }
        return nil
    }
}
