import Foundation
import Testing

/// The deploy files: the Kubernetes manifest against the Kubernetes schema, offline.
@Suite("Deploy files")
struct DeployTests {
    static let manifest = PythonPackages.root.appendingPathComponent("deploy/kubernetes/job.yaml")
    static let validator = PythonPackages.interpreter.deletingLastPathComponent().appendingPathComponent(
        "kubernetes-validate")

    static func validate(_ file: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = validator
        process.arguments = ["--strict", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(
        "deploy/kubernetes/job.yaml is a valid Indexed Job (kubernetes-validate --strict), and a broken copy is not",
        .enabled(
            if: PythonPackages.has("kubernetes_validate"),
            "the kubernetes-validate package is not installed (make test-deps installs it)"))
    func manifestValidates() throws {
        let good = try Self.validate(Self.manifest)
        #expect(good.status == 0, "\(good.output)")
        let text = try String(contentsOf: Self.manifest, encoding: .utf8)
        #expect(text.contains("completionMode: Indexed"))
        #expect(text.contains("\"--shard\"\n            - \"auto\""))
        let broken = TemporaryFile(
            bytes: Data(text.replacingOccurrences(of: "completions: 8", with: "completions: eight").utf8))
        let renamed = broken.url.appendingPathExtension("yaml")
        try FileManager.default.copyItem(at: broken.url, to: renamed)
        defer { try? FileManager.default.removeItem(at: renamed) }
        #expect(try Self.validate(renamed).status != 0)
    }

    @Test("The manifest's shard count and --shards agree")
    func shardsMatchCompletions() throws {
        let text = try String(contentsOf: Self.manifest, encoding: .utf8)
        #expect(text.contains("completions: 8"))
        #expect(text.contains("\"--shards\"\n            - \"8\""))
    }
}
