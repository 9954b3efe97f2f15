import Foundation
import Testing

/// True when strace is installed and can trace a child here.
private let straceRuns: Bool = {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else { return false }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
    probe.arguments = ["-qq", "-o", "/dev/null", "true"]
    probe.standardOutput = FileHandle.nullDevice
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
}()

/// The system calls that set up each connection, as strace sees them: the non-blocking connect's
/// ioctlsocket(FIONBIO) is one fcntl each way, with no F_GETFL before it, and the first send needs no
/// getpeername to learn that the connect finished.
@Suite(
    "Connection set-up system calls, traced with strace",
    .enabled(if: straceRuns, "strace is not installed or cannot trace here: the set-up calls cannot be counted"))
struct SetUpSyscallTests {
    /// A 3-connection run of `mode` into a reading peer under strace, tracing `calls` (connect is always
    /// among them): the trace's lines, and the descriptors that connected to the peer.
    private static func traced(mode: String, calls: String) throws -> (lines: [Substring], connected: Set<Substring>) {
        let peer = try ScriptedPeer(.read)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("wsasend-setup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        let tracer = Process()
        tracer.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        tracer.arguments = [
            "-f", "-qq", "-e", "trace=connect,\(calls)", "-e", "signal=none", "-o", log.path, Tool.url.path,
            "127.0.0.1:\(peer.port)", "--mode", mode, "--connections", "3", "--buffers", "1x64", "--count", "1", "-q",
        ]
        tracer.standardOutput = FileHandle.nullDevice
        tracer.standardError = FileHandle.nullDevice
        try tracer.run()
        tracer.waitUntilExit()
        #expect(tracer.terminationStatus == 0)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let connected = Set(
            lines.compactMap { line -> Substring? in
                guard line.contains("htons(\(peer.port))"), let call = line.firstRange(of: "connect(") else {
                    return nil
                }
                return line[call.upperBound...].prefix { $0.isNumber }
            })
        #expect(connected.count == 3, "\(lines)")
        return (lines, connected)
    }

    @Test(
        "Each connection's set-up sets O_NONBLOCK for the connect and clears it after, one F_SETFL each, no F_GETFL",
        arguments: [("event", 2), ("blocking", 2), ("nonblocking", 1)])
    func fcntlPerConnection(mode: String, setfl: Int) throws {
        // The descriptors connected to the peer's port, then every fcntl made on them.
        let (lines, connected) = try Self.traced(mode: mode, calls: "fcntl")
        for fd in connected {
            let calls = lines.filter { $0.contains("fcntl(\(fd), ") }
            #expect(calls.filter { $0.contains("F_GETFL") }.isEmpty, "\(calls)")
            #expect(calls.filter { $0.contains("F_SETFL") }.count == setfl, "\(calls)")
        }
    }

    @Test(
        "The first send on each connection makes no getpeername: the WSAPoll that saw the connect finish marked it",
        arguments: ["event", "blocking", "nonblocking"])
    func noPeerLookupBeforeFirstSend(mode: String) throws {
        let (lines, connected) = try Self.traced(mode: mode, calls: "getpeername,sendto,sendmsg")
        for fd in connected {
            // Each call on the descriptor after its connect, up to and including its first send.
            let calls = lines.filter {
                $0.contains("getpeername(\(fd),") || $0.contains("sendto(\(fd),") || $0.contains("sendmsg(\(fd),")
            }
            let firstSend = calls.firstIndex { !$0.contains("getpeername(") }
            #expect(firstSend != nil, "\(calls)")
            #expect(calls.prefix(firstSend ?? calls.count).isEmpty, "\(calls)")
        }
    }
}
