import CWinsock
import Glibc
import Locking

/// Live objects (sockets, events) by handle, without hashing: a handle packs a slot index and the slot's
/// generation, so a lookup is one array access under one of 64 shard locks, and a stale handle (its
/// slot since reused) is told apart by its generation.
///
/// Handle layout: bits 2..<32 hold the slot index + 1 (0 is never a handle; handles are multiples of 4,
/// as Windows' are), bits 32..<64 the generation.
final class HandleTable<Object: AnyObject>: @unchecked Sendable {
    private struct Slot {
        var handle: UInt = 0
        var generation: UInt32 = 0
        var object: Object?
    }

    private static var chunkShift: Int { 10 }
    private static var chunkSize: Int { 1 << chunkShift }
    private static var maximumChunks: Int { 4096 }
    private static var shardCount: Int { 64 }

    /// Chunks of slots, created on demand and never freed; read without a lock.
    private let chunks: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let shards: UnsafeMutablePointer<pthread_mutex_t>
    /// Free slot indexes (oldest first, so a slot's reuse comes late) and the next never-used index.
    private let allocation = Locked<(free: RingBuffer<Int>, next: Int)>((RingBuffer(capacity: 64), 0))

    init() {
        chunks = .allocate(capacity: Self.maximumChunks)
        chunks.initialize(repeating: nil, count: Self.maximumChunks)
        shards = .allocate(capacity: Self.shardCount)
        for index in 0..<Self.shardCount { pthread_mutex_init(shards + index, nil) }
    }

    deinit {
        fatalError("handle tables live as long as the process")
    }

    @inline(__always)
    private func slot(_ index: Int) -> UnsafeMutablePointer<Slot>? {
        guard let chunk = cwinsock_load_pointer(chunks + (index >> Self.chunkShift)) else { return nil }
        return chunk.assumingMemoryBound(to: Slot.self) + (index & (Self.chunkSize - 1))
    }

    @inline(__always)
    private static func index(of handle: UInt) -> Int? {
        let encoded = Int(truncatingIfNeeded: (handle >> 2) & 0x3FFF_FFFF)
        guard handle & 3 == 0, encoded > 0, encoded <= maximumChunks << chunkShift else { return nil }
        return encoded - 1
    }

    @inline(__always)
    private func withShard<R>(_ index: Int, _ body: () -> R) -> R {
        let lock = shards + (index & (Self.shardCount - 1))
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }

    /// Enters an object made for its new handle; nil when the table is full.
    func insert(_ make: (UInt) -> Object) -> (handle: UInt, object: Object)? {
        let reserved: Int? = allocation.withLock { state in
            if let reused = state.free.removeFirst() { return reused }
            let index = state.next
            guard index < Self.maximumChunks << Self.chunkShift else { return nil }
            if index & (Self.chunkSize - 1) == 0 {
                let chunk = UnsafeMutablePointer<Slot>.allocate(capacity: Self.chunkSize)
                chunk.initialize(repeating: Slot(), count: Self.chunkSize)
                cwinsock_store_pointer(chunks + (index >> Self.chunkShift), UnsafeMutableRawPointer(chunk))
            }
            state.next += 1
            return index
        }
        guard let index = reserved, let slot = slot(index) else { return nil }
        return withShard(index) {
            slot.pointee.generation &+= 1
            let handle = UInt(slot.pointee.generation) << 32 | UInt(index + 1) << 2
            let object = make(handle)
            slot.pointee.handle = handle
            slot.pointee.object = object
            return (handle, object)
        }
    }

    /// The object of a handle, or nil for one that is not live.
    @inline(__always)
    func lookup(_ handle: UInt) -> Object? {
        guard let index = Self.index(of: handle), let slot = slot(index) else { return nil }
        return withShard(index) { slot.pointee.handle == handle ? slot.pointee.object : nil }
    }

    /// Removes a handle's object; nil when the handle is not live.
    func remove(_ handle: UInt) -> Object? {
        guard let index = Self.index(of: handle), let slot = slot(index) else { return nil }
        let removed: Object? = withShard(index) {
            guard slot.pointee.handle == handle else { return nil }
            slot.pointee.handle = 0
            defer { slot.pointee.object = nil }
            return slot.pointee.object
        }
        if removed != nil { allocation.withLock { $0.free.append(index) } }
        return removed
    }

    /// Removes every object (the last WSACleanup).
    func removeAll() -> [Object] {
        let used = allocation.withLock { $0.next }
        var removed: [Object] = []
        for index in 0..<used {
            guard let slot = slot(index) else { continue }
            if let object: Object = withShard(
                index,
                {
                    guard slot.pointee.handle != 0 else { return nil }
                    slot.pointee.handle = 0
                    defer { slot.pointee.object = nil }
                    return slot.pointee.object
                })
            {
                removed.append(object)
                allocation.withLock { $0.free.append(index) }
            }
        }
        return removed
    }
}
