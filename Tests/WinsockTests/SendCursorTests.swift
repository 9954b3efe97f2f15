import Glibc
import Testing

@testable import Winsock

/// The iovec windows a cursor fills, as (offset into the data, length) pairs.
private func window(_ cursor: SendCursor<WSABUF>, over array: BufferArray, limit: Int) -> (spans: [Span], bytes: Int) {
    let iov = UnsafeMutablePointer<iovec>.allocate(capacity: max(limit, 1))
    defer { iov.deallocate() }
    let filled = cursor.fill(iov, limit: limit)
    let spans = (0..<filled.count).map { index in
        Span(offset: iov[index].iov_base! - UnsafeMutableRawPointer(array.bytes), length: iov[index].iov_len)
    }
    return (spans, filled.bytes)
}

private struct Span: Equatable, CustomStringConvertible {
    let offset: Int
    let length: Int
    var description: String { "\(offset)+\(length)" }
}

/// Partial-send bookkeeping as a pure function over WSABUF arrays and scripted byte counts (no socket):
/// "If the socket is non-blocking and stream-oriented, and there is not sufficient space in the
/// transport's buffer, WSASend will return with only part of the application's buffers having been
/// consumed" — the cursor is what knows which part.
@Suite("SendCursor: WSABUF bookkeeping for partial sends and IOV_MAX windows")
struct SendCursorTests {
    @Test("a fresh cursor offers every non-empty buffer in order, skipping empty ones")
    func freshWindow() {
        let array = BufferArray(Pattern.bytes(count: 20), sizes: [0, 5, 0, 0, 10, 5, 0])
        let cursor = SendCursor(buffers: array.buffers, count: array.count)
        let (spans, bytes) = window(cursor, over: array, limit: 1024)
        #expect(spans == [Span(offset: 0, length: 5), Span(offset: 5, length: 10), Span(offset: 15, length: 5)])
        #expect(bytes == 20)
        #expect(!cursor.isFinished)
    }

    @Test("a window says whether it reaches the end of the array, empty buffers after it not counting")
    func windowReachesEnd() {
        let array = BufferArray(Pattern.bytes(count: 6), sizes: [1, 0, 2, 3, 0, 0])
        let iov = UnsafeMutablePointer<iovec>.allocate(capacity: 3)
        defer { iov.deallocate() }
        var cursor = SendCursor(buffers: array.buffers, count: array.count)
        #expect(cursor.fill(iov, limit: 3).reachesEnd, "three iovecs hold every byte")
        #expect(!cursor.fill(iov, limit: 2).reachesEnd, "the 3-byte buffer is left out")
        cursor.advance(by: 1)
        #expect(cursor.fill(iov, limit: 2).reachesEnd, "two iovecs hold the rest; empty buffers follow")
        cursor.advance(by: 5)
        #expect(cursor.isFinished)
    }

    @Test("an array of only empty buffers, or no buffers, is finished from the start")
    func emptyArrays() {
        let empty = BufferArray([], sizes: [0, 0, 0])
        #expect(SendCursor(buffers: empty.buffers, count: 3).isFinished)
        #expect(SendCursor(buffers: empty.buffers, count: 0).isFinished)
        #expect(window(SendCursor(buffers: empty.buffers, count: 3), over: empty, limit: 8).spans.isEmpty)
    }

