import Winsock

/// The sink's text and JSON reports.
extension SinkReport {
    public var text: String {
        let count = connections.count
        let what =
            transport == .udp
            ? "\(Units.grouped(datagrams)) datagrams"
            : (count == 1 ? "1 connection" : "\(count) connections")
        var lines = ["wsasend sink on \(address) (\(transport.rawValue)): \(what)"]
        var bytesLine = "\(Units.grouped(bytes)) received in \(Units.count(receiveCalls, "recv call", "recv calls"))"
        if transport == .tcp { bytesLine += ", \(Units.grouped(urgentBytes)) urgent" }
        lines.append(SendReport.line("bytes", bytesLine))
        lines.append(SendReport.line("elapsed", Units.duration(Double(elapsedNanoseconds)) + " (first byte to last)"))
        let rate = bytesPerSecond
        lines.append(
            SendReport.line("throughput", "\(Units.rate(rate * 8, unit: "bit")) (\(Units.rate(rate, unit: "B")))"))
        if transport == .tcp {
            for connection in connections.prefix(16) { lines.append(Self.connectionLine(connection)) }
            if count > 16 { lines.append("  ... \(count - 16) more connections") }
        }
        if interrupted { lines.append("interrupted by \(stopSignal.name): the figures cover what arrived before it") }
        return lines.joined(separator: "\n")
    }

    private static func connectionLine(_ connection: SinkConnectionReport) -> String {
        var text = "  [\(connection.index)] \(connection.peer ?? "-"): \(Units.grouped(connection.bytes)) bytes"
        if connection.urgentBytes > 0 { text += ", \(Units.grouped(connection.urgentBytes)) urgent" }
        if let first = connection.firstByte {
            text += ", first byte \(Units.duration(Double(first &- connection.opened))) after accept"
            text += ", \(Units.duration(Double(connection.receiveNanoseconds))) receiving"
        }
        if let code = connection.error { text += ", \(WSAError(code))" }
        return text
    }

    public var json: JSONValue {
        let rate = bytesPerSecond
        var fields: [(String, JSONValue)] = [
            (
                "listen",
                .object([
                    ("host", .string(host)), ("port", .uint(UInt64(port))), ("transport", .string(transport.rawValue)),
                ])
            ),
            (
                "summary",
                .object([
                    ("connections", .uint(transport == .tcp ? UInt64(connections.count) : 0)),
                    ("bytes_received", .uint(bytes)),
                    ("urgent_bytes", .uint(urgentBytes)),
                    ("recv_calls", .uint(receiveCalls)),
                    ("datagrams", .uint(datagrams)),
                    ("elapsed_seconds", .seconds(elapsedNanoseconds)),
                    ("throughput_bytes_per_second", .double(rate)),
                    ("throughput_bits_per_second", .double(rate * 8)),
                ])
            ),
        ]
        fields.append(("connections", .array(connections.map(Self.connectionJSON))))
        fields.append(("interrupted", .bool(interrupted)))
        fields.append(("exit_status", .int(Int64(exitStatus.rawValue))))
        var error = JSONValue.null
        if let sentence = errorSentence, exitStatus != .success {
            var errorFields: [(String, JSONValue)] = [("message", .string(sentence))]
            if let code = failure?.code {
                errorFields.append(("code", .int(Int64(code))))
                errorFields.append(("name", .string(WSAError(code).name)))
            }
            error = .object(errorFields)
        }
        fields.append(("error", error))
        return .object(fields)
    }

    static func connectionJSON(_ connection: SinkConnectionReport) -> JSONValue {
        .object([
            ("index", .int(Int64(connection.index))),
            ("peer", .string(connection.peer)),
            ("bytes_received", .uint(connection.bytes)),
            ("urgent_bytes", .uint(connection.urgentBytes)),
            ("recv_calls", .uint(connection.receiveCalls)),
            ("datagrams", .uint(connection.datagrams)),
            ("first_byte_seconds", connection.firstByte.map { .seconds($0 &- connection.opened) } ?? .null),
            ("receive_seconds", .seconds(connection.receiveNanoseconds)),
            ("error", .error(connection.error)),
        ])
    }
}
