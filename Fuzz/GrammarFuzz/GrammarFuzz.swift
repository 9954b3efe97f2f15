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
/// Without libFuzzer (a normal build), the same checks over saved inputs:
/// `GrammarFuzz GRAMMAR FILE...` reproduces a crash that `make fuzz` found.
@main
enum Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let grammar = arguments.first, GrammarProperties.names.contains(grammar), arguments.count > 1 else {
            let names = GrammarProperties.names.joined(separator: ", ")
            printError("usage: GrammarFuzz GRAMMAR FILE... (grammars: \(names))")
            exit(64)
        }
        var broken = 0
        for path in arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                printError("GrammarFuzz: cannot read \(path)")
                exit(66)
            }
            var bytes: [UInt8] = []
            var byte = fgetc(file)
            while byte != EOF {
                bytes.append(UInt8(byte))
                byte = fgetc(file)
            }
            fclose(file)
            let input = String(decoding: bytes, as: UTF8.self)
            if let violation = GrammarProperties.violation(grammar: grammar, input: input) {
                print("\(path): \(violation)")
                broken += 1
            }
        }
        exit(broken == 0 ? 0 : 1)
    }

    /// One line on standard error (the C `stderr` global is not concurrency-safe in Swift 6).
    static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
#endif
