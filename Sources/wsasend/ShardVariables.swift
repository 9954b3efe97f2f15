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

/// A shard with nothing to do: it says so (and with `--json` or `--json-stream` prints a report of no
/// calls, on one line for the stream, so that `merge` over every shard's output still works), then exits 0.
enum IdleShard {
    static func report(plan: RunPlan, sentence: String, json: Bool, oneLine: Bool, quiet: Bool) throws -> Never {
        if !quiet { Console.standardError.line("wsasend: " + sentence) }
        let report = SendReport(plan: plan).json
        if json { Console.standardOutput.line(oneLine ? report.renderedOnOneLine() : report.rendered()) }
        throw ExitCode(ExitStatus.success)
    }
}

/// `--histogram FILE` after a run: the percentile distribution, or an empty file's worth of nothing when
/// no call was timed.
enum HistogramOutput {
    static func write(_ report: SendReport, to path: String) -> ToolFailure? {
        let text = report.latencyHistogram.map(PercentileDistribution.text) ?? ""
        return TextFile.write(text, to: path, option: "--histogram")
    }
}
