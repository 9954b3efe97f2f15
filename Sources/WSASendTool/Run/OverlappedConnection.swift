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
    /// The same slots, unretained, for the per-call path: borrowing one from here takes no reference
    /// count (`slots` owns them for the connection's life). The start of the connection's one block of
    /// index storage, which `inFlight` and `free` use after it: one heap block instead of three (a run of
    /// 10,000 connections made 30,000).
    private let slotReferences: UnsafeMutablePointer<Unmanaged<OverlappedSlot>>
    private let capacity: Int
    /// Slot indexes in post order.
    @exclusivity(unchecked) var inFlight: RingIndexQueue
    /// Slot indexes free to post with.
    @exclusivity(unchecked) var free: IndexStack
    @exclusivity(unchecked) var counters = CallCounters()
    /// The code that ended the connection.
    @exclusivity(unchecked) var error: Int32?
    /// No more calls: the set limit, the end of the file, a failure or a stop.
    @exclusivity(unchecked) var finished = false
    /// Set when the last file read failed.
    @exclusivity(unchecked) var fileError: SystemFileError?
    /// When the connection was shut down and closed, once it was finished with nothing in flight.
    @exclusivity(unchecked) var ended: UInt64?

    init(index: Int, handle: SOCKET, live: LiveCounters, outstanding: Int) {
        self.index = index
        self.handle = handle
        self.live = live
        let capacity = max(outstanding, 1)
        self.capacity = capacity
        // The slot references, then the in-flight ring, then the free stack: all word-sized.
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: 3 * capacity * MemoryLayout<Int>.stride, alignment: MemoryLayout<Int>.alignment)
        slotReferences = block.bindMemory(to: Unmanaged<OverlappedSlot>.self, capacity: capacity)
        let indexes = (block + capacity * MemoryLayout<Int>.stride).bindMemory(to: Int.self, capacity: 2 * capacity)
        inFlight = RingIndexQueue(storage: indexes, capacity: capacity)
        free = IndexStack(storage: indexes + capacity, capacity: capacity)
        slots.reserveCapacity(capacity)
    }

    deinit { UnsafeMutableRawPointer(slotReferences).deallocate() }

    /// The slot at `index` of `slots`, unretained.
    @inline(__always)
    func slot(_ index: Int) -> Unmanaged<OverlappedSlot> { slotReferences[index] }

    /// The oldest slot in flight.
    var oldest: OverlappedSlot? { inFlight.first.map { slots[$0] } }

    /// Adds a slot (at setup).
    func add(_ slot: OverlappedSlot) {
        precondition(slots.count < capacity, "more slots than a connection has")
        slot.index = slots.count
        free.push(slot.index)
        slotReferences[slot.index] = .passUnretained(slot)
        slots.append(slot)
    }

    /// The slot was posted: out of the free list, into the in-flight queue. Inline: it is two index
    /// moves on every call, and as a call it cost 28 instructions (callgrind).
    @inline(__always)
    func posted(_ slot: OverlappedSlot) {
        free.pop()
        inFlight.append(slot.index)
    }

    /// The slot's call is over (or never started): free again.
    @inline(__always)
    func release(_ slot: OverlappedSlot) {
        slot.state = .free
        free.push(slot.index)
    }
}
