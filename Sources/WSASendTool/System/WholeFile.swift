import Glibc

/// A whole input file read into memory (`merge`'s reports), or standard input for "-".
enum WholeFile {
    /// The bytes, or the system's reason they cannot be read.
    static func read(_ path: String) -> Result<[UInt8], SystemFileError> {
        let fd = path == "-" ? 0 : Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(SystemFileError(path: path, code: errno)) }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(SystemFileError(path: path, code: errno))
            }
            if count == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
