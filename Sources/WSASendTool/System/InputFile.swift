import Glibc

/// The payload file of `--file PATH|-`: read front to back into the buffers of consecutive calls.
///
/// Reads go straight into the caller's buffer with read(2): no copy, no allocation on the per-call path.
final class InputFile: @unchecked Sendable {
    // Owned by one worker thread at a time (the runner hands it over before the worker starts).
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// A pipe, a terminal or a socket: a read may wait as long as the writer likes, so a run's fill
    /// watches its stop as well.
    private let mayWait: Bool
    /// The path as given, for messages ("-" is standard input).
    let path: String

    /// Opens `path`, or standard input for "-".
    ///
    /// - Returns: The file, or the errno that open(2) gave.
    static func open(_ path: String) -> Result<InputFile, SystemFileError> {
        let owns = path != "-"
        let fd = owns ? Glibc.open(path, O_RDONLY | O_CLOEXEC) : 0
        guard fd >= 0 else { return .failure(SystemFileError(path: path, code: errno)) }
        var status = stat()
        let type = fstat(fd, &status) == 0 ? status.st_mode & S_IFMT : 0
        // A directory opens fine and fails only at read(2): refuse it now, with the same message.
        if owns && type == S_IFDIR {
            close(fd)
            return .failure(SystemFileError(path: path, code: EISDIR))
        }
        let mayWait = type != S_IFREG && type != S_IFBLK
        return .success(InputFile(fd: fd, owns: owns, mayWait: mayWait, path: path))
    }

    private init(fd: Int32, owns: Bool, mayWait: Bool, path: String) {
        self.fd = fd
        self.ownsDescriptor = owns
        self.mayWait = mayWait
        self.path = path
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Fills `buffer` as far as the file allows: a regular file (or a block device) fills it whole but at
    /// its end; a pipe, a terminal or a socket gives what it has now, as a streaming tool must (nc sends
    /// "hello" when it is typed, not when a buffer set is full).
    ///
    /// - Parameter control: The run whose stop (SIGINT, the end of `--duration`) ends the fill with what
    ///   it has, so that a quiet standard input does not hold the run: a read that may wait is made only
    ///   once poll(2) says the file has input or the run is not stopping.
    /// - Returns: The bytes read: `buffer.count` except at the end of the file (0 once it is over) or when
    ///   the file may wait and had less, or the errno of a failed read.
    func fill(_ buffer: UnsafeMutableRawBufferPointer, until control: RunControl? = nil) -> Result<Int, SystemFileError>
    {
        var filled = 0
        while filled < buffer.count {
            if let control, mayWait, !waitForInput(or: control) { break }
            let result = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if result == 0 { break }
            if result < 0 {
                if errno == EINTR {
                    if control?.isStopping == true { break }
                    continue
                }
                return .failure(SystemFileError(path: path, code: errno))
            }
            filled += result
            // What a pipe or a terminal has now is sent now; the next fill waits for more.
            if mayWait { break }
        }
        return .success(filled)
    }

    /// Waits until the file has input, its end or an error to report; false when the run stops first.
    private func waitForInput(or control: RunControl) -> Bool {
        withUnsafeTemporaryAllocation(of: pollfd.self, capacity: 2) { watched in
            watched[0] = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            watched[1] = pollfd(fd: control.stopDescriptor, events: Int16(POLLIN), revents: 0)
            while !control.isStopping {
                let ready = poll(watched.baseAddress, 2, -1)
                if ready < 0 && errno == EINTR { continue }
                // A failed poll leaves the answer to read(2).
                return ready < 0 || watched[1].revents == 0
            }
            return false
        }
    }
}

/// A file the tool could not open, read or write, with the system's errno.
struct SystemFileError: Error, Sendable {
    let path: String
    let code: Int32
}
