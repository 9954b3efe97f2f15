import ArgumentParser

// The bridge between the pure grammars and ArgumentParser: a transform that throws the grammar's own
// error, whose description ArgumentParser puts after "The value 'X' is invalid for '--option'".

extension Result where Failure == GrammarError {
    /// The value, or the grammar's error thrown for ArgumentParser.
    func parsed() throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw error
        }
    }
}

extension SendMode: ExpressibleByArgument {
    /// A mode in any case: `--mode EVENT` as `--mode event`, as flags and codes are read.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
