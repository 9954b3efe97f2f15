@_exported import CWinsock

/// A Winsock socket handle: an index into the library's socket table, never a Linux descriptor.
public typealias SOCKET = UInt
/// winsock2.h's `DWORD`.
public typealias DWORD = UInt32
/// winsock2.h's `WORD`.
public typealias WORD = UInt16
/// winsock2.h's `BOOL`: `TRUE` is 1, `FALSE` 0.
public typealias BOOL = Int32
/// winsock2.h's `ULONG`.
public typealias ULONG = UInt32
/// ws2def.h's `ADDRESS_FAMILY`, the type of `sin_family` (Linux's `sa_family_t`, 16 bits as on Windows).
public typealias ADDRESS_FAMILY = sa_family_t
/// winsock2.h's `HANDLE`.
public typealias HANDLE = UnsafeMutableRawPointer?
/// An event object handle, from `WSACreateEvent`.
public typealias WSAEVENT = UnsafeMutableRawPointer?
/// winsock2.h's `LPWSABUF`.
public typealias LPWSABUF = UnsafeMutablePointer<WSABUF>
/// winsock2.h's `LPWSAOVERLAPPED`.
public typealias LPWSAOVERLAPPED = UnsafeMutablePointer<WSAOVERLAPPED>

/// A completion routine: `(dwError, cbTransferred, lpOverlapped, dwFlags)`, run in an alertable wait of
/// the thread that issued the operation.
public typealias LPWSAOVERLAPPED_COMPLETION_ROUTINE =
    @convention(c) (DWORD, DWORD, UnsafeMutablePointer<WSAOVERLAPPED>?, DWORD) -> Void

/// The handle `socket` and `accept` return on failure.
public let INVALID_SOCKET: SOCKET = ~0
/// The value most functions return on failure; `WSAGetLastError` then says why.
public let SOCKET_ERROR: Int32 = -1
public let TRUE: BOOL = 1
public let FALSE: BOOL = 0
/// The event handle `WSACreateEvent` returns on failure.
public var WSA_INVALID_EVENT: WSAEVENT { nil }

/// Packs a version number as winsock2.h's `MAKEWORD`: the low byte is the major version.
@inlinable
public func MAKEWORD(_ low: UInt8, _ high: UInt8) -> WORD {
    WORD(low) | (WORD(high) << 8)
}

/// The low byte of a `WORD`: the major version of a Winsock version number.
@inlinable
public func LOBYTE(_ value: WORD) -> UInt8 { UInt8(truncatingIfNeeded: value) }

/// The high byte of a `WORD`: the minor version of a Winsock version number.
@inlinable
public func HIBYTE(_ value: WORD) -> UInt8 { UInt8(truncatingIfNeeded: value >> 8) }
