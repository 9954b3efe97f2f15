/// A growable FIFO that reuses its storage, so that a steady stream of pushes and pops allocates
/// nothing once it has grown to the high-water mark.
///
/// A class over raw storage rather than a struct over an Array: the send pipeline pushes and pops on
/// every call, and an Array pays a uniqueness check (and an Optional element a retain) on each write.
/// Whoever holds one owns it; it is shared only through its owner's lock or thread.
final class RingBuffer<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 16) {
        self.capacity = Swift.max(capacity, 1)
        storage = .allocate(capacity: self.capacity)
    }

    deinit {
        while count > 0 { removeFirst() }
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private func slot(_ offset: Int) -> UnsafeMutablePointer<Element> {
        let index = head + offset
        return storage + (index < capacity ? index : index - capacity)
    }

    var first: Element? { count == 0 ? nil : storage[head] }

    /// Inline, with the growth out of line: a call each cost the stream path's two appends an operation
    /// (the send queue's and the batch's) some 8 instructions apiece.
    @inline(__always)
    func append(_ element: Element) {
        if count == capacity { grow() }
        slot(count).initialize(to: element)
        count += 1
    }

    @discardableResult
    @inline(__always)
    func removeFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = (storage + head).move()
        head = head + 1 == capacity ? 0 : head + 1
        count -= 1
        return element
    }

    /// The element `offset` places from the front.
    subscript(offset: Int) -> Element {
        slot(offset).pointee
    }

    /// Removes every element for which `shouldRemove` is true, keeping the others' order.
    func removeAll(where shouldRemove: (Element) -> Bool) -> [Element] {
        var kept: [Element] = []
        var removed: [Element] = []
        while let element = removeFirst() {
            if shouldRemove(element) { removed.append(element) } else { kept.append(element) }
        }
        for element in kept { append(element) }
        return removed
    }

    @inline(never)
    private func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        for index in 0..<count { (bigger + index).initialize(to: slot(index).move()) }
        storage.deallocate()
        storage = bigger
        capacity *= 2
        head = 0
    }
}
