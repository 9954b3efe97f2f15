import Winsock

/// The sockets a run owns (`RunControl`): a set of handles in one open-addressing table.
///
/// Every connection is registered once while it is set up, so the insert is on the set-up path. A
/// `Set<SOCKET>` hashed each handle with the standard library's seeded SipHash and rehashed the whole set
/// at each growth, about 500 instructions per connection; here a handle's slot is one multiply (Fibonacci
/// hashing: a handle is a unique number already, it only needs its bits spread), linear probing finds
/// it, and a removal shifts the entries behind it back, so no tombstones build up as connections end.
struct SocketSet {
    /// Handles, 0 for an empty slot; the count is a power of two, at most three quarters full (at most
    /// half full, the table of a 10,000-connection run was 256 KB; linear probing with Fibonacci hashing
    /// still finds a handle within a few slots).
    private var slots: [SOCKET]
    /// Handle 0 has no slot (0 marks an empty one): whether it is in the set.
    private var holdsZero = false
    private(set) var count = 0

    init() { slots = [SOCKET](repeating: 0, count: 16) }

    var isEmpty: Bool { count == 0 }

    private var mask: Int { slots.count - 1 }

    /// The slot where a handle's probe starts: the top bits of the handle times 2^64 / the golden ratio.
    @inline(__always)
    private func home(_ socket: SOCKET) -> Int {
        let bits = UInt64(slots.count.trailingZeroBitCount)
        return Int(truncatingIfNeeded: (UInt64(socket) &* 0x9E37_79B9_7F4A_7C15) >> (64 &- bits))
    }

    /// The slot holding `socket`, or the empty slot where its probe ends.
    @inline(__always)
    private func probe(_ socket: SOCKET) -> Int {
        var index = home(socket)
        while slots[index] != 0 && slots[index] != socket { index = (index &+ 1) & mask }
        return index
    }

    func contains(_ socket: SOCKET) -> Bool {
        socket == 0 ? holdsZero : slots[probe(socket)] == socket
    }

    /// Adds a handle; false when it was there already.
    @discardableResult
    mutating func insert(_ socket: SOCKET) -> Bool {
        if socket == 0 {
            defer { holdsZero = true }
            if !holdsZero { count += 1 }
            return !holdsZero
        }
        let index = probe(socket)
        guard slots[index] == 0 else { return false }
        slots[index] = socket
        count += 1
        if (count - (holdsZero ? 1 : 0)) * 4 > slots.count * 3 { grow() }
        return true
    }

    /// Removes a handle; false when it was not there.
    @discardableResult
    mutating func remove(_ socket: SOCKET) -> Bool {
        if socket == 0 {
            defer { holdsZero = false }
            if holdsZero { count -= 1 }
            return holdsZero
        }
        var hole = probe(socket)
        guard slots[hole] == socket else { return false }
        slots[hole] = 0
        count -= 1
        // Entries after the hole whose probe started at or before it move back into it, so that every
        // entry stays reachable from its home slot without crossing an empty one.
        var next = (hole &+ 1) & mask
        while slots[next] != 0 {
            let start = home(slots[next])
            // Cyclic distance from the start to each slot: the entry may fill the hole when the hole lies
            // on its probe path, that is, no farther from its start than where it sits now.
            if (hole &- start) & mask <= (next &- start) & mask {
                slots[hole] = slots[next]
                slots[next] = 0
                hole = next
            }
            next = (next &+ 1) & mask
        }
        return true
    }

    /// Empties the set, returning what it held (in no particular order).
    mutating func removeAll() -> [SOCKET] {
        var removed = slots.filter { $0 != 0 }
        if holdsZero { removed.append(0) }
        self = SocketSet()
        return removed
    }

    private mutating func grow() {
        let old = slots
        slots = [SOCKET](repeating: 0, count: old.count * 2)
        for socket in old where socket != 0 { slots[probe(socket)] = socket }
    }
}
