/// WSASend's flags as a Swift option set.
public struct SendFlags: OptionSet, Sendable, Hashable {
    public let rawValue: DWORD
    public init(rawValue: DWORD) { self.rawValue = rawValue }

    /// MSG_OOB: urgent data, stream sockets only.
    public static let outOfBand = SendFlags(rawValue: DWORD(MSG_OOB))
    /// MSG_DONTROUTE: bypass routing.
    public static let dontRoute = SendFlags(rawValue: DWORD(MSG_DONTROUTE))
    /// MSG_PARTIAL: TCP and UDP refuse it with WSAEOPNOTSUPP.
    public static let partial = SendFlags(rawValue: DWORD(MSG_PARTIAL))
}
