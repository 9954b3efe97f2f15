/// A stack of an overlapped connection's free slot indexes over storage its owner sized once: like
/// `RingIndexQueue` (and for the same reason a struct kept inline in the connection), nothing on the
/// per-call path allocates.
struct IndexStack {
    private let storage: UnsafeMutablePointer<Int>
    let capacity: Int
    private(set) var count = 0

    /// A stack over `capacity` integers at `storage`, which the owner allocates and frees.
    init(storage: UnsafeMutablePointer<Int>, capacity: Int) {
        self.storage = storage
        self.capacity = capacity
    }

    var last: Int? { count == 0 ? nil : storage[count - 1] }

    mutating func push(_ value: Int) {
        precondition(count < capacity, "more free slots than a connection has")
        storage[count] = value
        count += 1
    }

    @discardableResult
    mutating func pop() -> Int? {
        guard count > 0 else { return nil }
        count -= 1
        return storage[count]
    }
}
