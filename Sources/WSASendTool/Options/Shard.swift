/// This process's part of a run spread over several processes (`--shard INDEX/COUNT`): shard `index` of
/// `count`, indexes from 0 as Kubernetes, Slurm and MPI launchers number their tasks.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: UInt64
    public let count: UInt64

    /// A shard with `index < count`; the grammar and `ShardEnvironment` check that before they make one.
    public init(index: UInt64, count: UInt64) {
        self.index = index
        self.count = count
    }

    /// "2/8", as `--shard` takes it.
    public var description: String { "\(index)/\(count)" }

    /// This shard's part of `total` when `total` is dealt out over `count` shards: the quotient, plus one
    /// for the lowest indexes while a remainder lasts, so that the parts add up to `total` exactly.
    public static func part(of total: UInt64, index: UInt64, count: UInt64) -> UInt64 {
        total / count + (index < total % count ? 1 : 0)
    }
}

/// The value of `--shard`: a fixed shard, or `auto` (the launcher's environment says which).
public enum ShardSpec: Sendable, Equatable, CustomStringConvertible {
    case fixed(Shard)
    case auto

    public var description: String {
        switch self {
        case .fixed(let shard): shard.description
        case .auto: "auto"
        }
    }

    /// The grammar of `--shard`: `INDEX/COUNT` with whole numbers, `0 <= INDEX < COUNT`, or `auto` (any case).
    public static func parse(_ text: String) -> Result<ShardSpec, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a shard (INDEX/COUNT or auto)")) }
        if text.lowercased() == "auto" { return .success(.auto) }
        if let error = ValueSign.error(text[...], what: "a shard index") { return .failure(error) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = NumberGrammar.decimal(parts[0]), let count = NumberGrammar.decimal(parts[1])
        else { return .failure(.badShard(text)) }
        guard count >= 1 else { return .failure(.noShards(text)) }
        guard index < count else { return .failure(.shardOutOfRange(text, count: count)) }
        return .success(.fixed(Shard(index: index, count: count)))
    }
}
