import Foundation

/// The Python interpreter of the virtual environment `make test-deps` makes under .build/python, with
/// the PyPI packages the tests read wsasend's output with (hdrhistogram, kubernetes-validate).
enum PythonPackages {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let interpreter = root.appendingPathComponent(".build/python/bin/python")

    /// True when the environment has `module` (`import hdrh`).
    static func has(_ module: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: interpreter.path) else { return false }
        let process = Process()
        process.executableURL = interpreter
        process.arguments = ["-c", "import \(module)"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Runs a script of Tests/python with `arguments`: its status and standard output.
    static func run(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = interpreter
        process.arguments = [root.appendingPathComponent("Tests/python/\(script)").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
