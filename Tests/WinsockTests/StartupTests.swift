import Testing
import Winsock

/// WSAStartup negotiation while the process's session keeps the library started: every successful
/// WSAStartup here is matched by a WSACleanup, and the count never reaches zero (ZeroStartupTests
/// checks the zero state in a child process).
@Suite("WSAStartup and WSACleanup with the library started")
struct StartupTests {
    struct Negotiation: Sendable, CustomTestStringConvertible {
        let major: UInt8
        let minor: UInt8
        let expected: WORD
        var testDescription: String { "request \(major).\(minor)" }
    }

    // Windows' table: wVersion is the requested version up to 2.2, and 2.2 above it; wHighVersion 2.2.
    static let negotiations: [Negotiation] = [
        Negotiation(major: 1, minor: 0, expected: 0x0001),
        Negotiation(major: 1, minor: 1, expected: 0x0101),
        Negotiation(major: 2, minor: 0, expected: 0x0002),
        Negotiation(major: 2, minor: 2, expected: 0x0202),
        Negotiation(major: 2, minor: 3, expected: 0x0202),
        Negotiation(major: 3, minor: 0, expected: 0x0202),
    ]

    @Test("WSAStartup negotiates wVersion and reports wHighVersion 2.2", arguments: negotiations)
    func negotiation(_ case: Negotiation) {
        startWinsock()
        var data = WSADATA()
        let status = WSAStartup(MAKEWORD(`case`.major, `case`.minor), &data)
        #expect(status == 0)
        guard status == 0 else { return }
        #expect(data.wVersion == `case`.expected)
        #expect(data.wHighVersion == MAKEWORD(2, 2))
        let description = withUnsafeBytes(of: data.szDescription) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        let status2 = withUnsafeBytes(of: data.szSystemStatus) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        #expect(!description.isEmpty)
        #expect(status2 == "Running")
        #expect(WSACleanup() == 0)
    }

    @Test(
        "a requested version whose low byte (major) is 0 returns WSAVERNOTSUPPORTED as the return value",
        arguments: [MAKEWORD(0, 0), MAKEWORD(0, 1), MAKEWORD(0, 2), MAKEWORD(0, 255)])
    func majorZero(_ version: WORD) {
        startWinsock()
        var data = WSADATA()
        #expect(WSAStartup(version, &data) == WSAVERNOTSUPPORTED)
    }

    @Test("a nil WSADATA returns WSAEFAULT as the return value")
    func nilData() {
        startWinsock()
        #expect(WSAStartup(MAKEWORD(2, 2), nil) == WSAEFAULT)
    }

    @Test("a further WSAStartup and its WSACleanup leave the library started and its sockets open")
    func nestedStartup() throws {
        startWinsock()
        let socket = makeSocket(AF_INET, SOCK_DGRAM)
        defer { _ = closesocket(socket) }
        var data = WSADATA()
        try #require(WSAStartup(MAKEWORD(2, 2), &data) == 0)
        expectSuccess(WSACleanup())
        #expect(getOption(socket, SOL_SOCKET, SO_TYPE) == UInt32(SOCK_DGRAM))
        let another = makeSocket(AF_INET, SOCK_STREAM)
        expectSuccess(closesocket(another))
    }

    @Test("WinsockSession negotiates 2.2 and throws the code WSAStartup returns")
    func session() throws {
        let session = try WinsockSession()
        #expect(session.version == MAKEWORD(2, 2))
        #expect(throws: WSAError.versionNotSupported) { try WinsockSession(version: MAKEWORD(0, 2)) }
        withExtendedLifetime(session) {}
    }
}
