import Glibc

/// One entry of a buffer array: a start address and a length, as Winsock's WSABUF and Linux's iovec
/// both describe it. The send cursor walks arrays of either kind with the same arithmetic.
public protocol ByteSpan {
    /// The first byte (nil only for an empty span).
    var spanStart: UnsafeMutableRawPointer? { get }
    /// How many bytes the span holds.
    var spanLength: Int { get }
    init(spanStart: UnsafeMutableRawPointer?, spanLength: Int)
}

extension WSABUF: ByteSpan {
    @inline(__always)
    public var spanStart: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(buf) }
    @inline(__always)
    public var spanLength: Int { Int(len) }
    @inline(__always)
    public init(spanStart: UnsafeMutableRawPointer?, spanLength: Int) {
        self.init(len: ULONG(spanLength), buf: spanStart?.assumingMemoryBound(to: CChar.self))
    }
}

extension iovec: ByteSpan {
    @inline(__always)
    public var spanStart: UnsafeMutableRawPointer? { iov_base }
    @inline(__always)
    public var spanLength: Int { iov_len }
    @inline(__always)
    public init(spanStart: UnsafeMutableRawPointer?, spanLength: Int) {
        self.init(iov_base: spanStart, iov_len: spanLength)
    }
}

/// Where a send stands in its buffer array: the next unsent byte is `offset` bytes into entry `index`.
///
/// The one place that knows the partial-send arithmetic: which entry and offset come next after the
/// transport took some bytes, what is left, how to lay the rest out as iovecs (at most IOV_MAX at a time)
/// and how to copy it into one buffer (a datagram made of more than IOV_MAX entries). Every send path
/// uses it: the non-blocking and blocking WSASend loops over the caller's WSABUF array, an overlapped
/// operation over its captured iovecs, the engine's batches, and the tool's own WSABUF arrays. Pure
/// arithmetic, with no syscall, tested with scripted and random kernel answers (SendCursorTests,
/// SendCursorPropertyTests).
public struct SendCursor<Span: ByteSpan> {
    /// The entry that holds the next unsent byte (`count` once everything is sent).
    public private(set) var index = 0
    /// How far into entry `index` the next unsent byte is.
    public private(set) var offset = 0
    /// The array walked; never written.
    public let buffers: UnsafePointer<Span>
    /// Its number of entries.
    public let count: Int

    @inline(__always)
    public init(buffers: UnsafePointer<Span>, count: Int) {
        self.buffers = buffers
        self.count = count
        skipEmpty()
    }

    /// True when every byte of every entry has been consumed.
    @inline(__always)
    public var isFinished: Bool { index >= count }

    /// The entries not wholly sent yet (empty ones included).
    @inline(__always)
    public var unsentEntries: Int { count - index }

    /// Writes iovecs for the unsent bytes, starting at the cursor, into `iov` (at most `limit`), leaving
    /// out empty entries. Returns how many iovecs it wrote, how many bytes they hold, and whether they
    /// reach the end of the array (only empty entries, if any, come after them).
    @inline(__always)
    func fill(_ iov: UnsafeMutablePointer<iovec>, limit: Int) -> (count: Int, bytes: Int, reachesEnd: Bool) {
        var (written, bytes, position) = Self.gather(buffers, from: index, skipping: offset, to: count, iov, limit)
        while position < count && buffers[position].spanLength == 0 { position += 1 }
        return (written, bytes, position >= count)
    }

    /// `fill` without the look past the window: the iovecs and their bytes, for callers that do not
    /// need to know whether the window reaches the end (an overlapped operation's next sendmsg).
    @inline(__always)
    func fillWindow(_ iov: UnsafeMutablePointer<iovec>, limit: Int) -> (count: Int, bytes: Int) {
        let (written, bytes, _) = Self.gather(buffers, from: index, skipping: offset, to: count, iov, limit)
        return (written, bytes)
    }

    /// The iovecs of a whole array (at most `iov`'s room), from its first byte: what a send that
    /// starts fresh offers the kernel, without making a cursor.
    @inline(__always)
    static func fillWhole(
        _ buffers: UnsafePointer<Span>, count: Int, into iov: UnsafeMutablePointer<iovec>
    ) -> (count: Int, bytes: Int) {
        let (written, bytes, _) = gather(buffers, from: 0, skipping: 0, to: count, iov, count)
        return (written, bytes)
    }

    /// The one loop that turns entries into iovecs: from entry `position`, `skip` bytes in, up to
    /// `limit` iovecs; empty entries are left out. Returns the iovecs written, their bytes, and the entry
    /// after the last one looked at.
    @inline(__always)
    private static func gather(
        _ buffers: UnsafePointer<Span>, from start: Int, skipping offset: Int, to count: Int,
        _ iov: UnsafeMutablePointer<iovec>, _ limit: Int
    ) -> (written: Int, bytes: Int, position: Int) {
        var written = 0
        var bytes = 0
        var position = start
        var skip = offset
        while position < count && written < limit {
            let span = buffers[position]
            let length = span.spanLength - skip
            if length > 0 {
                // A non-empty entry has a start (the facade refuses a nil buf with a length).
                iov[written] = iovec(iov_base: span.spanStart.unsafelyUnwrapped + skip, iov_len: length)
                written += 1
                bytes += length
            }
            skip = 0
            position += 1
        }
        return (written, bytes, position)
    }

    /// Copies every unsent byte, in order, to `destination` (which must hold them); returns how many.
    /// A datagram of more than IOV_MAX entries is sent this way, so that it stays one datagram.
    func copyUnsent(to destination: UnsafeMutableRawPointer) -> Int {
        var copied = 0
        var skip = offset
        for position in index..<max(index, count) {
            let span = buffers[position]
            let length = span.spanLength - skip
            if length > 0 {
                (destination + copied).copyMemory(from: span.spanStart! + skip, byteCount: length)
                copied += length
            }
            skip = 0
        }
        return copied
    }

    /// Moves past `sent` bytes that the transport took (bytes past the end are ignored).
    @inline(__always)
    public mutating func advance(by sent: Int) {
        var left = sent
        while left > 0 && index < count {
            let remaining = buffers[index].spanLength - offset
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

    @inline(__always)
    private mutating func skipEmpty() {
        while index < count && buffers[index].spanLength - offset == 0 {
            index += 1
            offset = 0
        }
    }
}

extension SendCursor {
    /// Lays out the first `limit` bytes of `template` in `target` (which has room for every entry): the
    /// template's entries in order, the one that crosses the limit shortened and those after it left out
    /// (empty entries before that point are kept). Returns the entries written and the bytes they hold.
    /// A file's last, short set of buffers is made this way.
    ///
    /// Inlinable so that a caller in another module (the tool's buffer cursor, once per buffer set) gets
    /// it specialised: the unspecialised generic walked the template through the ByteSpan witnesses and
    /// looked up the iterator's generic metadata at every call, some 900 instructions a set at 1x64
    /// (callgrind), where the specialised loop takes a few dozen.
    @inlinable
    public static func layOut(
        _ template: UnsafeBufferPointer<Span>, limit: Int, into target: UnsafeMutableBufferPointer<Span>
    ) -> (count: Int, bytes: Int) {
        var left = limit
        var written = 0
        for entry in template {
            if left == 0 && entry.spanLength > 0 { break }
            let length = min(entry.spanLength, left)
            target[written] = Span(spanStart: entry.spanStart, spanLength: length)
            left -= length
            written += 1
        }
        return (written, limit - left)
    }
}
