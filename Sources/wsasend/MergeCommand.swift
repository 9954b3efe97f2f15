import ArgumentParser
import WSASendTool

/// `wsasend merge REPORT.json...`: the shards' reports added up into one.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Add up the --json reports of a run's shards into one report, with exact percentiles.",
        discussion: """
            Calls, bytes and codes are summed; the latency histograms each report carries are added slot by \
            slot, so the percentiles are those of every call, as if one process had made them all. Elapsed \
            time runs from the earliest start to the latest end. Every input must name the same target and \
            buffers, and no shard may appear twice; an input that is no wsasend report gets one line each and \
            nothing is merged (exit 65; 66 for a file that cannot be read). A file may hold several reports, \
            one after another; - reads them from standard input.

            Examples:
              wsasend merge shard-*.json
              kubectl logs -l job-name=wsasend | wsasend merge - --json
            """)

    @Argument(
        help: ArgumentHelp("The reports: files written by --json, or - for standard input.", valueName: "report"),
        completion: .file(extensions: ["json"]))
    var reports: [String]

    @Flag(help: "Print the merged report as one JSON object (itself a report that merge reads).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Write the merged latency distribution in HdrHistogram's percentile text format (microseconds).",
            valueName: "file"),
        completion: .file())
    var histogram: String?

    func run() throws {
        let shards: [ShardReport]
        switch MergeInputs.read(reports) {
        case .success(let read): shards = read
        case .failure(let failure):
            for line in failure.message.split(separator: "\n") { Console.standardError.line("wsasend: \(line)") }
            throw ExitCode(failure.status)
        }
        guard case .success(let merged) = MergedReport.merge(shards) else { throw ExitCode(ExitStatus.software) }
        Console.standardOutput.line(json ? merged.json.rendered() : merged.text)
        if let histogram {
            let text = merged.histogram.map(PercentileDistribution.text) ?? ""
            if let failure = TextFile.write(text, to: histogram, option: "--histogram") {
                Console.standardError.line("wsasend: " + failure.message)
                throw ExitCode(failure.status)
            }
        }
        throw ExitCode(merged.exitStatus)
    }
}
