/// One shard's part of a run, dealt so that every shard together does exactly what one process would.
///
/// The connections are dealt out (the lowest indexes take the remainder) and each keeps the whole
/// `--count` and `--rate`, as it would in one process: a connection is one socket with one schedule, so
/// it is never split between shards. With fewer connections than shards, the shards past the last
/// connection get none and are idle: the shards together open exactly the sockets, make exactly the
/// calls and send at exactly the bits per second of one process.
public struct ShardWork: Sendable, Equatable {
    public var connections: Int
    /// Buffer sets per connection; nil when the run is bounded by a duration or a file.
    public var count: UInt64?
    /// Bits per second per connection.
    public var rate: UInt64?

    public init(connections: Int, count: UInt64?, rate: UInt64?) {
        self.connections = connections
        self.count = count
        self.rate = rate
    }

    /// True when the shard has no connection, no call or no bit per second to send.
    public var isIdle: Bool { connections == 0 || count == 0 || rate == 0 }

    /// The part of `whole` that `shard` does.
    public static func split(_ whole: ShardWork, for shard: Shard) -> ShardWork {
        let mine = Shard.part(of: UInt64(whole.connections), index: shard.index, count: shard.count)
        return ShardWork(connections: Int(mine), count: whole.count, rate: whole.rate)
    }
}

extension RunPlan {
    /// This plan narrowed to `shard`'s part (`ShardWork`); the shard is kept for the report.
    public func narrowed(to shard: Shard) -> RunPlan {
        var plan = self
        let part = ShardWork.split(ShardWork(connections: connections, count: count, rate: rate), for: shard)
        plan.connections = part.connections
        plan.count = part.count
        plan.rate = part.rate
        plan.shard = shard
        return plan
    }

    /// The sentence for a shard with nothing to do, or nil when it has work.
    public var idleShardSentence: String? {
        guard let shard else { return nil }
        let part = ShardWork(connections: connections, count: count, rate: rate)
        guard part.isIdle else { return nil }
        if connections == 0 {
            return "shard \(shard) has nothing to do: the run's connections are all dealt to lower shards"
        }
        return "shard \(shard) has nothing to do: the run's count and rate leave it no calls"
    }
}
