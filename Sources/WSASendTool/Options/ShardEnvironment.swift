/// `--shard auto`: the shard a cluster launcher gave this process, read from the variables it sets.
///
/// Kubernetes' Indexed Jobs set only the index (`JOB_COMPLETION_INDEX`); the count is the Job's
/// `completions`, which the pod spec repeats as `--shards N`. Slurm (`srun`), Open MPI (`mpirun`) and
/// PMI launchers (MPICH, Intel MPI) set both. A pure function of the variables it is given, so that
/// tests pass a dictionary and the executable passes the process's environment.
public enum ShardEnvironment {
    /// The index and count variables, in the order they are tried (Kubernetes' count comes from `--shards`).
    public static let launchers: [(index: String, count: String?)] = [
        ("JOB_COMPLETION_INDEX", nil),
        ("SLURM_PROCID", "SLURM_NTASKS"),
        ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("PMI_RANK", "PMI_SIZE"),
    ]

    /// Every variable `resolve` reads, for the executable to collect.
    public static var variableNames: [String] { launchers.flatMap { [$0.index] + ($0.count.map { [$0] } ?? []) } }

    /// The shard the first launcher whose index variable is set describes.
    ///
    /// - Parameters:
    ///   - environment: The variables (only those in `variableNames` are read).
    ///   - shards: `--shards N`, the count for Kubernetes; where a launcher sets a count too, they must agree.
    public static func resolve(_ environment: [String: String], shards: UInt64?) -> Result<Shard, GrammarError> {
        for launcher in launchers {
            guard let indexText = environment[launcher.index] else { continue }
            guard let index = NumberGrammar.decimal(indexText[...]) else {
                return .failure(.badShardVariable(name: launcher.index, value: indexText))
            }
            let count: UInt64
            if let countName = launcher.count {
                guard let countText = environment[countName] else {
                    return .failure(.badShardVariable(name: countName, value: ""))
                }
                guard let value = NumberGrammar.decimal(countText[...]), value >= 1 else {
                    return .failure(.badShardVariable(name: countName, value: countText))
                }
                if let shards, shards != value {
                    return .failure(.badShardVariable(name: countName, value: "\(countText) (--shards says \(shards))"))
                }
                count = value
            } else {
                guard let shards else { return .failure(.shardCountNeeded(index: indexText)) }
                count = shards
            }
            guard index < count else {
                return .failure(.badShardVariable(name: launcher.index, value: "\(indexText) (of \(count) shards)"))
            }
            return .success(Shard(index: index, count: count))
        }
        return .failure(.noShardEnvironment)
    }
}
