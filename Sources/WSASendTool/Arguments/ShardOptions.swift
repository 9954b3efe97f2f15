import ArgumentParser

/// The options that spread one run over several processes and hosts: `--shard`, `--shards`,
/// `--start-at`, and `--histogram` for the latency distribution as HdrHistogram's tools read it.
public struct ShardOptions: ParsableArguments, Sendable {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Do shard INDEX of COUNT of the run (0/4 to 3/4): the connections are dealt out, each with the whole --count and --rate; auto reads the launcher's environment.",
            valueName: "index/count"),
        completion: .list(["auto"]),
        transform: { try ShardSpec.parse($0).parsed() })
    public var shard: ShardSpec?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The number of shards, for --shard auto under a Kubernetes Indexed Job (its completions).",
            valueName: "n"),
        transform: { try NumberGrammar.parse($0, what: "--shards", in: OptionLimits.shards).parsed() })
    public var shards: UInt64?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Wait until this wall-clock time before connecting: RFC 3339 (2026-12-06T16:00:00Z) or Unix seconds.",
            valueName: "time"),
        transform: { try WallClockTime.parse($0).parsed() })
    public var startAt: WallClockTime?

    @Option(
        help: ArgumentHelp(
            "Write the latency distribution to this file in HdrHistogram's percentile text format (microseconds).",
            valueName: "file"),
        completion: .file())
    public var histogram: String?

    @Option(
        help: ArgumentHelp(
            "Write one latency histogram per --interval (default 1s) to this file in HdrHistogram's interval log format (with --rate, a second one tagged scheduled).",
            valueName: "file"),
        completion: .file())
    public var histogramLog: String?

    public init() {}

    public func validate() throws {
        if shards != nil && shard != .auto {
            throw ValidationError("--shards gives the count to --shard auto; with --shard INDEX/COUNT leave it out.")
        }
    }

    /// The shard this process runs, from `--shard` and, for `auto`, the launcher's variables; nil for a
    /// whole run.
    public func resolve(environment: [String: String]) -> Result<Shard?, GrammarError> {
        switch shard {
        case nil: return .success(nil)
        case .fixed(let shard)?: return .success(shard)
        case .auto?: return ShardEnvironment.resolve(environment, shards: shards).map { $0 }
        }
    }
}
