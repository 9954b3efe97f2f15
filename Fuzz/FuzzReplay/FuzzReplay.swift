#if canImport(Glibc)
import Glibc
#endif

/// The replay side of the fuzz targets: without libFuzzer (a normal build), each target's `main` runs
/// saved inputs (the committed corpus, or a crash `make fuzz` found) through the same checks as the fuzz
/// run. One place for reading the files and for the exit statuses every target shares: 0 when every input
/// kept its properties, 1 when one broke them, 64 for a wrong command line, 66 for a file it cannot read.
public enum FuzzReplay {
    /// Runs `check` over the bytes of each file; a violation it returns is printed as `PATH: violation`.
    /// `done` is the last line when every input held.
    public static func run(tool: String, paths: [String], done: String, check: ([UInt8]) -> String?) -> Never {
        var broken = 0
        for path in paths {
            guard let bytes = read(path) else {
                printError("\(tool): cannot read \(path)")
                exit(66)
            }
            if let violation = check(bytes) {
                print("\(path): \(violation)")
                broken += 1
            }
        }
        if broken == 0 { print("\(tool): \(paths.count) inputs replayed, \(done)") }
        exit(broken == 0 ? 0 : 1)
    }

    /// The usage line on standard error, and exit 64.
    public static func usage(_ line: String) -> Never {
        printError("usage: \(line)")
        exit(64)
    }

    /// A whole file's bytes, nil when it cannot be opened.
    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var byte = fgetc(file)
        while byte != EOF {
            bytes.append(UInt8(byte))
            byte = fgetc(file)
        }
        return bytes
    }

    /// One line on standard error (the C `stderr` global is not concurrency-safe in Swift 6).
    private static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
