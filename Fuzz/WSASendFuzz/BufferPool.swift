import Winsock

/// The memory every WSABUF points into: one block of `size` bytes, each with a value that depends on its
/// offset (so a byte sent from the wrong place or out of order shows), allocated once and never freed.
///
/// A buffer is only ever an offset and a length that fit inside the pool: the fuzzer never gives a real
/// pointer a length beyond its memory (WSASend cannot check that, on Windows either).
enum BufferPool {
    static let size = 1 << 16

    nonisolated(unsafe) static let base: UnsafeMutablePointer<UInt8> = {
        let pool = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        for offset in 0..<size { pool[offset] = value(at: offset) }
        return pool
    }()

    static func value(at offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: (offset &* 131) ^ (offset >> 7)) }

    /// A WSABUF over `length` bytes from `offset`, clamped into the pool.
    static func buffer(offset: Int, length: Int) -> WSABUF {
        let start = offset % size
        let fitting = min(length, size - start)
        return WSABUF(
            len: ULONG(fitting), buf: UnsafeMutableRawPointer(base + start).assumingMemoryBound(to: CChar.self))
    }

    /// The offset of a pointer into the pool.
    static func offset(of pointer: UnsafeMutablePointer<CChar>) -> Int {
        UnsafeMutableRawPointer(pointer) - UnsafeMutableRawPointer(base)
    }
}
