import Glibc
import Synchronization

/// Standard output and standard error, written with write(2) a whole line at a time, so that lines from
/// several threads never interleave and a closed pipe (`wsasend ... -v | head`) ends the writing quietly:
/// SIGPIPE is ignored, and after the first EPIPE the stream stays silent.
final class Console: Sendable {
    static let standardOutput = Console(fd: 1)
    static let standardError = Console(fd: 2)

    private let fd: Int32
    private let closed = Atomic<Bool>(false)

    private init(fd: Int32) { self.fd = fd }

    /// True when the stream is a terminal.
    var isTerminal: Bool { isatty(fd) == 1 }

    /// Writes `text` and a newline.
    func line(_ text: String) {
        write(text + "\n")
    }

    /// Writes `text` as it is.
    func write(_ text: String) {
        guard !closed.load(ordering: .relaxed) else { return }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    closed.store(true, ordering: .relaxed)
                    return
                }
                offset += result
            }
        }
    }
}
