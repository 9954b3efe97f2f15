import Foundation
import Testing

/// A process out of descriptors: the library needs an eventfd for its overlapped engine (and one per
/// waiting thread). Without one, a run must say why and exit with its status, never trap.
@Suite("Out of descriptors")
struct DescriptorExhaustionTests {
    /// The open-file limit of the child; the held descriptors fill it up to a few short of the end.
    static let limit = 128

    @Test(
        "Out of descriptors for the overlapped engine, an overlapped run says so and exits 69, never a signal",
        arguments: ["event", "routine"])
    func engineWithoutDescriptors(mode: String) throws {
        let listener = try BacklogListener(backlog: 64)
        let arguments = ["127.0.0.1:\(listener.port)", "--mode", mode, "--outstanding", "4", "--count", "8", "-q"]
        // How many descriptors the runtime, the loader and the socket take varies with the build, so every
        // count of held descriptors from "plenty left" to "none left" is tried: the run either works, or
        // cannot load or connect, or stops at the engine, and in no case dies of a signal.
        var engineOutcomes: [DescriptorOutcome] = []
        for held in stride(from: Self.limit - 40, through: Self.limit - 3, by: 1) {
            let outcome = try DescriptorOutcome.run(limit: Self.limit, holding: held, arguments)
            #expect(!outcome.signalled, "holding \(held): killed by signal \(outcome.status): \(outcome.stderr)")
            if outcome.stderr.contains("overlapped engine") { engineOutcomes.append(outcome) }
        }
        #expect(!engineOutcomes.isEmpty, "no descriptor count reached the engine's start")
        for outcome in engineOutcomes {
            #expect(outcome.status == 69, "\(outcome.stderr)")
            #expect(
                outcome.stderr
                    == "wsasend: cannot start the overlapped engine: WSAEMFILE (10024): Too many open files.\n",
                "\(outcome.stderr)")
        }
    }

    @Test("Out of descriptors, a blocking run still sends or says why, never a signal")
    func blockingWithoutDescriptors() throws {
        let listener = try BacklogListener(backlog: 64)
        let arguments = ["127.0.0.1:\(listener.port)", "--count", "8", "-q"]
        for held in stride(from: Self.limit - 40, through: Self.limit - 3, by: 1) {
            let outcome = try DescriptorOutcome.run(limit: Self.limit, holding: held, arguments)
            #expect(!outcome.signalled, "holding \(held): killed by signal \(outcome.status): \(outcome.stderr)")
        }
    }
}

/// How a child run with a low open-file limit ended.
struct DescriptorOutcome {
    var status: Int32
    var signalled: Bool
    var stderr: String

    /// Runs the tool from bash with RLIMIT_NOFILE at `limit` (soft and hard) and descriptors 3 up to
    /// `holding + 2` open on /dev/null, which the tool inherits.
    static func run(limit: Int, holding: Int, _ arguments: [String]) throws -> DescriptorOutcome {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let script =
            "ulimit -n \(limit) && for fd in $(seq 3 \(holding + 2)); do eval \"exec $fd</dev/null\"; done "
            + "&& exec '\(Tool.url.path)' \(quoted)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return DescriptorOutcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stderr: String(decoding: err, as: UTF8.self))
    }
}
