import WSASendTool

/// Where each interval of a run goes: an NDJSON line on standard output (`--json-stream`, one `write`
/// per line, so a collector reading the pipe sees each as it ends) and a line of the histogram log
/// (`--histogram-log`).
enum IntervalOutput {
    static func writer(stream: Bool, log: HistogramLog?) -> (@Sendable (IntervalReport) -> Void)? {
        guard stream || log != nil else { return nil }
        return { interval in
            if stream { Console.standardOutput.line(interval.json.renderedOnOneLine()) }
            log?.write(interval)
        }
    }
}
