import Foundation
import Testing

/// The built `wsasend` binary, run as a user runs it: arguments in, exit status and both streams out.
enum Tool {
    /// `.build/<triple>/debug/wsasend`: next to the test bundle, or found by searching upward.
    static let url: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = bundleDirectory.appendingPathComponent("wsasend")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".build/debug/wsasend")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return beside
    }()

    /// Threads a sanitizer's runtime adds to the binary's own: ThreadSanitizer starts one, named as the
    /// process is, with the process's second thread. `make sanitize` builds into `.build-tsan` and runs
    /// this suite against that binary.
    static var sanitizerThreads: Int { url.path.contains("/.build-tsan/") ? 1 : 0 }

    /// What one run printed and how it ended.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data

        /// The stderr lines, without the empty one after the last newline.
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs the tool to its end (killed after `timeout` seconds, which fails the test).
    static func run(
        _ arguments: [String], stdin: URL? = nil, environment: [String: String] = [:], timeout: Double = 60
    ) throws -> Outcome {
        let process = try Background(arguments, stdin: stdin, environment: environment)
        return try process.finish(timeout: timeout)
    }
}

/// A tool process running in the background (a sink, or a sender to interrupt), its output in files so
/// that no pipe can fill up and block it.
final class Background {
    let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL

    init(_ arguments: [String], stdin: URL? = nil, environment: [String: String] = [:]) throws {
        let directory = FileManager.default.temporaryDirectory
        let name = UUID().uuidString
        stdoutURL = directory.appendingPathComponent("wsasend-\(name).out")
        stderrURL = directory.appendingPathComponent("wsasend-\(name).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = Tool.url
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// The port of the "listening on ADDRESS:PORT" line, once the process has printed it.
    func listeningPort(timeout: Double = 10) throws -> UInt16 {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for line in stderr.split(separator: "\n") where line.contains("listening on ") {
                let address = line.split(separator: " ")[3]
                if let port = address.split(separator: ":").last.flatMap({ UInt16($0) }) { return port }
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw ToolTestError("no 'listening on' line; stderr: \(stderr)")
    }

    /// Sends SIGINT.
    func interrupt() { process.interrupt() }

    /// The process's threads, as /proc lists them.
    var threads: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task")) ?? []
    }

    /// The names of the process's threads (/proc's `comm`), in /proc's order.
    var threadNames: [String] { threads.compactMap(threadName) }

    /// The process's threads by task id, with their names and blocked signals (/proc's `comm` and
    /// `SigBlk`: bit n - 1 for signal n); the main thread's id is the process's.
    var threadStates: [(task: Int32, name: String, blocked: UInt64)] {
        threads.compactMap { task in
            let path = "/proc/\(process.processIdentifier)/task/\(task)/status"
            guard let id = Int32(task), let name = threadName(task),
                let status = try? String(contentsOfFile: path, encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
                let blocked = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16)
            else { return nil }
            return (id, name, blocked)
        }
    }

    /// The name of thread `task`, nil once it has gone.
    private func threadName(_ task: String) -> String? {
        (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\(task)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (at most `timeout` seconds) until the process holds at least `count` sockets; the number it
    /// holds then.
    func waitForSockets(_ count: Int, timeout: Double) -> Int {
        let fdDirectory = "/proc/\(process.processIdentifier)/fd"
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? []
            let sockets = fds.filter {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\($0)"))?
                    .hasPrefix("socket:") == true
            }.count
            if sockets >= count || Date() >= deadline { return sockets }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Waits for the process to end; kills it and throws after `timeout` seconds.
    func finish(timeout: Double = 60) throws -> Tool.Outcome {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        if process.isRunning {
            // SIGKILL, not terminate(): a test runner may hand its children SIGTERM blocked.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw ToolTestError("wsasend \(process.arguments ?? []) ran longer than \(timeout) s; stderr: \(stderr)")
        }
        process.waitUntilExit()
        let data = (try? Data(contentsOf: stdoutURL)) ?? Data()
        return Tool.Outcome(status: process.terminationStatus, stdout: stdout, stderr: stderr, stdoutData: data)
    }
}

struct ToolTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A scratch file that is removed when the value goes.
final class TemporaryFile {
    let url: URL

    init(bytes: Data? = nil) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-test-\(UUID().uuidString)")
        if let bytes { _ = FileManager.default.createFile(atPath: url.path, contents: bytes) }
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var path: String { url.path }

    /// `count` bytes that no pattern predicts (a xorshift generator with a fixed seed, so a failure
    /// reproduces).
    static func randomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
        var state = seed
        var bytes = Data(count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[index] = UInt8(truncatingIfNeeded: state)
        }
        return bytes
    }
}
