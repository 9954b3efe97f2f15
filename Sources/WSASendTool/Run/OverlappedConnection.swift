import Winsock

/// One connection of an overlapped run: its slots, the order they were posted in, and its counters (the
/// inherited `counters`, which the report's entry keeps at the end instead of a copy).
///
/// Sends on one stream socket complete in call order, so the oldest call in flight is the one to wait
/// for; `inFlight` keeps the posted slots oldest first.
final class OverlappedConnection: ConnectionCounters {
    let index: Int
    let handle: SOCKET
    let live: LiveCounters.Lane
    /// The slots, each retained once here until `releaseSlots`; the per-call path borrows one without
    /// a reference count. The start of the connection's one block, which `inFlight` and `free` use
    /// after it: one heap block instead of four (a run of 10,000 connections made 40,000; the array
    /// that owned the slots before was one of them, 48 bytes with malloc's rounding).
    private let slotReferences: UnsafeMutablePointer<Unmanaged<OverlappedSlot>>
    // Only the driving thread touches a connection: no exclusivity checks on the per-call path.
    // The fields narrower than a word come last, packed together, so that no padding falls between them:
    // one of these a connection, and a few bytes over a malloc size class cost the next class's 16.
    /// Slot indexes in post order.
    @exclusivity(unchecked) var inFlight: RingIndexQueue
    /// Slot indexes free to post with.
    @exclusivity(unchecked) var free: IndexStack
    /// When the connection was shut down and closed, once it was finished with nothing in flight.
    @exclusivity(unchecked) var ended: UInt64?
    /// The code that ended the connection.
    @exclusivity(unchecked) var error: Int32?
    /// No more calls: the set limit, the end of the file, a failure or a stop.
    @exclusivity(unchecked) var finished = false
    @exclusivity(unchecked) private var storedSlotCount: Int32 = 0

    /// How many slots the connection has (0 once they are released).
    var slotCount: Int { Int(storedSlotCount) }

    init(index: Int, handle: SOCKET, live: LiveCounters.Lane, outstanding: Int) {
        self.index = index
        self.handle = handle
        self.live = live
        let capacity = max(outstanding, 1)
        // The slot references, then the in-flight ring, then the free stack: all word-sized.
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: 3 * capacity * MemoryLayout<Int>.stride, alignment: MemoryLayout<Int>.alignment)
        slotReferences = block.bindMemory(to: Unmanaged<OverlappedSlot>.self, capacity: capacity)
        let indexes = (block + capacity * MemoryLayout<Int>.stride).bindMemory(to: Int.self, capacity: 2 * capacity)
        inFlight = RingIndexQueue(storage: indexes, capacity: capacity)
        free = IndexStack(storage: indexes + capacity, capacity: capacity)
        super.init()
    }

    deinit {
        releaseSlots()
        UnsafeMutableRawPointer(slotReferences).deallocate()
    }

    /// The slot at `index` of `slots`, unretained.
    @inline(__always)
    func slot(_ index: Int) -> Unmanaged<OverlappedSlot> { slotReferences[index] }

    /// The oldest slot in flight.
    var oldest: OverlappedSlot? { inFlight.first.map { slotReferences[$0].takeUnretainedValue() } }

    /// Adds a slot (at setup).
    func add(_ slot: OverlappedSlot) {
        precondition(slotCount < free.capacity, "more slots than a connection has")
        slot.index = slotCount
        free.push(slot.index)
        slotReferences[slot.index] = .passRetained(slot)
        storedSlotCount += 1
    }

    /// Frees the slots (their WSAOVERLAPPED and WSABUF arrays), once no call is in flight.
    func releaseSlots() {
        for index in 0..<slotCount { slotReferences[index].release() }
        storedSlotCount = 0
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
