import Glibc

/// An IPv4 or IPv6 address and port, stored as the system's `sockaddr_storage`.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline var storage = sockaddr_storage()
    /// The length of the address inside `storage`.
    public private(set) var length: Int32 = 0

    /// Wraps a system address of `length` bytes.
    public init(_ address: UnsafePointer<sockaddr>, length: Int32) {
        let size = min(Int(length), MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &storage) {
            $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: size))
        }
        self.length = Int32(size)
    }

    /// A numeric address such as "127.0.0.1", "::1" or a scoped "fe80::1%eth0"; nil when `host` is not one.
    ///
    /// An IPv6 address may carry a zone after `%` (RFC 4007's text form, which Windows' getaddrinfo
    /// also reads): an interface name or number, which becomes `sin6_scope_id`. IPv4 takes only the
    /// dotted quad: getaddrinfo's AI_NUMERICHOST would also take inet_aton's forms ("127.1"), which a
    /// target's text should not silently mean, so the zone is parsed here rather than by getaddrinfo.
    public init?(numericHost host: String, port: UInt16) {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            self = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    SocketAddress($0, length: Int32(MemoryLayout<sockaddr_in>.size))
                }
            }
            return
        }
        let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, String(parts[0]), &v6.sin6_addr) == 1 {
            if parts.count == 2 {
                guard let scope = Self.scopeID(zone: parts[1]) else { return nil }
                v6.sin6_scope_id = scope
            }
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            self = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    SocketAddress($0, length: Int32(MemoryLayout<sockaddr_in6>.size))
                }
            }
            return
        }
        return nil
    }

    /// The scope of a zone's text: an interface number, or the index of an interface name; nil for
    /// neither.
    private static func scopeID(zone: Substring) -> UInt32? {
        guard !zone.isEmpty else { return nil }
        if zone.allSatisfy({ $0.isASCII && $0.isNumber }) { return UInt32(zone) }
        let index = if_nametoindex(String(zone))
        return index == 0 ? nil : index
    }

    /// `AF_INET` or `AF_INET6`.
    public var family: Int32 { Int32(storage.ss_family) }

    public var port: UInt16 {
        withSockaddr { address, _ in
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            default: 0
            }
        }
    }

    /// The numeric host, "127.0.0.1" or "::1"; a scoped IPv6 address ends with its zone, "fe80::1%lo" (the
    /// interface's name, or its number when it has none), so that `init(numericHost:port:)` reads it back.
    public var host: String {
        withSockaddr { address, _ in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var raw = $0.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
                }
            case AF_INET6:
                let scope = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var raw = $0.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                    return $0.pointee.sin6_scope_id
                }
                let numeric = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard scope != 0 else { return numeric }
                return "\(numeric)%\(Self.zone(of: scope))"
            default: return "?"
            }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The text of a scope: the interface's name, or the number when no interface has it.
    private static func zone(of scope: UInt32) -> String {
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(scope, &name) != nil else { return String(scope) }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "127.0.0.1:9000", "[::1]:9000" or "[fe80::1%lo]:9000".
    public var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with the address as the system's `sockaddr` and its length.
    ///
    /// Inlinable: called across modules unspecialised, the generic closure and pointer calls looked up
    /// their metadata at run time, about 1,000 instructions a call, twice per connection set up (bind and
    /// connect).
    @inlinable
    public func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, Int32) throws -> R) rethrows -> R {
        try withUnsafePointer(to: storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// Resolves a host name or numeric address with getaddrinfo.
    ///
    /// - Throws: WSAHOST_NOT_FOUND, WSATRY_AGAIN, WSANO_RECOVERY or WSANO_DATA, as Windows' getaddrinfo.
    public static func resolve(
        host: String, port: UInt16, type: Int32 = SOCK_STREAM
    ) throws(WSAError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = type
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else { throw WSAError(resolverCode(status)) }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                let candidate = SocketAddress(address, length: Int32(current.pointee.ai_addrlen))
                if !addresses.contains(candidate) { addresses.append(candidate) }
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw WSAError(WSANO_DATA) }
        return addresses
    }

    /// Windows' getaddrinfo codes for glibc's EAI_* answers.
    static func resolverCode(_ status: Int32) -> Int32 {
        switch status {
        case EAI_AGAIN: WSATRY_AGAIN
        case EAI_FAIL: WSANO_RECOVERY
        // EAI_NODATA (-5) and EAI_ADDRFAMILY (-9): glibc declares them only under _GNU_SOURCE.
        case -5, -9: WSANO_DATA
        case EAI_MEMORY: WSA_NOT_ENOUGH_MEMORY
        case EAI_FAMILY: WSAEAFNOSUPPORT
        case EAI_SOCKTYPE: WSAESOCKTNOSUPPORT
        case EAI_SERVICE: WSATYPE_NOT_FOUND
        default: WSAHOST_NOT_FOUND
        }
    }

    public static func == (a: SocketAddress, b: SocketAddress) -> Bool {
        guard a.length == b.length else { return false }
        return withUnsafeBytes(of: a.storage) { left in
            withUnsafeBytes(of: b.storage) { right in
                left.prefix(Int(a.length)).elementsEqual(right.prefix(Int(b.length)))
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: storage) { hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: $0.prefix(Int(length)))) }
    }
}
