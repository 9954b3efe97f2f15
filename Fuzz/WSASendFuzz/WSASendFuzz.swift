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
import FuzzReplay

/// Without libFuzzer (a normal build), the same calls and checks over saved inputs:
/// `WSASendFuzz FILE...` replays the corpus, or a crash that `make fuzz` found (a broken call traps).
@main
enum Replay {
    static func main() {
        let paths = Array(CommandLine.arguments.dropFirst())
        guard !paths.isEmpty else { FuzzReplay.usage("WSASendFuzz FILE...") }
        FuzzReplay.run(tool: "WSASendFuzz", paths: paths, done: "every call kept the contract") { bytes in
            _ = bytes.withUnsafeBufferPointer { fuzzOneInput($0.baseAddress, $0.count) }
            return nil
        }
    }
}
#endif
