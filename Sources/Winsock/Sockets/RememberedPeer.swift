import Locking
import Synchronization

/// The peer's address as shutdown found it, for getpeername once Linux has forgotten it (it does once both
/// directions are closed, while Windows' getpeername goes on answering).
///
/// Made only when a socket is shut down, as one heap block holding the address's own bytes (16 for IPv4)
/// after its count: a lock guarding an empty value, as before, cost every socket two heap blocks, about
/// 100 bytes, whether or not it was ever shut down, and a third (an array) when it was. The first
/// shutdown's address is kept: a stream socket's peer cannot change once it is connected, so a later one
/// would give the same bytes.
///
/// Sockets shut down one after another with the same peer (a program's many connections to one server)
/// share one block: the last one made is kept aside, and a socket whose peer has the same bytes takes it
/// instead of a new one. Each was a 48-byte heap chunk, half a megabyte with 10,000 connections.
///
/// Unchecked Sendable: ManagedBuffer is not Sendable, but a `Bytes` is never written after it is made,
/// and the atomic reference publishes it (a releasing store, an acquiring load).
struct RememberedPeer: ~Copyable, @unchecked Sendable {
    /// The bytes, after their count, in the object's own allocation.
    private final class Bytes: ManagedBuffer<Int, UInt8> {
        static func make(_ bytes: [UInt8]) -> Bytes {
            let buffer = Bytes.create(minimumCapacity: bytes.count) { _ in bytes.count }
            buffer.withUnsafeMutablePointerToElements { $0.initialize(from: bytes, count: bytes.count) }
            return unsafeDowncast(buffer, to: Bytes.self)
        }

        var bytes: [UInt8] {
            withUnsafeMutablePointers { count, first in Array(UnsafeBufferPointer(start: first, count: count.pointee)) }
        }

        func holds(_ other: [UInt8]) -> Bool {
            withUnsafeMutablePointers { count, first in
                count.pointee == other.count
                    && UnsafeBufferPointer(start: first, count: count.pointee).elementsEqual(other)
            }
        }
    }

    /// The block most recently made, for the next socket shut down with the same peer. Taken once per
    /// shutdown, never on a send.
    private static let lastMade = Locked<Bytes?>(nil)

    private let remembered = AtomicLazyReference<Bytes>()

    /// Keeps `bytes` unless an address is kept already.
    func remember(_ bytes: [UInt8]) {
        guard remembered.load() == nil else { return }
        let block = Self.lastMade.withLock { last in
            if let made = last, made.holds(bytes) { return made }
            let made = Bytes.make(bytes)
            last = made
            return made
        }
        _ = remembered.storeIfNil(block)
    }

    /// The kept address's bytes; nil before the socket was shut down.
    var bytes: [UInt8]? { remembered.load()?.bytes }
}
