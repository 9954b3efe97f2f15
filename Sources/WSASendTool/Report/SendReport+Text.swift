import Winsock

/// The text report: a header and a few labelled lines, short enough to read at a glance.
///
/// The command prints the header as soon as the connections are made (before `-v` lines and progress
/// lines) and the `body` at the end; `text` is both, for whoever prints the report in one piece.
extension SendReport {
    public var text: String { header + "\n" + body }

    /// The labelled lines after the header.
    public var body: String {
        var lines: [String] = []
        if unconnected {
            lines.append(Self.line("socket", unconnectedLine))
        } else if let connect = connectLine {
            lines.append(Self.line(listening ? "accept" : "connect", connect))
        }
        lines.append(Self.line("calls", callsLine))
        var bytes = "\(Units.grouped(summary.bytesSent)) sent of \(Units.grouped(summary.bytesRequested)) requested"
        if summary.sets > 0 && file == nil { bytes += " (\(Units.count(summary.sets, "buffer set", "buffer sets")))" }
        lines.append(Self.line("bytes", bytes))
        if !summary.codes.isEmpty {
            let codes = summary.codes.entries.map { "\($0.error.name) (\($0.error.code)) x \(Units.grouped($0.count))" }
            lines.append(Self.line("codes", codes.joined(separator: ", ")))
        }
        if !summary.completionCodes.isEmpty {
            let codes = summary.completionCodes.entries.map {
                "\($0.error.name) (\($0.error.code)) x \(Units.grouped($0.count))"
            }
            lines.append(Self.line("completed", "with errors: " + codes.joined(separator: ", ")))
        }
        if summary.cancelledByRun > 0 {
            let count = Units.grouped(summary.cancelledByRun)
            lines.append(
                Self.line("cancelled", "\(count) pending at the end of the run (WSA_OPERATION_ABORTED, not a failure)"))
        }
        if let backend { lines.append(Self.line("engine", backend)) }
        if let latency {
            let figures = [
                ("min", Double(latency.min)), ("p50", Double(latency.p50)), ("p90", Double(latency.p90)),
                ("p99", Double(latency.p99)), ("max", Double(latency.max)), ("mean", latency.mean),
            ]
            var text = figures.map { "\($0.0) \(Units.duration($0.1))" }.joined(separator: ", ")
            if scheduledLatency != nil { text += " (each call, from the call)" }
            lines.append(Self.line("latency", text))
        }
        if let scheduledLine { lines.append(scheduledLine) }
        lines.append(Self.line("elapsed", Units.duration(Double(elapsedNanoseconds))))
        let rate = bytesPerSecond
        lines.append(
            Self.line(
                "throughput",
                "\(Units.rate(rate * 8, unit: "bit")) (\(Units.rate(rate, unit: "B"))), "
                    + "\(Units.perSecond(callsPerSecond)) calls/s"))
        if let tcp = tcpLine { lines.append(Self.line("tcp", tcp)) }
        if let drain { lines.append(Self.line("drain", Self.drainText(drain))) }
        if connections.count > 1 || connections.contains(where: { $0.error != nil }) {
            for connection in connections.prefix(16) { lines.append(Self.connectionLine(connection)) }
            if connections.count > 16 { lines.append("  ... \(connections.count - 16) more connections") }
        }
        // An interrupted run is announced once, by the stderr line of `errorSentence`.
        return lines.joined(separator: "\n")
    }

