import Winsock

/// One connection of an overlapped run: its slots, the order they were posted in, and its counters.
///
/// Sends on one stream socket complete in call order, so the oldest call in flight is the one to wait
/// for; `inFlight` keeps the posted slots oldest first.
final class OverlappedConnection {
    let index: Int
    let handle: SOCKET
    let live: LiveCounters
    // Only the driving thread touches a connection: no exclusivity checks on the per-call path.
    @exclusivity(unchecked) var slots: [OverlappedSlot] = []
    /// Slot indexes in post order.
    @exclusivity(unchecked) var inFlight = RingIndexQueue()
    /// Slot indexes free to post with.
    @exclusivity(unchecked) var free: [Int] = []
    @exclusivity(unchecked) var counters = CallCounters()
    /// The code that ended the connection.
    @exclusivity(unchecked) var error: Int32?
    /// No more calls: the set limit, the end of the file, a failure or a stop.
    @exclusivity(unchecked) var finished = false
    /// Set when the last file read failed.
    @exclusivity(unchecked) var fileError: SystemFileError?
    /// Sets posted (what --count limits).
    @exclusivity(unchecked) var posted: UInt64 = 0

    init(index: Int, handle: SOCKET, live: LiveCounters) {
        self.index = index
        self.handle = handle
        self.live = live
    }

    /// The oldest slot in flight.
    var oldest: OverlappedSlot? { inFlight.first.map { slots[$0] } }

    /// A free slot to post with, if any.
    var freeSlot: OverlappedSlot? { free.last.map { slots[$0] } }

    /// Adds a slot (at setup).
    func add(_ slot: OverlappedSlot) {
        slot.index = slots.count
        free.append(slot.index)
        slots.append(slot)
    }

    /// The slot was posted: out of the free list, into the in-flight queue.
    func posted(_ slot: OverlappedSlot) {
        free.removeLast()
        inFlight.append(slot.index)
    }

    /// The slot's call is over (or never started): free again.
    func release(_ slot: OverlappedSlot) {
        slot.state = .free
        free.append(slot.index)
    }
}

/// A FIFO of small integers (slot indexes) over a fixed array: no allocation after the first grow.
struct RingIndexQueue {
    private var storage: [Int] = Array(repeating: 0, count: 8)
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    var first: Int? { count == 0 ? nil : storage[head] }

    mutating func append(_ value: Int) {
        if count == storage.count {
            storage = (0..<count).map { storage[(head + $0) % storage.count] } + Array(repeating: 0, count: count)
            head = 0
        }
        storage[(head + count) % storage.count] = value
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> Int? {
        guard count > 0 else { return nil }
        let value = storage[head]
        head = (head + 1) % storage.count
        count -= 1
        return value
    }
}
