import Glibc

/// The payload file of `--file PATH|-`: read front to back into the buffers of consecutive calls.
///
/// Reads go straight into the caller's buffer with read(2): no copy, no allocation on the per-call path.
final class InputFile: @unchecked Sendable {
    // Owned by one worker thread at a time (the runner hands it over before the worker starts).
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// The path as given, for messages ("-" is standard input).
    let path: String

    /// Opens `path`, or standard input for "-".
    ///
    /// - Returns: The file, or the errno that open(2) gave.
    static func open(_ path: String) -> Result<InputFile, SystemFileError> {
        if path == "-" { return .success(InputFile(fd: 0, owns: false, path: path)) }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemFileError(path: path, code: errno)) }
        // A directory opens fine and fails only at read(2): refuse it now, with the same message.
        var status = stat()
        if fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            return .failure(SystemFileError(path: path, code: EISDIR))
        }
        return .success(InputFile(fd: fd, owns: true, path: path))
    }

    private init(fd: Int32, owns: Bool, path: String) {
        self.fd = fd
        self.ownsDescriptor = owns
        self.path = path
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Fills `buffer` as far as the file allows.
    ///
    /// - Parameter stopping: Asked when a signal interrupts a read (a lone run's SIGINT, whose handler
    ///   does not restart it): true ends the fill with what it has, so that a quiet standard input does
    ///   not hold the run.
    /// - Returns: The bytes read: `buffer.count` except at the end of the file (0 once it is over), or
    ///   the errno of a failed read.
    func fill(
        _ buffer: UnsafeMutableRawBufferPointer, stopping: () -> Bool = { false }
    ) -> Result<Int, SystemFileError> {
        var filled = 0
        while filled < buffer.count {
            let result = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if result == 0 { break }
            if result < 0 {
                if errno == EINTR {
                    if stopping() { break }
                    continue
                }
                return .failure(SystemFileError(path: path, code: errno))
            }
            filled += result
        }
        return .success(filled)
    }
}

/// A file the tool could not open, read or write, with the system's errno.
struct SystemFileError: Error, Sendable {
    let path: String
    let code: Int32
    var reason: String { systemMessage(code) }
}
