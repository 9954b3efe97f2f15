import Testing
import Winsock

@testable import WSASendTool

@Suite("Report addresses")
struct ReportAddressTests {
    @Test(
        "A connection's address kept compactly prints exactly as the socket address does",
        arguments: [
            ("127.0.0.1", 9000), ("127.213.1.1", 53422), ("0.0.0.0", 0), ("255.255.255.255", 65535),
            ("10.20.30.40", 1), ("::1", 9000), ("fe80::1", 443),
        ] as [(String, UInt16)])
    func printsAsSocketAddress(host: String, port: UInt16) throws {
        let address = try #require(SocketAddress(numericHost: host, port: port))
        #expect(ReportAddress(address).description == address.description)
    }

    @Test("An IPv4 address is kept as numbers, an IPv6 one as its text")
    func keepsIPv4AsNumbers() throws {
        let v4 = try #require(SocketAddress(numericHost: "127.0.0.1", port: 80))
        let v6 = try #require(SocketAddress(numericHost: "::1", port: 80))
        #expect(ReportAddress(v4) == .ipv4(address: 0x7F00_0001, port: 80))
        #expect(ReportAddress(v6) == .text("[::1]:80"))
    }

    @Test("A report's address set as text reads back unchanged")
    func textRoundTrips() {
        var connection = ConnectionReport(index: 0)
        connection.local = "[fe80::1%lo]:5000"
        connection.remote = nil
        #expect(connection.local == "[fe80::1%lo]:5000")
        #expect(connection.remote == nil)
    }
}
