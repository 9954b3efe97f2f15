import Winsock

/// The WSABUF array a connection passes to WSASend, and the bookkeeping of partial sends: when a
/// non-blocking call takes only part of the buffers, the next call must start at the first byte not
/// taken, so that the stream stays byte-exact.
///
/// The cursor works on a copy of the buffer set's WSABUF array (`working`), never on the template, and
/// neither allocates nor copies data: advancing moves the first entry's `buf` and shrinks its `len`.
/// Pure arithmetic on pointers, tested with scripted byte counts and no socket.
public struct BufferCursor {
    /// The buffer set as the plan lays it out; never written.
    private let template: UnsafeBufferPointer<WSABUF>
    /// The array handed to WSASend; `start..<end` is what remains to send.
    private let working: UnsafeMutableBufferPointer<WSABUF>
    private var start = 0
    private var end = 0
    /// Bytes left to send of the current set.
    public private(set) var remaining: UInt64 = 0

    /// - Parameters:
    ///   - template: The set's WSABUF array.
    ///   - working: Scratch space of at least `template.count` entries, owned by the caller.
    public init(template: UnsafeBufferPointer<WSABUF>, working: UnsafeMutableBufferPointer<WSABUF>) {
        precondition(working.count >= template.count, "the working array is smaller than the buffer set")
        self.template = template
        self.working = working
    }

    /// Starts a new set of at most `limit` bytes: the template's buffers in order, the one that crosses
    /// the limit shortened and the ones after it left out (the short last call of a file).
    public mutating func reset(limit: UInt64) {
        let laidOut = SendCursor.layOut(template, limit: Int(clamping: limit), into: working)
        start = 0
        end = laidOut.count
        remaining = UInt64(laidOut.bytes)
    }

    /// The WSABUF array for the next call.
    @inline(__always)
    public var buffers: UnsafeMutablePointer<WSABUF>? { working.baseAddress.map { $0 + start } }

    /// The number of WSABUF structures for the next call.
    @inline(__always)
    public var count: DWORD { DWORD(end - start) }

    /// True once every byte of the set was taken.
    public var isFinished: Bool { remaining == 0 }

    /// Records that a call took `bytes`: whole buffers (and empty ones before the next byte) are dropped
    /// from the front, a buffer taken in part is shortened to its rest.
    public mutating func advance(by bytes: UInt64) {
        precondition(bytes <= remaining, "the transport took more bytes than were offered")
        remaining -= bytes
        guard remaining > 0 else {
            start = end
            return
        }
        // The library's cursor says where the next byte is; the working array then starts there.
        var cursor = SendCursor(buffers: working.baseAddress! + start, count: end - start)
        cursor.advance(by: Int(bytes))
        start += cursor.index
        if cursor.offset > 0 {
            working[start].buf += cursor.offset
            working[start].len -= UInt32(cursor.offset)
        }
    }
}
