import Winsock

/// One connection of an overlapped run: its slots, which of them are in flight, and its counters (the
/// inherited `counters`, which the report's entry keeps at the end instead of a copy).
///
/// Sends on one stream socket complete in call order, so the oldest call in flight is the one to wait
/// for, and the driver collects a connection's calls only oldest first. The slots are therefore used in
/// turn, round a ring: the calls in flight are the `inFlightCount` slots from `oldestPosition` on, and the
/// next free slot is the one after them. Two numbers say all of it, where an in-flight queue and a free
/// stack of slot indexes took two index moves each on every post and every collect.
final class OverlappedConnection: ConnectionCounters {
    let index: Int
    let handle: SOCKET
    let live: LiveCounters.Lane
    /// The slots, each retained once here until `releaseSlots`; the per-call path borrows one without
    /// a reference count. One heap block for the connection's slot references.
    private let slotReferences: UnsafeMutablePointer<Unmanaged<OverlappedSlot>>
    private let capacity: Int
    // Only the driving thread touches a connection: no exclusivity checks on the per-call path.
    // The fields narrower than a word come last, packed together, so that no padding falls between them:
    // one of these a connection, and a few bytes over a malloc size class cost the next class's 16.
    /// When the connection was shut down and closed, once it was finished with nothing in flight.
    @exclusivity(unchecked) var ended: UInt64?
    /// Where the oldest call in flight is in the slots (where the next one goes when none is).
    @exclusivity(unchecked) private var oldestPosition: Int32 = 0
    /// How many calls are in flight: the slots from `oldestPosition` on, round the ring.
    @exclusivity(unchecked) private(set) var inFlightCount: Int32 = 0
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
        capacity = max(outstanding, 1)
        slotReferences = .allocate(capacity: capacity)
        super.init()
    }

    deinit {
        releaseSlots()
        slotReferences.deallocate()
    }

    /// True while a call of the connection is in flight.
    var hasInFlight: Bool { inFlightCount != 0 }

    /// How many slots are free to post with.
    var freeCount: Int { Int(storedSlotCount &- inFlightCount) }

    /// The oldest slot in flight, unretained; only while `hasInFlight`.
    @inline(__always)
    var oldestInFlight: Unmanaged<OverlappedSlot> { slotReferences[Int(oldestPosition)] }

    /// The slot the next call goes in, unretained; only while `freeCount > 0`.
    @inline(__always)
    var nextFree: Unmanaged<OverlappedSlot> {
        let position = oldestPosition &+ inFlightCount
        return slotReferences[Int(position < storedSlotCount ? position : position &- storedSlotCount)]
    }

    /// The oldest slot in flight.
    var oldest: OverlappedSlot? { hasInFlight ? oldestInFlight.takeUnretainedValue() : nil }

    /// The slot at `index` of the slots, unretained.
    func slot(_ index: Int) -> Unmanaged<OverlappedSlot> { slotReferences[index] }

    /// Adds a slot (at setup).
    func add(_ slot: OverlappedSlot) {
        precondition(slotCount < capacity, "more slots than a connection has")
        slotReferences[slotCount] = .passRetained(slot)
        storedSlotCount += 1
    }

    /// Frees the slots (their WSAOVERLAPPED and WSABUF arrays), once no call is in flight.
    func releaseSlots() {
        for index in 0..<slotCount { slotReferences[index].release() }
        storedSlotCount = 0
        oldestPosition = 0
        inFlightCount = 0
    }

    /// The call in `nextFree` was posted and stays in flight.
    @inline(__always)
    func posted() {
        inFlightCount &+= 1
    }

    /// The oldest call in flight was collected: its slot is free again, the last in turn.
    @inline(__always)
    func collectedOldest() {
        let next = oldestPosition &+ 1
        oldestPosition = next == storedSlotCount ? 0 : next
        inFlightCount &-= 1
    }
}
