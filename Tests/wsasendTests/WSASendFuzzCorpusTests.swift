import Foundation
import Testing

/// The Win32 fuzz target's committed corpus, replayed by the normal build of WSASendFuzz: every input's
/// calls must keep the contract (the target traps otherwise), so a crash that `make fuzz` found and was
/// copied into Fuzz/wsasend-corpus/ stays fixed.
@Suite("WSASend fuzz corpus")
struct WSASendFuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/wsasend-corpus")

    @Test("Every saved input replays: each WSASend call keeps the contract and the peer reads what was sent")
    func corpusReplays() throws {
        let replay = Tool.url.deletingLastPathComponent().appendingPathComponent("WSASendFuzz")
        try #require(FileManager.default.isExecutableFile(atPath: replay.path), "no WSASendFuzz beside wsasend")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(inputs.count >= 10)
        let process = Process()
        process.executableURL = replay
        process.arguments = inputs.map { Self.corpus.appendingPathComponent($0).path }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.contains("\(inputs.count) inputs replayed, every call kept the contract"))
    }
}
