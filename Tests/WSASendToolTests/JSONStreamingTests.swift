import Testing

@testable import WSASendTool

/// A text stream that keeps each piece it is given, to show that a value was written in pieces.
private struct PieceRecorder: TextOutputStream {
    var pieces: [String] = []
    mutating func write(_ string: String) { pieces.append(string) }
}

@Suite("JSON written as it is rendered")
struct JSONStreamingTests {
    static func connections(_ count: Int) -> [ConnectionReport] {
        DeliveryReportTests.report(connections: count).connections
    }

    @Test("A generated array is written exactly as the array of the same values", arguments: [0, 1, 3])
    func generatedMatchesArray(count: Int) {
        let connections = Self.connections(count)
        let array = JSONValue.object([
            ("before", .uint(1)), ("connections", .array(connections.map(SendReport.connectionJSON))),
            ("after", .null),
        ])
        let generated = JSONValue.object([
            ("before", .uint(1)),
            ("connections", .generated(count: count) { SendReport.connectionJSON(connections[$0]) }),
            ("after", .null),
        ])
        #expect(generated.rendered() == array.rendered())
        #expect(generated.renderedOnOneLine() == array.renderedOnOneLine())
    }

    @Test("write(to:) gives rendered()'s text, in pieces rather than one string")
    func writeMatchesRendered() {
        let json = DeliveryReportTests.report(connections: 3).json
        var recorder = PieceRecorder()
        json.write(to: &recorder)
        #expect(recorder.pieces.joined() == json.rendered())
        #expect(recorder.pieces.count > 100)
    }

    @Test(
        "Strings are quoted as before: escapes where JSON needs them, the rest as it is",
        arguments: [
            ("127.0.0.1:9000", #""127.0.0.1:9000""#), ("a\"b\\c", #""a\"b\\c""#),
            ("line\nnext\ttab\r", #""line\nnext\ttab\r""#), ("\u{1}é", #""\u0001é""#),
        ] as [(String, String)])
    func quoting(value: String, quoted: String) {
        #expect(JSONValue.string(value).rendered() == quoted)
    }
}
