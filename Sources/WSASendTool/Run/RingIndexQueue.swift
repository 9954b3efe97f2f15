/// A FIFO of slot indexes over storage sized once (a connection never has more than `outstanding`
/// calls in flight): pushing and popping on the per-call path touch no Array and allocate nothing.
final class RingIndexQueue {
    private let storage: UnsafeMutablePointer<Int>
    private let capacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { count == 0 }
    var first: Int? { count == 0 ? nil : storage[head] }

    func append(_ value: Int) {
        precondition(count < capacity, "more slots in flight than a connection has")
        let tail = head + count
        storage[tail < capacity ? tail : tail - capacity] = value
        count += 1
    }

    @discardableResult
    func removeFirst() -> Int? {
        guard count > 0 else { return nil }
        let value = storage[head]
        head = head + 1 == capacity ? 0 : head + 1
        count -= 1
        return value
    }
}
