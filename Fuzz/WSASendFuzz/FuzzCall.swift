import Winsock

/// One WSASend call decoded from the fuzzer's bytes: how it is made (blocking, non-blocking, overlapped
/// with an event or a completion routine), its flags, and its WSABUF array, with the hostile cases the
/// contract must answer without a crash: a nil array, nil pointers with a length, zero lengths, and
/// counts around IOV_MAX (1024).
struct FuzzCall {
    enum Mode: CaseIterable { case blocking, nonBlocking, event, routine }

    var mode: Mode
    var flags: DWORD
    /// Nil for a nil lpBuffers (with `count` still passed).
    var buffers: [WSABUF]?
    var count: DWORD
    /// Overlapped calls may pass a nil lpNumberOfBytesSent.
    var countsBytes: Bool

    /// The counts the fuzzer prefers: IOV_MAX and its neighbours, and a few far beyond it.
    static let largeCounts: [Int] = [1023, 1024, 1025, 1100, 2048, 4096]
    /// Flags the contract names, and some bits it does not.
    static let flagChoices: [DWORD] = [
        0, 0, 0, DWORD(MSG_OOB), DWORD(MSG_DONTROUTE), DWORD(MSG_PARTIAL), DWORD(MSG_OOB | MSG_DONTROUTE), 0x4, 0x8,
        0x100, 0x8000_0000,
    ]

    init(_ input: inout FuzzBytes) {
        let header = input.byte()
        mode = Mode.allCases[Int(header & 3)]
        flags = Self.flagChoices[Int(input.byte()) % Self.flagChoices.count]
        countsBytes = mode == .blocking || mode == .nonBlocking || header & 0x40 == 0
        let countByte = input.byte()
        let wanted = countByte >= 0xF0 ? Self.largeCounts[Int(countByte) % Self.largeCounts.count] : Int(countByte % 17)
        // Many buffers stay small, so that a call near IOV_MAX moves a few megabytes at most.
        let longest = wanted > 16 ? 512 : BufferPool.size
        var made: [WSABUF] = []
        made.reserveCapacity(wanted)
        for index in 0..<wanted {
            let kind = input.isAtEnd ? UInt8(truncatingIfNeeded: index &* 7) : input.byte()
            let offset = Int(input.uint16())
            let length = input.isAtEnd ? (index &* 37) % 97 : Int(input.uint16()) % (longest + 1)
            switch kind % 16 {
            case 0: made.append(WSABUF(len: ULONG(max(length, 1)), buf: nil))  // nil with a length
            case 1: made.append(WSABUF(len: 0, buf: nil))
            case 2, 3: made.append(BufferPool.buffer(offset: offset, length: 0))
            default: made.append(BufferPool.buffer(offset: offset, length: length))
            }
        }
        buffers = header & 0x80 != 0 && header & 0x20 != 0 ? nil : made
        // Now and then a count that says more or less than the array holds (never more than it holds:
        // WSASend would read past it, as it would on Windows).
        count = DWORD(buffers == nil ? wanted : (header & 0x10 != 0 ? max(wanted - 1, 0) : wanted))
    }

    /// True when the array has a nil pointer with a length among the first `count` buffers.
    var hasNilWithLength: Bool {
        guard let buffers else { return false }
        return buffers.prefix(Int(count)).contains { $0.buf == nil && $0.len > 0 }
    }

    /// The first `sent` bytes of the array, in order: what the peer must read.
    func bytes(sent: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(sent)
        for buffer in (buffers ?? []).prefix(Int(count)) where result.count < sent {
            guard let pointer = buffer.buf else { continue }
            let start = BufferPool.offset(of: pointer)
            let take = min(Int(buffer.len), sent - result.count)
            for offset in start..<start + take { result.append(BufferPool.value(at: offset)) }
        }
        return result
    }

    /// Every byte the array offers.
    var totalBytes: Int { (buffers ?? []).prefix(Int(count)).reduce(0) { $0 + Int($1.len) } }
}
