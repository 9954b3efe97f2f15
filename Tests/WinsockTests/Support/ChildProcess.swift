import Glibc

/// Runs tests that need process-wide state of their own (the WSAStartup count at zero, a SIGPIPE
/// handler, strace) in a child process: the test binary itself, re-run by `swift test`'s own
/// invocation (`<binary> --testing-library swift-testing --filter <regex>`), with an environment
/// variable that enables the child-only tests.
///
/// A child-only test calls `ChildProcess.markFinished(_:)` as its last statement, and the parent
/// requires both exit status 0 and that mark: a child that ran no check cannot pass.
enum ChildProcess {
    static let isolatedVariable = "WINSOCK_TESTS_CHILD"
    static let markVariable = "WINSOCK_TESTS_CHILD_MARKS"

    /// True inside a child started by `runIsolated`.
    static let isChild: Bool = getenv(isolatedVariable) != nil

    /// The reason shown when a child-only test is skipped in the parent process.
    static let childOnlyReason =
        "runs only in the child process that IsolatedRunTests starts (it needs process-wide state of its own)"

    struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended the child.
        var status: Int32
        var output: String
        var marks: [String]
        var timedOut: Bool

        var summary: String {
            "status \(status)\(timedOut ? " (killed after the time limit)" : ""), marks \(marks)\n\(output)"
        }
    }

    /// The test binary of this process.
    static let testBinary: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        precondition(length > 0, "readlink /proc/self/exe failed")
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Records in the parent's mark file that the named child-only test reached its end.
    static func markFinished(_ name: String) {
        guard let path = getenv(markVariable) else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { return }
        let line = Array((name + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        _ = close(fd)
    }

    /// Runs the child-only tests whose ID matches `filter` (a regex), optionally under `wrapper` (such as
    /// strace and its options), and waits at most `seconds`.
    static func runIsolated(filter: String, wrapper: [String] = [], seconds: Double = 120) -> Outcome {
        let marks = temporaryFile("marks")
        defer { unlink(marks) }
        let arguments = wrapper + [testBinary, "--testing-library", "swift-testing", "--filter", filter]
        var outcome = run(arguments, environment: [isolatedVariable: "1", markVariable: marks], seconds: seconds)
        outcome.marks = readFile(marks).split(separator: "\n").map(String.init)
        return outcome
    }

    /// Spawns `arguments` (searched in PATH), output and errors to one file, and waits at most `seconds`,
    /// killing the child (by its pid) if it takes longer.
    static func run(_ arguments: [String], environment: [String: String] = [:], seconds: Double) -> Outcome {
        let outputPath = temporaryFile("output")
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = String(text.prefix { $0 != "=" })
            if environment[name] == nil { entries.append(text) }
            index += 1
        }
        entries += environment.map { "\($0.key)=\($0.value)" }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = entries.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else {
            return Outcome(
                status: 127, output: "posix_spawnp \(arguments[0]) failed: \(spawned)", marks: [], timedOut: false)
        }
        var status: Int32 = 0
        var timedOut = false
        let deadline = TestClock.now() + seconds
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { break }
            if TestClock.now() > deadline {
                timedOut = true
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            TestClock.sleep(milliseconds: 10)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = status & 0x7F
        let exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Outcome(status: exitStatus, output: readFile(outputPath), marks: [], timedOut: timedOut)
    }

    /// True when `program` is found in PATH.
    static func available(_ program: String) -> Bool {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }

    static func remove(_ path: String) { unlink(path) }

    /// A new empty file under /tmp.
    static func temporaryFile(_ kind: String) -> String {
        var template = Array("/tmp/winsock-tests-\(kind)-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        precondition(fd >= 0, "mkstemp failed")
        _ = close(fd)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func readFile(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
