import Glibc
import Testing

@testable import Winsock

/// SplitMix64: a small seeded generator, so that a failing case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// A random buffer set: mostly small buffers, many empty ones, now and then a large one.
private func randomSizes(_ random: inout SeededGenerator) -> [Int] {
    let count = Int.random(in: 0...40, using: &random)
    return (0..<count).map { _ in
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<3: 0
        case 3..<9: Int.random(in: 1...64, using: &random)
        default: Int.random(in: 65...5000, using: &random)
        }
    }
}

/// One random case: a generator from the seed, a buffer set over a known byte pattern, and a window
/// size (iovecs per sendmsg).
private struct RandomCase {
    var random: SeededGenerator
    let data: [UInt8]
    let array: BufferArray
    let limit: Int
    let iov: UnsafeMutablePointer<iovec>

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
        let sizes = randomSizes(&random)
        data = Pattern.bytes(count: sizes.reduce(0, +))
        array = BufferArray(data, sizes: sizes)
        limit = Int.random(in: 1...8, using: &random)
        iov = .allocate(capacity: limit)
    }

    var total: Int { data.count }

    func release() { iov.deallocate() }
}

/// The bytes of `filled` iovecs, up to `limit` of them.
private func bytes(of iov: UnsafeMutablePointer<iovec>, count: Int, upTo limit: Int) -> [UInt8] {
    var output: [UInt8] = []
    var left = limit
    for index in 0..<count where left > 0 {
        let length = min(left, iov[index].iov_len)
        output.append(contentsOf: UnsafeRawBufferPointer(start: iov[index].iov_base, count: length))
        left -= length
    }
    return output
}

/// The send cursor against random buffer sets and random kernel answers: whatever the kernel takes each
/// time, and wherever the windows are cut, every byte is offered once, in order, and nothing after the
/// end. Each case prints its seed when it fails.
@Suite("SendCursor properties: random buffer sets against random kernel answers")
struct SendCursorPropertyTests {
    static let seeds: [UInt64] = Array(1...200)

    @Test("random windows and random partial answers rebuild the byte stream exactly", arguments: seeds)
    func everyByteOnceInOrder(seed: UInt64) {
        var test = RandomCase(seed: seed)
        defer { test.release() }
        let (data, array, limit, iov, total) = (test.data, test.array, test.limit, test.iov, test.total)
        var cursor = SendCursor(buffers: array.buffers, count: array.count)
        var output: [UInt8] = []
        var calls = 0
        while !cursor.isFinished && calls <= total + 1 {
            let window = cursor.fill(iov, limit: limit)
            #expect(window.count > 0, "an unfinished cursor offers bytes (seed \(seed))")
            #expect((0..<window.count).allSatisfy { iov[$0].iov_len > 0 }, "no empty iovec (seed \(seed))")
            // The kernel takes anything from nothing to the whole window.
            let taken = Int.random(in: 0...window.bytes, using: &test.random)
            output += bytes(of: iov, count: window.count, upTo: taken)
            cursor.advance(by: taken)
            calls += 1
        }
        #expect(cursor.isFinished, "seed \(seed): the cursor never finished")
        #expect(output == data, "seed \(seed): the bytes offered differ from the buffers' concatenation")
        #expect(cursor.fill(iov, limit: limit).count == 0, "seed \(seed): a finished cursor offers nothing")
    }

    @Test("the window reaches the end exactly when no unsent byte lies past it", arguments: seeds)
    func reachesEndIsExact(seed: UInt64) {
        var test = RandomCase(seed: seed)
        defer { test.release() }
        let (array, limit, iov, total) = (test.array, test.limit, test.iov, test.total)
        var cursor = SendCursor(buffers: array.buffers, count: array.count)
        var sent = 0
        while !cursor.isFinished {
            let window = cursor.fill(iov, limit: limit)
            #expect(window.reachesEnd == (sent + window.bytes == total), "seed \(seed), after \(sent) bytes")
            let taken = Int.random(in: 1...window.bytes, using: &test.random)
            sent += taken
            cursor.advance(by: taken)
        }
    }

    @Test("copying what is unsent after random answers gives the rest of the stream", arguments: seeds)
    func copyUnsentIsTheRest(seed: UInt64) {
        var test = RandomCase(seed: seed)
        defer { test.release() }
        let (data, array, total) = (test.data, test.array, test.total)
        var cursor = SendCursor(buffers: array.buffers, count: array.count)
        let skipped = Int.random(in: 0...total, using: &test.random)
        cursor.advance(by: skipped)
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 16)
        defer { copy.deallocate() }
        let copied = cursor.copyUnsent(to: copy)
        #expect(copied == total - skipped, "seed \(seed)")
        #expect(Array(UnsafeRawBufferPointer(start: copy, count: copied)) == Array(data[skipped...]), "seed \(seed)")
    }

    @Test("laying out the first N bytes keeps exactly those bytes, in order", arguments: seeds)
    func layOutKeepsPrefix(seed: UInt64) {
        var test = RandomCase(seed: seed)
        defer { test.release() }
        let (data, array, total) = (test.data, test.array, test.total)
        let limit = Int.random(in: 0...(total + 10), using: &test.random)
        let target = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: max(array.count, 1))
        defer { target.deallocate() }
        let laidOut = SendCursor.layOut(
            UnsafeBufferPointer(start: array.buffers, count: array.count), limit: limit, into: target)
        #expect(laidOut.bytes == min(limit, total), "seed \(seed)")
        var output: [UInt8] = []
        for index in 0..<laidOut.count {
            output += UnsafeRawBufferPointer(start: target[index].buf, count: Int(target[index].len))
        }
        #expect(output == Array(data.prefix(limit)), "seed \(seed)")
    }

    @Test("an overlapped operation's captured iovecs follow the same arithmetic under random answers", arguments: seeds)
    func overlappedOperationEveryByteOnce(seed: UInt64) {
        var test = RandomCase(seed: seed)
        defer { test.release() }
        let (data, array, limit, iov, total) = (test.data, test.array, test.limit, test.iov, test.total)
        let reference = ThreadContext.current.operationPool.take()
        let output: [UInt8] = reference.with { operation in
            operation.capture(array.buffers, count: array.count, datagram: false)
            var output: [UInt8] = []
            while !operation.isFinished {
                let count = operation.fillUnsent(iov, limit: limit)
                let offered = (0..<count).reduce(0) { $0 + iov[$1].iov_len }
                let taken = Int.random(in: 0...offered, using: &test.random)
                output += bytes(of: iov, count: count, upTo: taken)
                operation.advance(by: taken)
            }
            #expect(operation.sent == total, "seed \(seed)")
            return output
        }
        #expect(output == data, "seed \(seed)")
        withExtendedLifetime(array) {}
    }
}
