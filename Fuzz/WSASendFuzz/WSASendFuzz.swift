#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry point: up to eight WSASend calls decoded from the bytes, each checked by
/// `WSASendOracle` on one loopback connection made at the first input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzBytes(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    var calls = 0
    repeat {
        WSASendOracle.check(FuzzCall(&input))
        calls += 1
    } while !input.isAtEnd && calls < 8
    return 0
}

#if !FUZZING
/// Without libFuzzer (a normal build), the same calls and checks over saved inputs:
/// `WSASendFuzz FILE...` replays the corpus, or a crash that `make fuzz` found.
@main
enum Replay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            printError("usage: WSASendFuzz FILE...")
            exit(64)
        }
        for path in paths {
            guard let file = fopen(path, "rb") else {
                printError("WSASendFuzz: cannot read \(path)")
                exit(66)
            }
            var bytes: [UInt8] = []
            var byte = fgetc(file)
            while byte != EOF {
                bytes.append(UInt8(byte))
                byte = fgetc(file)
            }
            fclose(file)
            _ = bytes.withUnsafeBufferPointer { fuzzOneInput($0.baseAddress, $0.count) }
        }
        print("WSASendFuzz: \(paths.count) inputs replayed, every call kept the contract")
    }

    /// One line on standard error (the C `stderr` global is not concurrency-safe in Swift 6).
    static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
#endif
