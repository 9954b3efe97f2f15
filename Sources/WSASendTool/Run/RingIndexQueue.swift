/// A FIFO of slot indexes over storage its owner sized once (a connection never has more than
/// `outstanding` calls in flight): pushing and popping on the per-call path touch no Array and allocate
/// nothing.
///
/// A struct over storage the connection owns, kept inline in the connection: a class of its own cost
/// every connection two more heap blocks (the object and its storage), and a run of 10,000 connections
/// holds 10,000 of them.
struct RingIndexQueue {
    private let storage: UnsafeMutablePointer<Int>
    private let capacity: Int
    private var head = 0
    private(set) var count = 0

    /// A queue over `capacity` integers at `storage`, which the owner allocates and frees.
    init(storage: UnsafeMutablePointer<Int>, capacity: Int) {
        self.storage = storage
        self.capacity = capacity
    }

    var isEmpty: Bool { count == 0 }
    var first: Int? { count == 0 ? nil : storage[head] }

    mutating func append(_ value: Int) {
        precondition(count < capacity, "more slots in flight than a connection has")
        let tail = head + count
        storage[tail < capacity ? tail : tail - capacity] = value
        count += 1
    }

    /// Inline: the driver takes every collected call out here, and once the collect path grew, the
    /// optimizer left it as a call (callgrind: 20 instructions a stream call).
    @discardableResult
    @inline(__always)
    mutating func removeFirst() -> Int? {
        guard count > 0 else { return nil }
        let value = storage[head]
        head = head + 1 == capacity ? 0 : head + 1
        count -= 1
        return value
    }
}
