import Glibc

/// Where a send stands in its WSABUF array: the next unsent byte is `offset` bytes into buffer `index`.
///
/// Pure bookkeeping over the caller's array, with no syscall: it fills iovec windows of at most IOV_MAX
/// entries from the current position and advances by the byte counts the kernel answers, so partial
/// sends and IOV_MAX slicing are tested with scripted answers (SendCursorTests).
struct SendCursor {
    private(set) var index = 0
    private(set) var offset = 0
    let buffers: UnsafePointer<WSABUF>
    let count: Int

    init(buffers: UnsafePointer<WSABUF>, count: Int) {
        self.buffers = buffers
        self.count = count
        skipEmpty()
    }

    /// True when every byte of every buffer has been consumed.
    var isFinished: Bool { index >= count }

    /// Writes iovecs for the unsent bytes, starting at the cursor, into `iov` (at most `limit`), leaving
    /// out empty buffers. Returns how many iovecs it wrote, how many bytes they hold, and whether they
    /// reach the end of the array (only empty buffers, if any, come after them).
    func fill(_ iov: UnsafeMutablePointer<iovec>, limit: Int) -> (count: Int, bytes: Int, reachesEnd: Bool) {
        var written = 0
        var bytes = 0
        var position = index
        var skip = offset
        while position < count && written < limit {
            let buffer = buffers[position]
            let length = Int(buffer.len) - skip
            if length > 0 {
                iov[written] = iovec(iov_base: UnsafeMutableRawPointer(buffer.buf! + skip), iov_len: length)
                written += 1
                bytes += length
            }
            skip = 0
            position += 1
        }
        while position < count && buffers[position].len == 0 { position += 1 }
        return (written, bytes, position >= count)
    }

    /// Moves past `sent` bytes that the kernel took.
    mutating func advance(by sent: Int) {
        var left = sent
        while left > 0 && index < count {
            let remaining = Int(buffers[index].len) - offset
            if left >= remaining {
                left -= remaining
                index += 1
                offset = 0
            } else {
                offset += left
                left = 0
            }
        }
        skipEmpty()
    }

    private mutating func skipEmpty() {
        while index < count && Int(buffers[index].len) - offset == 0 {
            index += 1
            offset = 0
        }
    }
}
