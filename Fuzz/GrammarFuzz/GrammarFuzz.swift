import WSASendTool

#if canImport(Glibc)
import Glibc
#endif

/// The grammar this fuzz run feeds, from `FUZZ_GRAMMAR` (one of `GrammarProperties.names`).
let fuzzedGrammar: String = getenv("FUZZ_GRAMMAR").map { String(cString: $0) } ?? "target"

/// libFuzzer's entry point: any bytes, decoded as UTF-8 with replacement (as the shell hands arguments
/// over), must keep every property of the grammar; a broken one traps so that libFuzzer saves the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let input = String(decoding: bytes, as: UTF8.self)
    if let violation = GrammarProperties.violation(grammar: fuzzedGrammar, input: input) {
        fatalError("grammar \(fuzzedGrammar), input \(String(reflecting: input)): \(violation)")
    }
    return 0
}

#if !FUZZING
import FuzzReplay

/// Without libFuzzer (a normal build), the same checks over saved inputs:
/// `GrammarFuzz GRAMMAR FILE...` reproduces a crash that `make fuzz` found.
@main
enum Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let grammar = arguments.first, GrammarProperties.names.contains(grammar), arguments.count > 1 else {
            let names = GrammarProperties.names.joined(separator: ", ")
            FuzzReplay.usage("GrammarFuzz GRAMMAR FILE... (grammars: \(names))")
        }
        FuzzReplay.run(tool: "GrammarFuzz", paths: Array(arguments.dropFirst()), done: "every property held") {
            GrammarProperties.violation(grammar: grammar, input: String(decoding: $0, as: UTF8.self))
        }
    }
}
#endif
