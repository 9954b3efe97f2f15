import Glibc

/// The sink's `--output FILE`: the received stream written in arrival order.
final class OutputFile: @unchecked Sendable {
    // Written by one receiving thread at a time: with --output the sink serves connections one by one.
    private let fd: Int32
    let path: String

    /// Creates or truncates `path` ("-" is standard output).
    static func create(_ path: String) -> Result<OutputFile, SystemFileError> {
        if path == "-" { return .success(OutputFile(fd: 1, path: path)) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(SystemFileError(path: path, code: errno)) }
        return .success(OutputFile(fd: fd, path: path))
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        if fd != 1 { close(fd) }
    }

    /// Writes all of `bytes`; the errno of a failed write otherwise.
    func write(_ bytes: UnsafeRawBufferPointer) -> Result<Void, SystemFileError> {
        var written = 0
        while written < bytes.count {
            let result = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return .failure(SystemFileError(path: path, code: errno))
            }
            written += result
        }
        return .success(())
    }
}
