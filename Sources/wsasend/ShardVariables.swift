import ArgumentParser
import Glibc
import WSASendTool

/// The launchers' shard variables of this process's environment, for `--shard auto`.
enum ShardVariables {
    static var current: [String: String] {
        var values: [String: String] = [:]
        for name in ShardEnvironment.variableNames {
            if let value = getenv(name) { values[name] = String(cString: value) }
        }
        return values
    }

    /// The shard `--shard` names; a bad one is bad usage (64) with the grammar's sentence.
    static func shard(_ options: ShardOptions) throws -> Shard? {
        switch options.resolve(environment: current) {
        case .success(let shard): return shard
        case .failure(let error): throw ValidationError(error.description)
        }
    }
}

/// A shard with nothing to do: it says so, and writes every output a shard that ran would write, each of
/// no calls, so that a collector expecting one of each per shard finds them: with `--json` or
/// `--json-stream` a report of no calls (on one line for the stream, so that `merge` over every shard's
/// output still works), `--histogram` the distribution of no values, `--histogram-log` a log of no
/// intervals. Then it exits 0 (73 when one of those files cannot be written).
enum IdleShard {
    static func report(
        plan: RunPlan, sentence: String, options: SendOptions, histogramLog: HistogramLog?
    ) throws -> Never {
        if !options.quiet { Console.standardError.line("wsasend: " + sentence) }
        let report = SendReport(plan: plan)
        if options.json || options.jsonStream {
            let json = report.json
            Console.standardOutput.line(options.jsonStream ? json.renderedOnOneLine() : json.rendered())
        }
        var failures: [ToolFailure] = []
        if let path = options.sharding.histogram, let failure = HistogramOutput.write(report, to: path) {
            failures.append(failure)
        }
        histogramLog?.finish(startedAt: WallClock.now())
        if let failure = histogramLog?.failure { failures.append(failure) }
        for failure in failures { Console.standardError.line("wsasend: " + failure.message) }
        throw ExitCode(failures.first?.status ?? ExitStatus.success)
    }
}

/// `--histogram FILE` after a run: the percentile distribution, that of no values (the column legend and
/// a count of 0) when no call was timed.
enum HistogramOutput {
    static func write(_ report: SendReport, to path: String) -> ToolFailure? {
        let text = PercentileDistribution.text(report.latencyHistogram ?? PercentileDistribution.empty)
        return TextFile.write(text, to: path, option: "--histogram")
    }
}
