/// The table of open sockets: SOCKET handles to their records.
///
/// A handle carries its slot's generation, so a stale handle gives WSAENOTSOCK rather than reaching a
/// newer socket in the same slot.
final class SocketTable: Sendable {
    private let table = HandleTable<SocketRecord>()

    /// Enters a record made for its new handle; nil when the table is full.
    func insert(_ make: (SOCKET) -> SocketRecord) -> SocketRecord? { table.insert(make)?.object }

    @inline(__always)
    func lookup(_ handle: SOCKET) -> SocketRecord? { table.lookup(handle) }

    func remove(_ handle: SOCKET) -> SocketRecord? { table.remove(handle) }

    /// Empties the table, for the last WSACleanup.
    func removeAll() -> [SocketRecord] { table.removeAll() }
}
