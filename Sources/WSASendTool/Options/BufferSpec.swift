/// The WSABUF array of one WSASend: `[COUNTx]SIZE` items separated by commas (`4x4096`, `2x1K,512,3x0`).
public struct BufferSpec: Sendable, Hashable, CustomStringConvertible {
    /// The length of each WSABUF, in order.
    public let lengths: [UInt32]

    public init(lengths: [UInt32]) { self.lengths = lengths }

    /// One buffer of 4096 bytes: the default of `--buffers`.
    public static let `default` = BufferSpec(lengths: [4096])

    /// The most WSABUF structures one call carries; well past IOV_MAX (1024), which the library splits.
    public static let maximumCount = 65536

    /// The bytes of one call.
    public var totalBytes: UInt64 { lengths.reduce(0) { $0 + UInt64($1) } }

    /// Runs of equal lengths written back in the grammar: "4x4096", "2x1024,512".
    public var description: String {
        var items: [String] = []
        var index = 0
        while index < lengths.count {
            var run = 1
            while index + run < lengths.count && lengths[index + run] == lengths[index] { run += 1 }
            items.append(run == 1 ? "\(lengths[index])" : "\(run)x\(lengths[index])")
            index += run
        }
        return items.joined(separator: ",")
    }

    /// Parses a buffer spec. Each item is `SIZE` or `COUNTxSIZE` (COUNT at least 1); a size may be 0.
    /// The whole set must fit in a DWORD (what WSASend reports) and have at most `maximumCount` buffers.
    public static func parse(_ text: String) -> Result<BufferSpec, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a buffer spec")) }
        var lengths: [UInt32] = []
        var total: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { return .failure(.emptyItem(text)) }
            var count: UInt64 = 1
            var sizeText = item
            if let cross = item.firstIndex(where: { $0 == "x" || $0 == "X" }) {
                guard let parsed = NumberGrammar.decimal(item[..<cross]), parsed >= 1 else {
                    return .failure(.badBufferCount(String(item)))
                }
                count = parsed
                sizeText = item[item.index(after: cross)...]
                guard !sizeText.isEmpty else { return .failure(.missingBufferSize(String(item))) }
            }
            guard count <= UInt64(maximumCount) - UInt64(lengths.count) else {
                return .failure(.tooManyBuffers(text, limit: maximumCount))
            }
            let size: UInt64
            switch ByteSize.parse(sizeText) {
            case .success(let value): size = value
            case .failure(let error): return .failure(error)
            }
            let (bytes, overflow) = size.multipliedReportingOverflow(by: count)
            guard !overflow, bytes <= UInt64(UInt32.max) - total else {
                return .failure(.bufferSetTooLarge(text, limit: "\(UInt32.max) bytes"))
            }
            total += bytes
            lengths.append(contentsOf: repeatElement(UInt32(size), count: Int(count)))
        }
        return .success(BufferSpec(lengths: lengths))
    }
}