    @Test("a nil buf with len 0 is skipped without being read")
    func nilEmptyBufferSkipped() {
        let array = BufferArray(Pattern.bytes(count: 8), sizes: [4, 0, 4])
        array.buffers[1].buf = nil
        let cursor = SendCursor(buffers: array.buffers, count: 3)
        #expect(
            window(cursor, over: array, limit: 8).spans == [Span(offset: 0, length: 4), Span(offset: 4, length: 4)])
    }

    @Test("advancing inside a buffer makes the next window start mid-buffer")
    func advanceInsideBuffer() {
        let array = BufferArray(Pattern.bytes(count: 30), sizes: [10, 10, 10])
        var cursor = SendCursor(buffers: array.buffers, count: 3)
        cursor.advance(by: 3)
        #expect(cursor.index == 0 && cursor.offset == 3)
        let (spans, bytes) = window(cursor, over: array, limit: 8)
        #expect(spans.first == Span(offset: 3, length: 7))
        #expect(bytes == 27)
    }

    @Test("advancing to a buffer boundary moves past the empty buffers that follow")
    func advanceToBoundary() {
        let array = BufferArray(Pattern.bytes(count: 20), sizes: [10, 0, 0, 10])
        var cursor = SendCursor(buffers: array.buffers, count: 4)
        cursor.advance(by: 10)
        #expect(cursor.index == 3 && cursor.offset == 0)
        #expect(window(cursor, over: array, limit: 8).spans == [Span(offset: 10, length: 10)])
    }

    @Test("advancing across several buffers lands at the right byte")
    func advanceAcrossBuffers() {
        let array = BufferArray(Pattern.bytes(count: 30), sizes: [4, 6, 0, 8, 12])
        var cursor = SendCursor(buffers: array.buffers, count: 5)
        cursor.advance(by: 4 + 6 + 5)
        #expect(cursor.index == 3 && cursor.offset == 5)
        #expect(
            window(cursor, over: array, limit: 8).spans == [Span(offset: 15, length: 3), Span(offset: 18, length: 12)])
        cursor.advance(by: 15)
        #expect(cursor.isFinished)
        #expect(window(cursor, over: array, limit: 8).bytes == 0)
    }

    @Test("a window holds at most `limit` iovecs; the next window starts where it ended (IOV_MAX slicing)")
    func limitSlices() {
        let sizes = (0..<2500).map { $0 % 7 + 1 }
        let total = sizes.reduce(0, +)
        let array = BufferArray(Pattern.bytes(count: total), sizes: sizes)
        var cursor = SendCursor(buffers: array.buffers, count: sizes.count)
        var windows: [Int] = []
        var offset = 0
        while !cursor.isFinished {
            let (spans, bytes) = window(cursor, over: array, limit: 1024)
            #expect(spans.first?.offset == offset, "each window starts right after the previous one")
            windows.append(spans.count)
            offset += bytes
            cursor.advance(by: bytes)
        }
        #expect(windows == [1024, 1024, 452])
        #expect(offset == total)
    }

    @Test("empty buffers do not use up a window's iovecs")
    func emptyBuffersDoNotCount() {
        let sizes = (0..<3000).map { $0 % 2 }  // 0, 1, 0, 1, ...: 1500 one-byte buffers
        let array = BufferArray(Pattern.bytes(count: 1500), sizes: sizes)
        let cursor = SendCursor(buffers: array.buffers, count: sizes.count)
        let (spans, bytes) = window(cursor, over: array, limit: 1024)
        #expect(spans.count == 1024)
        #expect(bytes == 1024)
    }

    /// How much a scripted kernel takes from each window offered.
    static let takePatterns: [[Int]] = [[1], [7], [4096], [65535], [1, 2, 3, 5, 8, 13, 21], [100_000], [4095, 1]]

    @Test(
        "any sequence of partial answers rebuilds the exact byte stream, in order, with nothing repeated",
        arguments: takePatterns)
    func partialAnswersRebuildStream(_ takes: [Int]) {
        let sizes = Pattern.sizes(total: 200_000) + [0, 1, 0]
        let data = Pattern.bytes(count: 200_001)
        let array = BufferArray(data, sizes: sizes)
        var cursor = SendCursor(buffers: array.buffers, count: sizes.count)
        let iov = UnsafeMutablePointer<iovec>.allocate(capacity: 16)
        defer { iov.deallocate() }
        var output: [UInt8] = []
        var step = 0
        while !cursor.isFinished && step < 1_000_000 {
            let filled = cursor.fill(iov, limit: 16)
            let taken = min(takes[step % takes.count], filled.bytes)
            step += 1
            var left = taken
            for index in 0..<filled.count where left > 0 {
                let length = min(left, iov[index].iov_len)
                output.append(contentsOf: UnsafeRawBufferPointer(start: iov[index].iov_base, count: length))
                left -= length
            }
            cursor.advance(by: taken)
        }
        #expect(cursor.isFinished)
        #expect(output == data)
    }
}
