import Foundation
import Testing

/// A UDP receiver written in Python (an implementation independent of the library), bound to
/// 127.0.0.1 on a port of the system's choosing. It writes every datagram it receives, as hex, one a
/// line (and the address it came from, in a file of its own), and exits after `datagrams` of them or 10 s
/// of silence.
final class PythonUDPReceiver {
    static let interpreter = "/usr/bin/python3"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: interpreter) }

    private static let script = """
        import socket, sys
        count, port_file, out_file, from_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("127.0.0.1", 0))
        s.settimeout(10)
        with open(out_file, "w") as out, open(from_file, "w") as senders:
            with open(port_file, "w") as f:
                f.write(str(s.getsockname()[1]))
            for _ in range(count):
                try:
                    data, sender = s.recvfrom(70000)
                except socket.timeout:
                    break
                out.write(data.hex() + "\\n")
                out.flush()
                senders.write(f"{sender[0]}:{sender[1]}\\n")
                senders.flush()
        """

    private let process = Process()
    private let portFile = TemporaryFile()
    private let outFile = TemporaryFile()
    private let fromFile = TemporaryFile()
    let port: UInt16

    init(datagrams: Int) throws {
        process.executableURL = URL(fileURLWithPath: Self.interpreter)
        process.arguments = ["-c", Self.script, String(datagrams), portFile.path, outFile.path, fromFile.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: UInt16?
        while found == nil && Date() < deadline {
            if let text = try? String(contentsOfFile: portFile.path, encoding: .utf8) { found = UInt16(text) }
            if found == nil { usleep(20_000) }
        }
        port = try #require(found, "the Python receiver did not start")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The address ("127.0.0.1:40000") each datagram came from, in arrival order; read after `finish`.
    func senders() throws -> [String] {
        try String(contentsOfFile: fromFile.path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// Waits for the receiver to exit (at most `timeout` seconds) and returns the datagrams it received.
    func finish(timeout: Double = 20) throws -> [[UInt8]] {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        try #require(!process.isRunning, "the Python receiver did not finish")
        let text = try String(contentsOfFile: outFile.path, encoding: .utf8)
        return text.split(separator: "\n").map { line in
            var bytes: [UInt8] = []
            var index = line.startIndex
            while index < line.endIndex {
                let next = line.index(index, offsetBy: 2)
                bytes.append(UInt8(line[index..<next], radix: 16) ?? 0)
                index = next
            }
            return bytes
        }
    }
}
