import Synchronization

/// The table of open sockets: SOCKET handles to their records.
///
/// Handles are never reused (a 64-bit counter), so a stale handle gives WSAENOTSOCK rather than
/// reaching a newer socket. The table is split into shards, each with its own lock, so that threads
/// sending on different sockets rarely meet on one lock.
final class SocketTable: Sendable {
    private final class Shard: Sendable {
        let records = Locked<[SOCKET: SocketRecord]>([:])
    }

    private static let shardCount = 16
    private let shards: [Shard]
    private let nextHandle = Atomic<UInt>(0x1000)

    init() {
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    @inline(__always)
    private func shard(_ handle: SOCKET) -> Int { Int((handle >> 2) & UInt(Self.shardCount - 1)) }

    /// A new handle (multiples of 4, as Windows' are).
    func makeHandle() -> SOCKET {
        nextHandle.wrappingAdd(4, ordering: .relaxed).oldValue
    }

    func insert(_ record: SocketRecord) {
        shards[shard(record.handle)].records.withLock { $0[record.handle] = record }
    }

    @inline(__always)
    func lookup(_ handle: SOCKET) -> SocketRecord? {
        shards[shard(handle)].records.withLock { $0[handle] }
    }

    func remove(_ handle: SOCKET) -> SocketRecord? {
        shards[shard(handle)].records.withLock { $0.removeValue(forKey: handle) }
    }

    /// Empties the table, for the last WSACleanup.
    func removeAll() -> [SocketRecord] {
        shards.flatMap { shard in
            shard.records.withLock { table in
                let records = Array(table.values)
                table.removeAll()
                return records
            }
        }
    }

    var count: Int { shards.reduce(0) { sum, shard in sum + shard.records.withLock { $0.count } } }
}
