/// One shard's part of a run, dealt so that every shard together does exactly what one process would.
///
/// With at least as many connections as shards, the connections are dealt out (the lowest indexes take
/// the remainder) and each keeps the whole `--count` and `--rate`, as it would in one process. With fewer
/// connections than shards, each connection is shared by a group of shards (shard `i` serves connection
/// `i % connections`), and the group deals out that connection's `--count` and `--rate` the same way:
/// the calls, bytes and bits per second still add up to one process's, only over more sockets.
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
        let connections = UInt64(whole.connections)
        if connections >= shard.count {
            let mine = Shard.part(of: connections, index: shard.index, count: shard.count)
            return ShardWork(connections: Int(mine), count: whole.count, rate: whole.rate)
        }
        let connection = shard.index % connections
        let sharing = Shard.part(of: shard.count, index: connection, count: connections)
        let position = shard.index / connections
        return ShardWork(
            connections: 1,
            count: whole.count.map { Shard.part(of: $0, index: position, count: sharing) },
            rate: whole.rate.map { Shard.part(of: $0, index: position, count: sharing) })
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
        return "shard \(shard) has nothing to do: the run's connections, count and rate leave it no calls"
    }
}
