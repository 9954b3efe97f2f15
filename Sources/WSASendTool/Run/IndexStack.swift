/// A stack of an overlapped connection's free slot indexes over storage sized once: like
/// `RingIndexQueue`, nothing on the per-call path allocates.
final class IndexStack {
    private let storage: UnsafeMutablePointer<Int>
    private let capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    var last: Int? { count == 0 ? nil : storage[count - 1] }

    func push(_ value: Int) {
        precondition(count < capacity, "more free slots than a connection has")
        storage[count] = value
        count += 1
    }

    @discardableResult
    func pop() -> Int? {
        guard count > 0 else { return nil }
        count -= 1
        return storage[count]
    }
}
