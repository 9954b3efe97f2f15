import Winsock

/// How often each WSA code was seen, in order of first appearance.
///
/// A few distinct codes at most, so a linear scan of two small arrays beats a dictionary, and adding a
/// known code allocates nothing (only a code seen for the first time appends).
public struct CodeCounts: Sendable, Equatable {
    public private(set) var codes: [Int32] = []
    public private(set) var counts: [UInt64] = []

    public init() {}

    @inline(__always)
    public mutating func add(_ code: Int32, count: UInt64 = 1) {
        for index in codes.indices where codes[index] == code {
            counts[index] &+= count
            return
        }
        codes.append(code)
        counts.append(count)
    }

    public mutating func merge(_ other: CodeCounts) {
        for index in other.codes.indices { add(other.codes[index], count: other.counts[index]) }
    }

    public func count(of code: Int32) -> UInt64 {
        codes.firstIndex(of: code).map { counts[$0] } ?? 0
    }

    public var isEmpty: Bool { codes.isEmpty }

    /// Takes `count` of `code` away (none below zero; a code left at zero goes).
    public mutating func remove(_ code: Int32, count: UInt64) {
        guard let index = codes.firstIndex(of: code) else { return }
        counts[index] -= min(count, counts[index])
        if counts[index] == 0 {
            codes.remove(at: index)
            counts.remove(at: index)
        }
    }

    /// The codes with their names and counts, most frequent first.
    public var entries: [(error: WSAError, count: UInt64)] {
        zip(codes, counts).map { (WSAError($0), $1) }.sorted { $0.count > $1.count }
    }
}
