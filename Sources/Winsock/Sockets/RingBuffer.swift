/// A growable FIFO that reuses its storage, so that a steady stream of pushes and pops allocates
/// nothing once it has grown to the high-water mark.
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 16) {
        storage = Array(repeating: nil, count: Swift.max(capacity, 1))
    }

    var isEmpty: Bool { count == 0 }

    var first: Element? { count == 0 ? nil : storage[head] }

    mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = element
        count += 1
    }

    @discardableResult
    mutating func removeFirst() -> Element? {
        guard count > 0 else { return nil }
        // Moved out with a swap: a copy and a nil store would retain and release a class element.
        var element: Element?
        swap(&element, &storage[head])
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    /// The element `offset` places from the front.
    subscript(offset: Int) -> Element {
        storage[(head + offset) % storage.count]!
    }

    /// Removes every element for which `shouldRemove` is true, keeping the others' order.
    mutating func removeAll(where shouldRemove: (Element) -> Bool) -> [Element] {
        var kept: [Element] = []
        var removed: [Element] = []
        while let element = removeFirst() {
            if shouldRemove(element) { removed.append(element) } else { kept.append(element) }
        }
        for element in kept { append(element) }
        return removed
    }

    private mutating func grow() {
        var bigger = [Element?](repeating: nil, count: storage.count * 2)
        for index in 0..<count { bigger[index] = storage[(head + index) % storage.count] }
        storage = bigger
        head = 0
    }
}
