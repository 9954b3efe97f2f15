import Foundation
import Testing
import WSASendTool

/// Every input in the fuzzers' committed corpus (seeds, and each input a fuzz run once found breaking a
/// grammar) still keeps the grammar's properties: the fuzzers' findings stay fixed.
@Suite("Fuzz corpus")
struct GrammarCorpusTests {
    /// `Fuzz/corpus/` of this checkout, found from this file's place.
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    @Test(
        "Every grammar has a corpus, and every saved input keeps the grammar's properties",
        arguments: GrammarProperties.names)
    func corpusHolds(grammar: String) throws {
        let folder = Self.corpus.appendingPathComponent(grammar)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!files.isEmpty, "no saved inputs for \(grammar) in \(folder.path)")
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let input = String(decoding: data, as: UTF8.self)
            #expect(GrammarProperties.violation(grammar: grammar, input: input) == nil, "\(grammar)/\(file): \(input)")
        }
    }

    @Test("The oracle notices a broken property (an unknown grammar name is reported, not passed)")
    func oracleReports() {
        #expect(GrammarProperties.violation(grammar: "no-such-grammar", input: "1") != nil)
    }
}
