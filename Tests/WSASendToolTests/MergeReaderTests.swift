import Testing
import WSASendTool

@Suite("Reading reports for merge")
struct MergeReaderTests {
    static let minimal = """
        {"target": {"host": "127.0.0.1", "port": 9000, "transport": "tcp"}, "mode": "blocking", "flags": [],
         "buffers": [4096], "summary": {"calls": 1, "bytes_requested": 4096, "bytes_sent": 4096,
         "completed_immediately": 1, "pending": 0, "failed": 0, "would_block": 0, "partial": 0, "interrupted": 0,
         "sets": 1, "codes": [], "completion_codes": [], "elapsed_seconds": ELAPSED, "latency_seconds": null},
         "exit_status": STATUS}
        """

    static func read(_ text: String) -> Result<ShardReport, MergeError>? {
        guard case .success(let values) = JSONReader.values(Array(text.utf8)), let value = values.first else {
            return nil
        }
        return ShardReport.read(value, source: "test")
    }

    @Test(
        "Numbers out of any real range are read without a trap",
        arguments: [("1e300", "1e300"), ("-1", "-5"), ("0.5", "1.5"), ("1e-300", "9223372036854775807")])
    func absurdNumbers(elapsed: String, status: String) throws {
        let text = Self.minimal.replacingOccurrences(of: "ELAPSED", with: elapsed)
            .replacingOccurrences(of: "STATUS", with: status)
        let report = try #require(Self.read(text)).get()
        #expect(report.count("calls") == 1)
    }

    @Test(
        "Text that is not JSON is refused with the byte where it goes wrong",
        arguments: [
            ("{", 1), ("{\"a\": }", 6), ("[1, 2", 5), ("\"abc", 4), ("{\"a\": tru}", 6), ("{\"a\": 1e999}", 6),
            (String(repeating: "[", count: 100), 64),
        ] as [(String, Int)])
    func refusesBadJSON(text: String, offset: Int) {
        guard case .failure(let error) = JSONReader.values(Array(text.utf8)) else {
            Issue.record("read '\(text)'")
            return
        }
        #expect(error.offset == offset, "\(error)")
    }

    @Test("Several documents one after another are read in order (NDJSON, or files joined by cat)")
    func severalDocuments() throws {
        let values = try JSONReader.values(Array("{\"a\": 1}\n{\"a\": [2, \"\\u00e9\"]}  3".utf8)).get()
        #expect(values.count == 3)
        #expect(values[1]["a"] == .array([.uint(2), .string("é")]))
    }
}
