import Foundation
import Glibc
import Testing

/// `--bind`: source addresses taken in turn, and the open-file limit raised for many connections.
@Suite("wsasend --bind and the open-file limit")
struct BindEndToEndTests {
    @Test("--bind 127.0.0.2,127.0.0.3: a listener in the test accepts two connections from those addresses")
    func connectionsComeFromTheSources() throws {
        let listener = try BacklogListener()
        let outcome = try Tool.run(
            ["127.0.0.1:\(listener.port)", "--connections", "2", "--bind", "127.0.0.2,127.0.0.3", "--json", "-q"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let peers = try listener.acceptPeers(2)
        #expect(Set(peers) == ["127.0.0.2", "127.0.0.3"], "peers \(peers)")
        let report = try JSONSerialization.jsonObject(with: outcome.stdoutData) as? [String: Any]
        let locals = (report?["connections"] as? [[String: Any]])?.compactMap { $0["local"] as? String } ?? []
        #expect(locals.count == 2)
        #expect(locals.first?.hasPrefix("127.0.0.2:") == true, "\(locals)")
        #expect(locals.last?.hasPrefix("127.0.0.3:") == true, "\(locals)")
    }

    @Test(
        "A --bind value that is not a list of numeric addresses is a usage error (64) with one line",
        arguments: [
            ("127.0.0.300", "'127.0.0.300' is not a numeric IPv4 or IPv6 address, such as 127.0.0.2 or ::1"),
            ("localhost", "'localhost' is not a numeric IPv4 or IPv6 address, such as 127.0.0.2 or ::1"),
            ("127.0.0.2,,127.0.0.3", "'127.0.0.2,,127.0.0.3' has an empty item between commas"),
            ("", "an empty value is not a list of source addresses"),
        ])
    func badAddresses(value: String, message: String) throws {
        let outcome = try Tool.run(["127.0.0.1:9", "--bind", value])
        #expect(outcome.status == 64)
        #expect(outcome.stderrLines.count == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("wsasend: "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    @Test("--bind with --listen is a usage error (64): one chooses the source, the other accepts")
    func bindWithListen() throws {
        let outcome = try Tool.run(["--listen", "0", "--bind", "127.0.0.2"])
        #expect(outcome.status == 64)
        #expect(outcome.stderrLines.count == 1, "\(outcome.stderr)")
    }

    @Test("A source address no interface has fails the connection with WSAEADDRNOTAVAIL (exit 69)")
    func addressNotAvailable() throws {
        let listener = try BacklogListener()
        // 192.0.2.1 is TEST-NET-1: only bound here, never sent to (the connection goes to loopback).
        let outcome = try Tool.run(["127.0.0.1:\(listener.port)", "--bind", "192.0.2.1"])
        #expect(outcome.status == 69)
        #expect(outcome.stderrLines.count == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("WSAEADDRNOTAVAIL (10049)"), "\(outcome.stderr)")
    }

    @Test("An IPv4 source for an IPv6 target fails the connection with WSAEAFNOSUPPORT (exit 69)")
    func familyMismatch() throws {
        let outcome = try Tool.run(["[::1]:9", "--bind", "127.0.0.2"])
        #expect(outcome.status == 69)
        #expect(outcome.stderrLines.count == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("WSAEAFNOSUPPORT (10047)"), "\(outcome.stderr)")
    }

    @Test("A soft open-file limit of 100 is raised to the hard one for 200 connections")
    func softLimitIsRaised() throws {
        let listener = try BacklogListener(backlog: 512)
        let outcome = try Tool.runUnderShell(
            "ulimit -S -n 100", ["127.0.0.1:\(listener.port)", "--connections", "200", "--mode", "event", "-q"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
    }

    @Test(
        "A hard open-file limit of 100 that cannot be raised stops 200 connections before the first, exit 69",
        .enabled(if: !OpenFileCapability.canRaiseHardLimit, "this process may raise its hard limit (CAP_SYS_RESOURCE)")
    )
    func hardLimitStops() throws {
        let listener = try BacklogListener(backlog: 512)
        let outcome = try Tool.runUnderShell(
            "ulimit -n 100", ["127.0.0.1:\(listener.port)", "--connections", "200", "-q"])
        #expect(outcome.status == 69)
        #expect(
            outcome.stderrLines == [
                "wsasend: --connections 200 needs about 264 open files, but the hard limit is 100 and raising it "
                    + "takes CAP_SYS_RESOURCE: allow more first ('ulimit -n 264' as root), or use fewer connections"
            ], "\(outcome.stderr)")
        #expect(listener.pendingConnections() == 0, "no connection should have been made")
    }
}

/// Whether this process has CAP_SYS_RESOURCE, which lets it raise its hard open-file limit.
enum OpenFileCapability {
    static let canRaiseHardLimit: Bool = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return false }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16)
        else { return false }
        return mask & (1 << 24) != 0
    }()
}

extension Tool {
    /// Runs the tool from /bin/sh after `setup` (such as a `ulimit`), which the tool inherits.
    static func runUnderShell(_ setup: String, _ arguments: [String], timeout: Double = 60) throws -> Outcome {
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let script = "\(setup) && exec '\(Tool.url.path)' \(quoted)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self), stdoutData: out)
    }
}

/// A loopback listener that accepts nothing until asked: connections wait, complete, in its backlog,
/// where the test then reads their peer addresses.
final class BacklogListener {
    let port: UInt16
    private let fd: Int32

    init(backlog: Int32 = 16) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw ToolTestError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, backlog) == 0 else {
            close(listener)
            throw ToolTestError("bind/listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        fd = listener
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(fd) }

    /// Accepts `count` connections (waiting at most 10 s for each) and returns their peers' addresses.
    func acceptPeers(_ count: Int) throws -> [String] {
        var peers: [String] = []
        for _ in 0..<count {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 10_000) == 1 else { throw ToolTestError("no connection to accept") }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let connection = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &length) }
            }
            guard connection >= 0 else { throw ToolTestError("accept: \(errno)") }
            close(connection)
            peers.append(String(cString: inet_ntoa(address.sin_addr)))
        }
        return peers
    }

    /// How many connections are waiting to be accepted now.
    func pendingConnections() -> Int {
        var count = 0
        while true {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 0) == 1 else { return count }
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return count }
            close(connection)
            count += 1
        }
    }
}
