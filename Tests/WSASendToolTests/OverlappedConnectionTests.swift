import Testing
import Winsock

@testable import WSASendTool

/// An overlapped connection keeps its calls in flight as a run of its slots round a ring: the driver posts
/// with the slot after them and collects only the oldest, so two numbers stand for an in-flight queue and
/// a free list. Checked here against such a queue, step by step.
@Suite("An overlapped connection's slots in flight")
struct OverlappedConnectionTests {
    /// Posts and collects in an order that fills, drains and wraps the ring many times: `pattern`'s bits,
    /// one a step, say post (1) or collect (0) when both are possible.
    @Test(
        "the next free slot is never one in flight, and the oldest is the first posted still in flight",
        arguments: [(slots: 1, pattern: UInt64(0b1011)), (3, 0b1101_1001_1110), (64, 0xF0F0_FF00_F731_0FF1)])
    func ringMatchesQueue(slots: Int, pattern: UInt64) throws {
        let live = LiveCounters(connections: 1)
        let connection = OverlappedConnection(index: 0, handle: 0, live: live.lane(0), outstanding: slots)
        let template = UnsafeMutableBufferPointer<WSABUF>.allocate(capacity: 1)
        defer { template.deallocate() }
        template[0] = WSABUF(len: 0, buf: nil)
        var made: [OverlappedSlot] = []
        for _ in 0..<slots {
            let slot = try #require(OverlappedSlot(template: template, fileSpec: nil, connection: connection))
            made.append(slot)
            connection.add(slot)
        }
        var queue: [ObjectIdentifier] = []
        var posts = 0
        for step in 0..<(40 * slots + 64) {
            #expect(connection.freeCount == slots - queue.count)
            #expect(connection.hasInFlight == !queue.isEmpty)
            let wantsPost = (pattern >> UInt64(step % 64)) & 1 == 1
            if connection.freeCount > 0 && (wantsPost || queue.isEmpty) {
                let next = ObjectIdentifier(connection.nextFree.takeUnretainedValue())
                #expect(!queue.contains(next), "step \(step): the next free slot is in flight")
                // A call settled as it returns leaves its slot free: the same slot is offered again.
                #expect(ObjectIdentifier(connection.nextFree.takeUnretainedValue()) == next)
                connection.posted()
                queue.append(next)
                posts += 1
            } else {
                let oldest = try #require(connection.oldest)
                #expect(ObjectIdentifier(oldest) == queue.first, "step \(step): not the oldest call")
                #expect(connection.oldestInFlight.takeUnretainedValue() === oldest)
                connection.collectedOldest()
                queue.removeFirst()
            }
        }
        #expect(posts > 4 * slots, "the ring wrapped several times")
        // Every slot took its turn.
        #expect(Set(queue).count == queue.count)
        connection.releaseSlots()
        #expect(connection.slotCount == 0 && !connection.hasInFlight)
        withExtendedLifetime(made) {}
    }
}
