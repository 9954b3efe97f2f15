/// Position-dependent test data: the byte at stream position `p` depends on `p` (not periodically at any
/// buffer size used here), so a lost, repeated or reordered byte or buffer changes what the peer sees.
enum Pattern {
    static func byte(at position: Int) -> UInt8 {
        let mixed = (position &* 0x9E37_79B1) >> 16
        return UInt8(truncatingIfNeeded: mixed ^ position ^ (position >> 8))
    }

    /// `count` bytes of the stream starting at `start`.
    static func bytes(from start: Int = 0, count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var position = start
            for index in 0..<count {
                buffer[index] = byte(at: position)
                position &+= 1
            }
            initialized = count
        }
    }

    /// Buffer sizes that add up to `total`: a repeating cycle of odd sizes, empty ones included.
    static func sizes(total: Int, cycle: [Int] = [0, 1, 7, 4096, 0, 113, 65536, 3, 1500]) -> [Int] {
        var sizes: [Int] = []
        var left = total
        var index = 0
        while left > 0 {
            let size = min(cycle[index % cycle.count], left)
            sizes.append(size)
            left -= size
            index += 1
        }
        return sizes
    }
}
