import CReadline
import Glibc
import WSASendTool

/// The REPL's history file: the folder made 0700 and the file 0600 (lines typed at a prompt may hold
/// addresses and payloads), readline's history loaded from it, each new line appended, and the file cut
/// to the last `ReplHistoryLocation.limit` lines.
struct HistoryFile {
    let path: String

    /// The file, created if needed; nil (and one line on stderr) when it cannot be.
    static func open() -> HistoryFile? {
        var environment: [String: String] = [:]
        for name in ["XDG_STATE_HOME", "HOME"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        guard let (folder, file) = ReplHistoryLocation.paths(environment: environment) else { return nil }
        var parent = ""
        for part in folder.split(separator: "/").dropLast() {
            parent += "/" + part
            _ = mkdir(parent, 0o755)
        }
        _ = mkdir(folder, 0o700)
        let fd = Glibc.open(file, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            Console.standardError.line(
                "wsasend: the history cannot be kept in \(file): \(String(cString: strerror(errno)))")
            return nil
        }
        _ = fchmod(fd, 0o600)
        Glibc.close(fd)
        return HistoryFile(path: file)
    }

    /// Loads the file into readline's history; the lines, oldest first.
    func load() -> [String] {
        _ = read_history(path)
        var lines: [String] = []
        let base = wsasend_history_base()
        for offset in 0..<wsasend_history_length() {
            if let entry = history_get(base + offset), let text = entry.pointee.line {
                lines.append(String(cString: text))
            }
        }
        return lines
    }

    /// Appends one line, then bounds the file.
    func append(_ line: String) {
        _ = append_history(1, path)
        _ = history_truncate_file(path, Int32(ReplHistoryLocation.limit))
        _ = chmod(path, 0o600)
    }
}
