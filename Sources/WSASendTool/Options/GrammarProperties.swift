import Winsock

/// What must hold for every grammar whatever text it is given: the fuzzers' oracle and the corpus
/// regression test's, so that both check the same properties.
///
/// A grammar must never trap, must answer a refusal with a non-empty one-line sentence, and a value it
/// accepts must survive being written back and parsed again (the report and the help print values in the
/// grammar, and a user copies them back into a command line). The REPL's lines and `merge`'s reader are
/// checked the same way (`ReplProperties`, `MergeProperties`).
public enum GrammarProperties {
    /// The grammars by the name a fuzz run or a corpus folder uses.
    public static let names = [
        "target", "listen", "buffers", "size", "duration", "rate", "flags", "code", "number", "port", "shard", "time",
        "repl-line", "repl-session", "merge",
    ]

    /// Checks one input against the named grammar; nil when every property holds, else what broke.
    public static func violation(grammar: String, input: String) -> String? {
        switch grammar {
        case "target":
            return check(Target.parse(input)) { value in
                guard value.port >= 1 else { return "accepted port 0 as a target" }
                return roundTrip(value, Target.parse(value.description))
            }
        case "listen":
            return check(ListenAddress.parse(input)) { value in
                roundTrip(value, ListenAddress.parse(value.description))
            }
        case "buffers":
            return check(BufferSpec.parse(input)) { value in
                guard !value.lengths.isEmpty, value.lengths.count <= BufferSpec.maximumCount else {
                    return "accepted \(value.lengths.count) buffers"
                }
                guard value.totalBytes <= UInt64(UInt32.max) else { return "accepted \(value.totalBytes) bytes a call" }
                return roundTrip(value, BufferSpec.parse(value.description))
            }
        case "size":
            return check(ByteSize.parse(input[...])) { value in
                value <= UInt64(UInt32.max) ? nil : "accepted \(value), above the default limit"
            }
        case "duration":
            return check(DurationGrammar.parse(input)) { value in
                value > 0 ? nil : "accepted a zero duration where a positive one is needed"
            }
        case "rate":
            return check(RateGrammar.parse(input)) { _ in nil }
        case "flags":
            return check(FlagList.parse(input)) { value in
                roundTrip(value, FlagList.parse(FlagList.names(value).joined(separator: ",")), allowEmpty: value == 0)
            }
        case "code":
            return check(ErrorCodeGrammar.parse(input)) { value in
                guard case .success(let again) = ErrorCodeGrammar.parse(value.name), again.code == value.code else {
                    return "the name \(value.name) does not parse back to \(value.code)"
                }
                return nil
            }
        case "number":
            return check(NumberGrammar.parse(input, what: "--count", in: 1...1_000_000)) { value in
                (1...1_000_000).contains(value) ? nil : "accepted \(value) outside 1 to 1000000"
            }
        case "port":
            return check(PortGrammar.parse(input[...], allowZero: false)) { value in
                value >= 1 ? nil : "accepted port 0 where it is not allowed"
            }
        case "shard":
            return check(ShardSpec.parse(input)) { value in
                if case .fixed(let shard) = value, shard.index >= shard.count {
                    return "accepted index \(shard.index) of \(shard.count) shards"
                }
                return roundTrip(value, ShardSpec.parse(value.description))
            }
        case "time":
            return check(WallClockTime.parse(input)) { value in
                roundTrip(value, WallClockTime.parse(value.description))
            }
        case "repl-line":
            return ReplProperties.lineViolation(input)
        case "repl-session":
            return ReplProperties.sessionViolation(input)
        case "merge":
            return MergeProperties.violation(input)
        default:
            return "no grammar is named '\(grammar)'"
        }
    }

    /// A refusal must be one non-empty line; an accepted value must pass `accepted`.
    private static func check<Value>(
        _ result: Result<Value, GrammarError>, accepted: (Value) -> String?
    ) -> String? {
        switch result {
        case .success(let value):
            return accepted(value)
        case .failure(let error):
            return sentenceViolation(error.description)
        }
    }

    /// A refusal is one non-empty line: it follows `wsasend: ` on standard error or the REPL's prompt.
    static func sentenceViolation(_ sentence: String) -> String? {
        if sentence.isEmpty { return "an empty error sentence" }
        if breaksLine(sentence) {
            return "a refusal on more than one line: \(String(reflecting: sentence))"
        }
        return nil
    }

    /// True when the text holds a line feed or a carriage return (scalars: "\r\n" is one Character).
    static func breaksLine(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
    }

    /// A value written back in the grammar parses to the same value.
    private static func roundTrip<Value: Equatable>(
        _ value: Value, _ again: Result<Value, GrammarError>, allowEmpty: Bool = false
    ) -> String? {
        switch again {
        case .success(let parsed) where parsed == value: return nil
        case .success(let parsed): return "\(value) written back parses as \(parsed)"
        case .failure where allowEmpty: return nil
        case .failure(let error): return "\(value) written back is refused: \(error)"
        }
    }
}
