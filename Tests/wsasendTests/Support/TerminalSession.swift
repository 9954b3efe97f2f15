import Foundation

/// The tool on a pseudo-terminal: a tmux server of the test's own (`tmux -L repltest-PID-N`), one pane
/// running the command, keys sent to it, and its screen read back.
final class TerminalSession {
    /// True when tmux is here, or could be installed from Debian as `make deps` installs packages.
    static let available: Bool = {
        if tmuxPath != nil { return true }
        let sudo = getuid() == 0 ? "" : "sudo -n "
        _ = shell(
            "\(sudo)apt-get update -qq && DEBIAN_FRONTEND=noninteractive \(sudo)apt-get install -y -qq "
                + "--no-install-recommends tmux")
        return tmuxPath != nil
    }()

    private static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    let server: String

    /// Starts `command` (the tool and its arguments) in a 120x40 pane, with `environment` added.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let number = Self.counterLock.withLock {
            Self.counter += 1
            return Self.counter
        }
        server = "repltest-\(getpid())-\(number)"
        // The shell prints the exit status and keeps the pane open, so that the test can read both; it
        // outlives the Ctrl-C the test types (a trap, not an ignore: the program gets SIGINT's default).
        var words = ["sh", "-c", "trap : INT; \"$@\"; echo \"wsasend exited with $?\"; exec sleep 120", "sh"]
        words += ["env", "INPUTRC=/dev/null", "TERM=xterm"]
        words += environment.map { "\($0.key)=\($0.value)" }
        words += [Tool.url.path] + arguments
        try tmux(["new-session", "-d", "-x", "120", "-y", "40", words.map(Self.quote).joined(separator: " ")])
    }

    /// Ends the tmux server (and the program, if it still runs).
    func close() {
        _ = try? tmux(["kill-server"])
        // tmux leaves its socket file behind.
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        unlink("\(folder)/tmux-\(getuid())/\(server)")
    }

    /// Sends keys as tmux names them ("Tab", "Enter", "C-c", "C-d", "Up", or literal text).
    func send(_ keys: String...) throws {
        try tmux(["send-keys"] + keys)
    }

    /// Sends text literally (no key names).
    func type(_ text: String) throws {
        try tmux(["send-keys", "-l", text])
    }

    /// The pane's screen.
    func screen() throws -> String {
        try tmux(["capture-pane", "-p"])
    }

    /// Waits until the screen holds `text`; the screen then, or an error after `timeout` seconds.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw ToolTestError("the screen never showed '\(text)':\n\(last)")
    }

    /// The exit status once the program has ended, waiting up to `timeout` seconds; nil if it did not end.
    func exitStatus(timeout: Double = 10) throws -> Int32? {
        let screen = try? waitFor("wsasend exited with ", timeout: timeout)
        // The line may begin with what the terminal echoed, such as ^C.
        guard let range = screen?.range(of: "wsasend exited with ", options: .backwards), let screen else { return nil }
        return Int32(screen[range.upperBound...].prefix { $0.isNumber })
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        guard let path = Self.tmuxPath else { throw ToolTestError("tmux is not installed") }
        let (status, output) = Self.run(path, ["-L", server] + arguments)
        guard status == 0 else { throw ToolTestError("tmux \(arguments.joined(separator: " ")): \(output)") }
        return output
    }

    private static func shell(_ command: String) -> Int32 {
        run("/bin/sh", ["-c", command + " >/dev/null 2>&1"]).status
    }

    /// Runs a program to its end with posix_spawn and waitpid. Its output goes through a file, not a
    /// pipe: `tmux new-session` leaves a server behind that inherits it, and a pipe would never end. (And
    /// not through Foundation's Process, whose child inherits the runner's signal mask.)
    private static func run(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let output = TemporaryFile(bytes: Data())
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_TRUNC, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let words = [path] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The test runner's threads block most signals, and a spawned program inherits the mask: a tmux
        // server with SIGCHLD and SIGTERM blocked never sees its pane exit, nor kill-server. Clear it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, &argv, environ)
        guard spawned == 0 else { return (-1, "posix_spawn: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exitCode, (try? String(contentsOf: output.url, encoding: .utf8)) ?? "")
    }

    private static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
