import Winsock

/// How often each WSA code was seen, in order of first appearance.
///
/// A few distinct codes at most, so a linear scan of one small array beats a dictionary, and adding a
/// known code allocates nothing (only a code seen for the first time appends). One array of pairs
/// rather than two arrays: every connection's counters hold two of these, and a second array
/// reference in each was 16 bytes a connection, twice (the driver's connection and the report's entry).
public struct CodeCounts: Sendable, Equatable {
    private struct Entry: Sendable, Equatable {
        let code: Int32
        var count: UInt64
    }

    private var pairs: [Entry] = []

    public init() {}

    /// The codes seen, in order of first appearance.
    public var codes: [Int32] { pairs.map(\.code) }
    /// Each code's count, in the order of `codes`.
    public var counts: [UInt64] { pairs.map(\.count) }

    @inline(__always)
    public mutating func add(_ code: Int32, count: UInt64 = 1) {
        for index in pairs.indices where pairs[index].code == code {
            pairs[index].count &+= count
            return
        }
        pairs.append(Entry(code: code, count: count))
    }

    public mutating func merge(_ other: CodeCounts) {
        for entry in other.pairs { add(entry.code, count: entry.count) }
    }

    public func count(of code: Int32) -> UInt64 {
        pairs.first(where: { $0.code == code })?.count ?? 0
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// Takes `count` of `code` away (none below zero; a code left at zero goes).
    public mutating func remove(_ code: Int32, count: UInt64) {
        guard let index = pairs.firstIndex(where: { $0.code == code }) else { return }
        pairs[index].count -= min(count, pairs[index].count)
        if pairs[index].count == 0 { pairs.remove(at: index) }
    }

    /// The codes with their names and counts, most frequent first.
    public var entries: [(error: WSAError, count: UInt64)] {
        pairs.map { (WSAError($0.code), $0.count) }.sorted { $0.count > $1.count }
    }
}
