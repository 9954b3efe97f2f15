import Glibc
import Synchronization
import WSASendTool

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
        write(bytes: Array(text.utf8))
    }

    /// Writes a JSON value and a newline as it is rendered, in pieces of `JSONPieces.size`: a report of
    /// 10,000 connections is 6 MB of text, which a whole `String` (and its copies on the way out) would
    /// hold at the run's end. Meant for a stream no other thread writes to at the time (the report).
    func line(_ value: JSONValue) {
        var pieces = JSONPieces(console: self)
        value.write(to: &pieces)
        pieces.write("\n")
        pieces.flush()
    }

    /// Writes `bytes` whole, retrying after EINTR; after a failure the stream stays silent.
    func write(bytes: [UInt8]) {
        guard !closed.load(ordering: .relaxed) else { return }
        bytes.withUnsafeBytes { buffer in
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

/// Text gathered into pieces of `size` bytes for one `Console`, each written as soon as it is full.
struct JSONPieces: TextOutputStream {
    static let size = 64 << 10
    let console: Console
    private var pending: [UInt8] = []

    init(console: Console) {
        self.console = console
        pending.reserveCapacity(Self.size)
    }

    mutating func write(_ string: String) {
        pending.append(contentsOf: string.utf8)
        if pending.count >= Self.size { flush() }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        console.write(bytes: pending)
        pending.removeAll(keepingCapacity: true)
    }
}
