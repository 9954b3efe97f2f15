import Testing
import WSASendTool
import Winsock

/// The partial-send bookkeeping, driven by scripted byte counts as a non-blocking socket would answer.
@Suite("Partial-send bookkeeping")
struct BufferCursorTests {
    /// Sends a set through a cursor with the scripted answers and returns the bytes each call offered,
    /// concatenated: a byte-exact copy of the set when the bookkeeping is right.
    static func replay(_ lengths: [UInt32], limit: UInt64? = nil, answers: [UInt64]) -> (sent: [UInt8], calls: Int) {
        let total = Int(lengths.reduce(0) { $0 + UInt64($1) })
        let region = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(total, 1))
        defer { region.deallocate() }
        for index in 0..<total { region[index] = CChar(truncatingIfNeeded: index % 251) }
        let template = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: max(lengths.count, 1))
        let working = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: max(lengths.count, 1))
        defer {
            template.deallocate()
            working.deallocate()
        }
        var offset = 0
        for (index, length) in lengths.enumerated() {
            template[index] = WSABUF(len: length, buf: region.baseAddress! + offset)
            offset += Int(length)
        }
        var cursor = BufferCursor(
            template: UnsafeBufferPointer(rebasing: template[..<lengths.count]), working: working)
        cursor.reset(limit: limit ?? UInt64(total))
        var sent: [UInt8] = []
        var calls = 0
        var script = answers.makeIterator()
        while !cursor.isFinished {
            calls += 1
            // What the transport takes: the scripted count, capped at what was offered.
            let take = min(script.next() ?? cursor.remaining, cursor.remaining)
            var left = take
            for index in 0..<Int(cursor.count) where left > 0 {
                let entry = cursor.buffers![index]
                let part = min(UInt64(entry.len), left)
                sent += UnsafeBufferPointer(start: entry.buf, count: Int(part)).map { UInt8(bitPattern: $0) }
                left -= part
            }
            cursor.advance(by: take)
        }
        return (sent, calls)
    }

    static func expected(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

    @Test(
        "Partial sends leave the rest to the next call, byte for byte",
        arguments: [
            ([4096, 4096, 4096, 4096], [16384]),
            ([4096, 4096, 4096, 4096], [1000, 0, 5000, 3, 10381]),
            ([4096, 4096, 4096, 4096], [4096, 4096, 1, 8191]),
            ([1024, 1024, 512, 0, 0, 0], [1024, 1536]),
            ([0, 7, 0, 0, 13, 0], [3, 4, 0, 13]),
            ([1, 1, 1, 1, 1], [1, 1, 1, 1, 1]),
            ([65536], [32741, 1, 32794]),
        ] as [([UInt32], [UInt64])])
    func partialSends(lengths: [UInt32], answers: [UInt64]) {
        let total = Int(lengths.reduce(0) { $0 + UInt64($1) })
        let (sent, _) = Self.replay(lengths, answers: answers)
        #expect(sent == Self.expected(total))
    }

    @Test("A short last set (the end of a file) shortens one buffer and drops the ones after it")
    func shortSet() {
        let (sent, calls) = Self.replay([100, 100, 100], limit: 150, answers: [150])
        #expect(sent == Self.expected(150))
        #expect(calls == 1)
    }

    @Test("After a partial send the next call starts inside the buffer that was cut")
    func nextCallStartsInside() {
        let region = UnsafeMutableBufferPointer<CChar>.allocate(capacity: 300)
        let template = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: 3)
        let working = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: 3)
        defer {
            region.deallocate()
            template.deallocate()
            working.deallocate()
        }
        for index in 0..<3 { template[index] = WSABUF(len: 100, buf: region.baseAddress! + index * 100) }
        var cursor = BufferCursor(template: UnsafeBufferPointer(template), working: working)
        cursor.reset(limit: 300)
        cursor.advance(by: 130)
        #expect(cursor.count == 2)
        #expect(cursor.buffers![0].len == 70)
        #expect(cursor.buffers![0].buf == region.baseAddress! + 130)
        #expect(cursor.remaining == 170)
        #expect(template[1].len == 100, "the template is never written")
    }

    @Test("An empty set is finished at once")
    func emptySet() {
        let (sent, calls) = Self.replay([0, 0], answers: [])
        #expect(sent.isEmpty)
        #expect(calls == 0)
    }
}
