import Winsock

/// The source addresses of `--bind ADDR[,ADDR...]`: numeric IPv4 or IPv6 addresses that the connections
/// bind to in turn (connection `i` takes address `i % count`) before they connect.
///
/// Loopback offers about 28,000 ephemeral ports per source address towards one destination, so a run of
/// 100,000 connections to one sink needs several sources; every 127.x.y.z address is loopback on Linux.
public struct SourceAddresses: Sendable, Hashable, CustomStringConvertible {
    /// The addresses in the order given, each with port 0 (the system picks the port).
    public let addresses: [SocketAddress]

    public init(_ addresses: [SocketAddress]) {
        self.addresses = addresses
    }

    /// "127.0.0.2,127.0.0.3", as it would be written on the command line.
    public var description: String {
        addresses.map { $0.family == AF_INET6 ? "[\($0.host)]" : $0.host }.joined(separator: ",")
    }

    /// Parses a comma-separated list of numeric addresses; an IPv6 address may be written in brackets.
    public static func parse(_ text: String) -> Result<SourceAddresses, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a list of source addresses")) }
        if case .optionNotValue(let word)? = ValueSign.error(text[...], what: "an address") {
            return .failure(.optionNotValue(word))
        }
        var addresses: [SocketAddress] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { return .failure(.emptyItem(text)) }
            var host = item
            if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
                host = host.dropFirst().dropLast()
            }
            guard let address = SocketAddress(numericHost: String(host), port: 0) else {
                return .failure(.notNumericAddress(String(item)))
            }
            addresses.append(address)
        }
        return .success(SourceAddresses(addresses))
    }
}
