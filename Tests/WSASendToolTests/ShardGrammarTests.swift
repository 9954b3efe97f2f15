import Testing
import WSASendTool

@Suite("Shards and start times")
struct ShardGrammarTests {
    @Test(
        "--shard takes INDEX/COUNT with indexes from 0, or auto in any case",
        arguments: [
            ("0/1", ShardSpec.fixed(Shard(index: 0, count: 1))),
            ("3/4", .fixed(Shard(index: 3, count: 4))),
            ("007/10", .fixed(Shard(index: 7, count: 10))),
            ("auto", .auto),
            ("AUTO", .auto),
        ])
    func parsesShards(text: String, spec: ShardSpec) throws {
        #expect(try ShardSpec.parse(text).get() == spec)
    }

    @Test(
        "A bad shard is refused with a sentence that names it",
        arguments: [
            ("", GrammarError.empty(what: "a shard (INDEX/COUNT or auto)")),
            ("0/0", .noShards("0/0")),
            ("3/2", .shardOutOfRange("3/2", count: 2)),
            ("2/2", .shardOutOfRange("2/2", count: 2)),
            ("x", .badShard("x")),
            ("1", .badShard("1")),
            ("1/", .badShard("1/")),
            ("/4", .badShard("/4")),
            ("1/2/3", .badShard("1/2/3")),
            ("1 /2", .badShard("1 /2")),
            ("-1/2", .negative("-1/2", what: "a shard index")),
            ("--json", .optionNotValue("--json")),
        ])
    func refusesShards(text: String, error: GrammarError) {
        #expect(throws: error) { try ShardSpec.parse(text).get() }
    }

    @Test(
        "--shard auto reads Kubernetes (with --shards), Slurm, Open MPI and PMI variables",
        arguments: [
            (["JOB_COMPLETION_INDEX": "2"], 4, Shard(index: 2, count: 4)),
            (["SLURM_PROCID": "5", "SLURM_NTASKS": "8"], nil, Shard(index: 5, count: 8)),
            (["OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_SIZE": "3"], nil, Shard(index: 0, count: 3)),
            (["PMI_RANK": "1", "PMI_SIZE": "2"], nil, Shard(index: 1, count: 2)),
            (
                ["SLURM_PROCID": "1", "SLURM_NTASKS": "2", "PMI_RANK": "0", "PMI_SIZE": "9"], nil,
                Shard(index: 1, count: 2)
            ),
            (["SLURM_PROCID": "1", "SLURM_NTASKS": "2"], 2, Shard(index: 1, count: 2)),
        ] as [([String: String], UInt64?, Shard)])
    func resolvesEnvironment(environment: [String: String], shards: UInt64?, shard: Shard) throws {
        #expect(try ShardEnvironment.resolve(environment, shards: shards).get() == shard)
    }

    @Test(
        "--shard auto refuses a missing or unusable environment",
        arguments: [
            ([:], nil, GrammarError.noShardEnvironment),
            (["JOB_COMPLETION_INDEX": "2"], nil, .shardCountNeeded(index: "2")),
            (
                ["JOB_COMPLETION_INDEX": "4"], 4,
                .badShardVariable(name: "JOB_COMPLETION_INDEX", value: "4 (of 4 shards)")
            ),
            (["SLURM_PROCID": "x", "SLURM_NTASKS": "2"], nil, .badShardVariable(name: "SLURM_PROCID", value: "x")),
            (["SLURM_PROCID": "0"], nil, .badShardVariable(name: "SLURM_NTASKS", value: "")),
            (["PMI_RANK": "0", "PMI_SIZE": "0"], nil, .badShardVariable(name: "PMI_SIZE", value: "0")),
            (
                ["SLURM_PROCID": "0", "SLURM_NTASKS": "2"], 3,
                .badShardVariable(name: "SLURM_NTASKS", value: "2 (--shards says 3)")
            ),
        ] as [([String: String], UInt64?, GrammarError)])
    func refusesEnvironment(environment: [String: String], shards: UInt64?, error: GrammarError) {
        #expect(throws: error) { try ShardEnvironment.resolve(environment, shards: shards).get() }
    }

