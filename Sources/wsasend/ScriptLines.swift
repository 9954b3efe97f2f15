import Glibc

/// The lines of a script on standard input, read with read(2).
///
/// Not the standard library's readLine: after a SIGINT interrupts its read, the stream keeps its error
/// flag and readLine retries at once, spinning forever. Here an interrupted read ends the lines, and
/// the caller sees the interrupt.
struct ScriptLines {
    private var buffer: [UInt8] = []
    private var ended = false

    /// The next line without its newline; nil at the end of the input or after an interrupted read.
    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
            } else {
                // 0 is the end; -1 is an error, or EINTR from SIGINT: either way no more lines come.
                ended = true
                if count < 0 { buffer.removeAll() }
            }
        }
    }
}