    /// What the run is: where, how, and every option that shapes its figures.
    public var header: String {
        let count = connections.count == 1 ? "1 connection" : "\(connections.count) connections"
        let flagNames = FlagList.names(flags)
        let flagText = flagNames.isEmpty ? "no flags" : "flags " + flagNames.joined(separator: "|")
        let perCall = buffers.totalBytes
        let source = file.map { ", payload \($0 == "-" ? "standard input" : $0)" } ?? ""
        let direction = listening ? "wsasend listening on" : "wsasend to"
        let modeText = mode.isOverlapped ? "\(mode.rawValue) (\(outstanding) outstanding)" : mode.rawValue
        var options: [String] = []
        if let count = self.count { options.append("count \(Units.grouped(count))") }
        if let duration { options.append("duration \(Units.duration(Double(duration)))") }
        if let sendBufferSize { options.append("sndbuf \(Units.size(UInt64(sendBufferSize)))") }
        if let rate { options.append("rate \(Units.rate(Double(rate), unit: "bit")) per connection") }
        if noDelay { options.append("nodelay") }
        if let shard { options.append("shard \(shard)") }
        if let sendTimeoutMilliseconds {
            options.append("sndtimeo \(Units.duration(Double(sendTimeoutMilliseconds) * 1e6))")
        }
        if let drainTimeout { options.append("drain up to \(Units.duration(Double(drainTimeout)))") }
        let extra = options.isEmpty ? "" : ", " + options.joined(separator: ", ")
        return "\(direction) \(endpoint): \(transport.rawValue), \(modeText), \(count), buffers \(buffers) "
            + "(\(Units.grouped(perCall)) bytes per call), \(flagText)\(source)\(extra)"
    }

    /// The connections that were made, walked in place: a filtered copy of every entry (about 250 bytes
    /// each) was the peak of a 10,000-connection run's text report.
    private var made: LazyFilterSequence<[ConnectionReport]> { connections.lazy.filter { !$0.connectFailed } }

    private var connectLine: String? {
        var count = 0
        var timed = 0
        var total: UInt64 = 0
        var fastest = UInt64.max
        var slowest: UInt64 = 0
        for connection in made {
            count += 1
            guard let time = connection.connectNanoseconds else { continue }
            timed += 1
            total &+= time
            fastest = min(fastest, time)
            slowest = max(slowest, time)
        }
        guard let first = made.first, timed > 0 else { return nil }
        if count == 1 {
            let route = "\(first.local ?? "?") -> \(first.remote ?? "?")"
            return "\(Units.duration(Double(total))) (\(route))"
        }
        let mean = Double(total) / Double(timed)
        return
            "\(count) connections: min \(Units.duration(Double(fastest))), mean \(Units.duration(mean)), "
            + "max \(Units.duration(Double(slowest)))"
    }

    /// `--udp --no-connect`: there was no connect to time, so the line says where the datagrams went and
    /// from which address the system bound the socket at its first send.
    private var unconnectedLine: String {
        let first = made.first
        let count = made.count
        let destination = first?.remote ?? endpoint
        guard count == 1, let first else {
            return "no connect: \(count) sockets sending to \(destination) with WSASendTo"
        }
        let source = first.local.map { "from \($0)" } ?? "from no local address (not bound yet: nothing was sent)"
        return "no connect: sending to \(destination) with WSASendTo \(source)"
    }

    private var callsLine: String {
        var parts = ["\(Units.grouped(summary.completedImmediately)) completed immediately"]
        if summary.partial > 0 { parts[0] += " (\(Units.grouped(summary.partial)) partial)" }
        if summary.wouldBlock > 0 { parts.append("\(Units.grouped(summary.wouldBlock)) would block") }
        if summary.pending > 0 { parts.append("\(Units.grouped(summary.pending)) pending") }
        if summary.failed > 0 { parts.append("\(Units.grouped(summary.failed)) failed") }
        if summary.interrupted > 0 { parts.append("\(Units.grouped(summary.interrupted)) interrupted") }
        return "\(Units.grouped(summary.calls)): " + parts.joined(separator: ", ")
    }

    private static func connectionLine(_ connection: ConnectionReport) -> String {
        var text = "  [\(connection.index)] \(connection.local ?? "-") -> \(connection.remote ?? "-")"
        if connection.connectFailed {
            text += ": connect failed"
        } else {
            text +=
                ": \(Units.count(connection.counters.bytesSent, "byte", "bytes")), "
                + Units.count(connection.counters.calls, "call", "calls")
            if let finished = connection.finishedNanoseconds {
                text += ", closed at \(Units.fixed(Double(finished) / 1e9, decimals: 3)) s"
            }
        }
        if let tcp = connection.tcp { text += ", " + tcpText(tcp) }
        if let code = connection.error {
            let error = WSAError(code)
            text += ", \(error.name) (\(error.code)): \(error.summary)"
        }
        return text
    }

    /// "label      value", the labels in one column.
    static func line(_ label: String, _ value: String) -> String {
        label + String(repeating: " ", count: max(1, 11 - label.count)) + value
    }
}
