import Testing
import Winsock

@testable import WSASendTool

/// SplitMix64, seeded, so that a failing sequence can be replayed from the seed it prints.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The run's socket set (`RunControl`'s registered sockets) answers as a `Set<SOCKET>` would.
@Suite("The run's socket set")
struct SocketSetTests {
    @Test(
        "random inserts and removes answer as a Set does, through growth and back-shifted removals",
        arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func matchesSet(seed: UInt64) {
        var random = SplitMix(state: seed)
        var set = SocketSet()
        var reference = Set<SOCKET>()
        // Handles shaped like the library's (multiples of 4, a generation in the high half), from a small
        // pool so that removals hit and collisions chain; 0 and INVALID_SOCKET are in the pool too.
        let pool: [SOCKET] =
            (1...300).map { SOCKET($0) << 2 | SOCKET($0 % 3) << 32 } + [0, INVALID_SOCKET, 4 << 32, 8 << 32]
        for step in 0..<5_000 {
            let socket = pool[Int.random(in: 0..<pool.count, using: &random)]
            if Int.random(in: 0..<3, using: &random) == 0 {
                let removed = set.remove(socket)
                #expect(removed == (reference.remove(socket) != nil), "seed \(seed) step \(step)")
            } else {
                let inserted = set.insert(socket)
                #expect(inserted == reference.insert(socket).inserted, "seed \(seed) step \(step)")
            }
            #expect(set.count == reference.count, "seed \(seed) step \(step)")
        }
        for socket in pool {
            #expect(set.contains(socket) == reference.contains(socket), "seed \(seed), socket \(socket)")
        }
        let held = set.removeAll()
        #expect(Set(held) == reference, "seed \(seed)")
        #expect(set.isEmpty)
        #expect(pool.allSatisfy { !set.contains($0) })
    }

    @Test("10,000 handles in, then out in the order they came, leave nothing behind")
    func manyInAndOut() {
        var set = SocketSet()
        let handles = (1...10_000).map { SOCKET($0) << 2 | 1 << 32 }
        for handle in handles {
            let inserted = set.insert(handle)
            #expect(inserted)
        }
        #expect(set.count == 10_000)
        for handle in handles {
            let removed = set.remove(handle)
            #expect(removed)
        }
        #expect(set.isEmpty)
        let left = set.removeAll()
        #expect(left.isEmpty)
    }
}