    @Test(
        "Connections are dealt so that the shards together do one process's run: remainders to the lowest indexes, none shared",
        arguments: [
            // connections, count, rate, shards, each shard's (connections, count, rate)
            (8, 1000, nil, 3, [(3, 1000, nil), (3, 1000, nil), (2, 1000, nil)]),
            (1, 10, nil, 4, [(1, 10, nil), (0, 10, nil), (0, 10, nil), (0, 10, nil)]),
            (2, 5, 1000, 4, [(1, 5, 1000), (1, 5, 1000), (0, 5, 1000), (0, 5, 1000)]),
            (3, 3, 10, 4, [(1, 3, 10), (1, 3, 10), (1, 3, 10), (0, 3, 10)]),
            (1, 3, nil, 4, [(1, 3, nil), (0, 3, nil), (0, 3, nil), (0, 3, nil)]),
        ] as [(Int, UInt64, UInt64?, UInt64, [(Int, UInt64, UInt64?)])])
    func dealsWork(connections: Int, count: UInt64, rate: UInt64?, shards: UInt64, parts: [(Int, UInt64, UInt64?)]) {
        let whole = ShardWork(connections: connections, count: count, rate: rate)
        for index in 0..<shards {
            let part = ShardWork.split(whole, for: Shard(index: index, count: shards))
            let expected = parts[Int(index)]
            #expect(part == ShardWork(connections: expected.0, count: expected.1, rate: expected.2), "shard \(index)")
        }
    }

    @Test("Over many splits, the shards' sockets, calls and bits per second add up to the whole run's exactly")
    func splitsAddUp() {
        for connections in 1...9 {
            for shards in UInt64(1)...12 {
                for count in [UInt64(1), 2, 7, 100, 1001] {
                    let whole = ShardWork(connections: connections, count: count, rate: 999)
                    var calls: UInt64 = 0
                    var bits: UInt64 = 0
                    var sockets = 0
                    for index in 0..<shards {
                        let part = ShardWork.split(whole, for: Shard(index: index, count: shards))
                        calls += UInt64(part.connections) * (part.count ?? 0)
                        bits += UInt64(part.connections) * (part.rate ?? 0)
                        sockets += part.connections
                    }
                    #expect(calls == UInt64(connections) * count, "\(connections) x \(count) over \(shards)")
                    #expect(bits == UInt64(connections) * 999, "\(connections) x 999 over \(shards)")
                    #expect(sockets == connections, "\(connections) connections over \(shards)")
                }
            }
        }
    }

    @Test(
        "--start-at takes RFC 3339 or Unix seconds, and writes it back as RFC 3339 in UTC",
        arguments: [
            ("1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00Z"),
            ("2026-12-06T16:00:00Z", 1_796_572_800_000_000_000, "2026-12-06T16:00:00Z"),
            ("2026-12-06t17:00:00.5+01:00", 1_796_572_800_500_000_000, "2026-12-06T16:00:00.5Z"),
            ("2026-12-06 11:30:00-04:30", 1_796_572_800_000_000_000, "2026-12-06T16:00:00Z"),
            ("2024-02-29T23:59:59.123456789z", 1_709_251_199_123_456_789, "2024-02-29T23:59:59.123456789Z"),
            ("1796572800", 1_796_572_800_000_000_000, "2026-12-06T16:00:00Z"),
            ("1796572800.25", 1_796_572_800_250_000_000, "2026-12-06T16:00:00.25Z"),
        ] as [(String, UInt64, String)])
    func parsesTimes(text: String, nanoseconds: UInt64, written: String) throws {
        let time = try WallClockTime.parse(text).get()
        #expect(time.nanosecondsSinceEpoch == nanoseconds)
        #expect(time.description == written)
    }

    @Test(
        "A bad --start-at is refused",
        arguments: [
            ("", GrammarError.empty(what: "a time (RFC 3339 or Unix seconds)")),
            ("now", .badTime("now")),
            ("2026-13-01T00:00:00Z", .badTime("2026-13-01T00:00:00Z")),
            ("2026-02-29T00:00:00Z", .badTime("2026-02-29T00:00:00Z")),
            ("2026-12-06T16:00:00", .badTime("2026-12-06T16:00:00")),
            ("2026-12-06T16:00:00+1:00", .badTime("2026-12-06T16:00:00+1:00")),
            ("2026-12-06T24:00:00Z", .badTime("2026-12-06T24:00:00Z")),
            ("1.", .badTime("1.")),
            ("1.1234567891", .badTime("1.1234567891")),
            ("99999999999999999999", .badTime("99999999999999999999")),
            ("-5", .negative("-5", what: "a time")),
        ])
    func refusesTimes(text: String, error: GrammarError) {
        #expect(throws: error) { try WallClockTime.parse(text).get() }
    }
}
