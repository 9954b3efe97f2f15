import Winsock

/// Where the sender connects: `HOST:PORT`, with HOST a name, an IPv4 address or a bracketed IPv6
/// address (`[::1]:9000`).
public struct Target: Sendable, Hashable, CustomStringConvertible {
    /// The host as given, without brackets.
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// True when `host` is an IPv6 literal, which is written in brackets.
    public var isIPv6Literal: Bool { host.contains(":") }

    /// "127.0.0.1:9000", "[::1]:9000", "example.org:80".
    public var description: String { HostGrammar.join(host: host, port: port) }

    /// Parses `HOST:PORT`.
    public static func parse(_ text: String) -> Result<Target, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a HOST:PORT target")) }
        switch HostGrammar.split(text) {
        case .failure(let error):
            return .failure(error)
        case .success((let host, let port)):
            guard let host else { return .failure(.missingPort(text)) }
            guard !host.isEmpty else { return .failure(.missingHost(text)) }
            return PortGrammar.parse(port, allowZero: false).map { Target(host: host, port: $0) }
        }
    }
}

/// Where a sink or `--listen` waits: `[HOST:]PORT`; without a host, 127.0.0.1. Port 0 asks for any free
/// port.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host to bind, without brackets.
    public let host: String
    public let port: UInt16

    /// The host used when none is given: loopback, so that a sink is never exposed by accident.
    public static let defaultHost = "127.0.0.1"

    public init(host: String = ListenAddress.defaultHost, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String { HostGrammar.join(host: host, port: port) }

    /// Parses `[HOST:]PORT`.
    public static func parse(_ text: String) -> Result<ListenAddress, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a [HOST:]PORT address")) }
        // `--listen --json`: an option where the address belongs. A negative number goes on to the port
        // grammar, which names it as no port.
        if case .optionNotValue(let word)? = ValueSign.error(text[...], what: "a port") {
            return .failure(.optionNotValue(word))
        }
        switch HostGrammar.split(text) {
        case .failure(let error):
            return .failure(error)
        case .success((let host, let port)):
            if let host, host.isEmpty { return .failure(.missingHost(text)) }
            return PortGrammar.parse(port, allowZero: true).map {
                ListenAddress(host: host ?? ListenAddress.defaultHost, port: $0)
            }
        }
    }
}

/// The host half of the address grammars.
enum HostGrammar {
    /// Splits `HOST:PORT`, `[V6]:PORT` or a bare `PORT` (host nil) and checks the host's spelling.
    static func split(_ text: String) -> Result<(host: String?, port: Substring), GrammarError> {
        if let scheme = text.firstRange(of: "://") {
            // http://127.0.0.1:9300/path names the target 127.0.0.1:9300: suggest it when it has a port.
            let authority = text[scheme.upperBound...].prefix { $0 != "/" }
            let suggestion = (try? Target.parse(String(authority)).get())?.description
            return .failure(.urlNotTarget(text, suggestion: suggestion))
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.malformedBrackets(text)) }
            let inside = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(.malformedBrackets(text)) }
            guard isIPv6(inside) else { return .failure(.notIPv6(text)) }
            return .success((String(inside), rest.dropFirst()))
        }
        guard let colon = text.lastIndex(of: ":") else { return .success((nil, text[...])) }
        let host = text[..<colon]
        if host.contains(":") { return .failure(.ipv6NeedsBrackets(text)) }
        if !host.isEmpty && !isHostName(host) { return .failure(.badHost(String(host))) }
        return .success((String(host), text[text.index(after: colon)...]))
    }

    /// "[::1]:9000" for IPv6 literals, "host:port" otherwise.
    static func join(host: String, port: UInt16) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// An IPv6 literal, optionally with a zone (`fe80::1%lo`).
    static func isIPv6(_ text: Substring) -> Bool {
        let address = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        guard let literal = address.first, !literal.isEmpty, address.count == 1 || !address[1].isEmpty else {
            return false
        }
        var raw = in6_addr()
        return inet_pton(AF_INET6, String(literal), &raw) == 1
    }

    /// Letters, digits, '-', '_' and '.', at most 253 characters: a DNS name or an IPv4 address.
    static func isHostName(_ text: Substring) -> Bool {
        guard text.utf8.count <= 253 else { return false }
        return text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
    }
}
